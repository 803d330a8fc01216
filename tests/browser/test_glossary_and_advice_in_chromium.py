"""The forum's word list and easy-read advice on ideas, in Chromium (axe on each page)."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_live_meeting_in_chromium import sign_in
from tests.browser.test_proposal_thread_in_chromium import open_invite


def test_a_word_on_the_list_and_advice_as_a_member_types(demo, new_context):
    forum = demo["forum"]
    lead = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(lead, demo)
    lead.goto(reverse("deliberation:forum", args=[forum.slug]))
    lead.get_by_role("link", name="Our word list").click()
    expect(lead.get_by_role("heading", name="Our word list", level=1)).to_be_visible()
    assert axe_violations(lead) == [], "word list"
    lead.get_by_label(re.compile("A short form we explain")).check()
    lead.get_by_label("The word or short form").fill("ICB")
    lead.get_by_label("What it means, in plain words").fill("the group that pays for care")
    lead.get_by_role("button", name="Add to the list").click()
    expect(lead.get_by_text("“ICB” is on the list.")).to_be_visible()
    short_forms = lead.locator("section", has=lead.locator("#short-forms-title"))
    expect(short_forms).to_contain_text("the group that pays for care")
    assert axe_violations(lead) == [], "word list with a word"

    # A member (by her personal link) gets advice as she types an idea.
    amira = new_context().new_page()
    open_invite(amira, demo["members"]["Amira Khan"])
    amira.get_by_role("link", name="Share an idea").first.click()
    summary = amira.get_by_label("What is your idea?")
    summary.fill("The ICB should do more safeguarding.")
    live = amira.locator(".easyread-live").nth(1)
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_contain_text("“safeguarding” is a hard word.")
    expect(live).not_to_contain_text("ICB")  # the forum's word list explains it
    amira.get_by_label("Title").fill("Keeping people safe")
    amira.locator("label.symbol-choice", has_text="Staying safe").click()
    assert axe_violations(amira) == [], "idea form with advice"

    # Advice never blocks saving; it shows again on the page she lands on.
    amira.get_by_role("button", name="Share my idea").click()
    expect(amira.get_by_text("Thank you. Your idea is saved.")).to_be_visible()
    panel = amira.locator("details.easyread")
    expect(panel).to_contain_text("Check your words")
    expect(panel).to_contain_text("“safeguarding” is a hard word.")
    assert axe_violations(amira) == [], "saved idea with advice"
