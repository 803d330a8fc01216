"""Easy-read advice as you type, in Chromium, and beside the saved text after submitting."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_live_meeting_in_chromium import sign_in

LONG_QUESTION = (
    "Should we ask the council for more buses to the day centre in the evenings and at "
    "the weekends?"
)


def test_advice_as_you_type_and_after_saving(demo, new_context):
    meeting = demo["meeting"]
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, demo)
    page.goto(reverse("deliberation:console", args=[demo["forum"].slug, meeting.pk]))

    new_poll = page.locator("details.new-poll")
    if new_poll.get_attribute("open") is None:
        new_poll.locator("summary").click()
    question = new_poll.locator("[name=question]")
    question.fill(LONG_QUESTION)
    live = new_poll.locator(".easyread-live").first
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_contain_text("This sentence has 19 words. Try to use 15 or fewer.")
    assert live.get_attribute("id") in (question.get_attribute("aria-describedby") or "")

    question.fill("Do you want more buses?")
    expect(live).to_contain_text("No easy-read advice for these words.")
    question.fill(LONG_QUESTION)
    expect(live).to_contain_text("This sentence has 19 words.")

    # Advice never blocks saving.
    new_poll.get_by_label(re.compile("yes or no", re.I)).first.check()
    new_poll.get_by_role("button", name="Make the vote").click()
    expect(page.get_by_text("The vote is ready.")).to_be_visible()
    card = page.locator("article.poll-card", has_text=LONG_QUESTION)
    expect(card.locator("details.easyread")).to_contain_text("This sentence has 19 words.")
    assert axe_violations(page) == []
