"""A phone told live of a named vote says, in plain words, that the record shows the voter."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_live_meeting_in_chromium import QUESTION, join_by_code, sign_in

NAMED = "The record will show your name and your vote."


def test_a_vote_opened_live_says_the_record_shows_your_name(demo, new_context):
    phone = new_context().new_page()
    join_by_code(phone, demo, "Dev Patel")
    expect(phone.locator(".notice.named")).to_have_count(0)

    console = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(console, demo)
    console.goto(reverse("deliberation:console", args=[demo["forum"].slug, demo["meeting"].pk]))
    card = console.locator("article.poll-card", has_text=QUESTION)
    card.get_by_role("button", name="Open this vote").click()

    # Drawn by the page script, without a reload: the same words the server puts on the page.
    expect(phone.get_by_role("heading", name=QUESTION)).to_be_visible()
    expect(phone.locator(".notice.named")).to_contain_text(NAMED)
    phone.reload()
    expect(phone.locator(".notice.named")).to_contain_text(NAMED)
