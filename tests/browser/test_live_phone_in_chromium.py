"""The phone in a real room: the question's own agenda item, a new vote and every message in
view, and a phone without JavaScript that can check for a new question."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_live_meeting_in_chromium import QUESTION, join_by_code, sign_in

DAY_SERVICES = "Day services: what matters to you"
WELCOME = "Welcome and how we work together"


def open_console(new_context, demo):
    console = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(console, demo)
    console.goto(reverse("deliberation:console", args=[demo["forum"].slug, demo["meeting"].pk]))
    return console


def test_a_phone_shows_the_agenda_item_of_the_question(demo, new_context):
    phone = new_context().new_page()
    join_by_code(phone, demo, "Amira Khan")
    heading = phone.locator("#question-area .agenda-now .agenda-title")
    expect(heading).to_have_text(WELCOME)

    console = open_console(new_context, demo)
    console.locator("article.poll-card", has_text=QUESTION).get_by_role(
        "button", name="Open this vote"
    ).click()
    expect(phone.get_by_role("heading", name=QUESTION)).to_be_visible()
    # The vote belongs to "Day services": the phone says so, as the projector does.
    expect(heading).to_have_text(DAY_SERVICES)

    # The facilitator moves on while the vote is open: the heading stays with the
    # question being asked (also as the server draws the page), until the vote closes.
    console.locator("#console-agenda li", has_text="Getting about").get_by_role(
        "button", name="Go to this item"
    ).click()
    expect(console.locator("#console-agenda li.current")).to_contain_text("Getting about")
    phone.reload()
    expect(heading).to_have_text(DAY_SERVICES)
    console.locator("article.poll-card", has_text=QUESTION).get_by_role(
        "button", name="Close this vote"
    ).click()
    expect(heading).to_have_text("Getting about: buses and taxis")
