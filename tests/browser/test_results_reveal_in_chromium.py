"""A new vote shows no verdict while people vote, until everyone here has or it is shown."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_live_meeting_in_chromium import QUESTION, join_by_code, sign_in

VERDICT = re.compile(r"^(Passed|Not passed)$")


def test_phones_and_projector_wait_for_the_reveal(demo, new_context):
    meeting = demo["meeting"]
    console = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(console, demo)
    console_url = reverse("deliberation:console", args=[demo["forum"].slug, meeting.pk])
    console.goto(console_url)
    projector = new_context(viewport={"width": 1280, "height": 720}).new_page()
    projector.goto(reverse("deliberation:projector", args=[meeting.projector_token]))
    amira = new_context().new_page()
    join_by_code(amira, demo, "Amira Khan")
    # Femi is here too and has not voted yet.
    join_by_code(new_context().new_page(), demo, "Femi Adeyemi")

    console.reload()
    console.locator("article.poll-card", has_text=QUESTION).get_by_role(
        "button", name="Open this vote"
    ).click()
    expect(amira.get_by_role("heading", name=QUESTION)).to_be_visible()
    amira.locator("label.choice", has_text=re.compile("^Disagree$")).click()
    amira.get_by_role("button", name="Send my vote").click()
    expect(amira.get_by_text("Your vote is saved.").first).to_be_visible()

    # One vote in, and nobody sees a verdict or a count per option: only the progress.
    for page in (amira, projector):
        progress = page.get_by_text(re.compile(r"^1 of \d+ people here have voted\.$"))
        expect(progress).to_be_visible()
        expect(page.get_by_text("Results will show when everyone here has voted.")).to_be_visible()
        expect(page.get_by_text(VERDICT)).to_have_count(0)
        expect(page.locator(".results .bar")).to_have_count(0)
    assert axe_violations(amira) == [], amira.url

    console.reload()
    card = console.locator("article.poll-card", has_text=QUESTION)
    expect(card.get_by_text(re.compile(r"^1 of \d+ people here have voted\.$"))).to_be_visible()
    expect(card.get_by_text(VERDICT)).to_have_count(0)
    card.get_by_role("button", name="Show the results now").click()

    # Shown live on the projector and the phone, without a reload.
    for page in (projector, amira):
        expect(page.get_by_text(VERDICT).first).to_be_visible()
    for page in (console, projector):
        assert axe_violations(page) == [], page.url
