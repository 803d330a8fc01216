"""The phone in a real room: the question's own agenda item, a new vote and every message in
view, and a phone without JavaScript that can check for a new question."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
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
    # The console's own answer to its click comes last: wait for it, so the database is
    # not emptied under the server while it still reads the meeting for that page (in
    # CI, PostgreSQL twice found that read and the flush after the test deadlocked).
    card = console.locator("article.poll-card", has_text=QUESTION)
    expect(card.get_by_role("button", name="Reopen this vote")).to_be_visible()
    console.wait_for_load_state()


MONEY = "Where should the money go first? You have 3 dots."


def scroll_to_bottom(page):
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")


def in_view(page, locator):
    """The element is wholly on the screen, and not under the status messages."""
    expect(locator).to_be_in_viewport(ratio=1)
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, box
    return box


def not_covered(page, locator):
    """No status message lies over this control: it can still be seen and pressed."""
    box = in_view(page, locator)
    for message in page.locator("#live-status .message").all():
        over = message.bounding_box()
        assert (
            over is None
            or over["y"] >= box["y"] + box["height"]
            or (over["y"] + over["height"] <= box["y"])
        ), (over, box)


@pytest.mark.parametrize(
    ("size", "motion"),
    [({"width": 390, "height": 844}, "no-preference"), ({"width": 320, "height": 568}, "reduce")],
)
def test_a_new_vote_and_every_message_come_into_view(demo, new_context, size, motion):
    phone = new_context(viewport=size, reduced_motion=motion).new_page()
    # The phone's sockets pass through the test, which can cut the one open.
    sockets = []

    def through(ws):
        ws.connect_to_server()
        sockets.append(ws)

    phone.route_web_socket(re.compile("/ws/"), through)
    join_by_code(phone, demo, "Amira Khan")
    console = open_console(new_context, demo)
    console.locator("article.poll-card", has_text=QUESTION).get_by_role(
        "button", name="Open this vote"
    ).click()
    question = phone.get_by_role("heading", name=QUESTION)
    expect(question).to_be_visible()
    news = phone.locator("#question-news")
    expect(news).to_have_text(f"New question: {QUESTION}")

    # Send the vote from the bottom of the page: the answer is said where the person is,
    # and the status does not cover the button they pressed.
    phone.locator("label.choice", has_text=re.compile("^Agree$")).click()
    send = phone.get_by_role("button", name="Send my vote")
    scroll_to_bottom(phone)
    send.click()
    saved = phone.locator("#live-status .message", has_text="Your vote is saved.")
    in_view(phone, saved)
    not_covered(phone, send)

    # The vote closes; the person reads the results further down; a new vote opens.
    console.locator("article.poll-card", has_text=QUESTION).get_by_role(
        "button", name="Close this vote"
    ).click()
    expect(phone.get_by_text("Passed").first).to_be_visible()
    scroll_to_bottom(phone)
    assert phone.locator("#question-area").bounding_box()["y"] < 0
    console.locator("article.poll-card", has_text=MONEY).get_by_role(
        "button", name="Open this vote"
    ).click()
    new_question = phone.get_by_role("heading", name=MONEY)
    in_view(phone, new_question)
    in_view(phone, phone.locator("#question-area .agenda-now"))
    expect(news).to_have_text(f"New question: {MONEY}")

    # The connection drops while the person is further down: "Connecting again…" shows
    # on the screen, then goes when the phone is back.
    scroll_to_bottom(phone)
    phone.context.set_offline(True)
    sockets[-1].close(code=1001, reason="wifi lost")
    connecting = phone.locator("#live-status .message", has_text="Connecting again")
    in_view(phone, connecting)
    phone.context.set_offline(False)
    expect(connecting).to_have_count(0)

    # A refusal: the person opens the meeting on more screens than one phone may have, so
    # this one stops, and says so where the person is.
    scroll_to_bottom(phone)
    others = [phone.context.new_page() for _ in range(5)]
    for other in others:
        other.goto(reverse("deliberation:phone", args=[demo["meeting"].pk]))
        expect(other.get_by_role("heading", name=MONEY)).to_be_visible()
    refusal = phone.locator("#live-status .message-error")
    in_view(phone, refusal)
    expect(refusal).to_contain_text("another screen")
    expect(phone.locator("#live-status")).to_have_attribute("aria-live", "polite")


CHECK = "Check for a new question"


def test_a_phone_without_javascript_checks_for_a_new_question(demo, new_context):
    from deliberation.models import Poll
    from deliberation.services.polls import poll_close, poll_open

    phone = new_context(java_script_enabled=False).new_page()
    join_by_code(phone, demo, "Dev Patel")
    expect(phone.get_by_text("Please wait for the next question.")).to_be_visible()
    assert phone.locator("meta[http-equiv]").count() == 0
    check = phone.get_by_role("button", name=CHECK)
    box = check.bounding_box()
    assert box and box["height"] >= 48, box

    # A vote opens after the page was loaded: the phone shows it once the button is pressed.
    poll = Poll.objects.get(question=QUESTION)
    poll_open(poll=poll)
    expect(phone.get_by_role("heading", name=QUESTION)).to_have_count(0)
    check.click()
    expect(phone.get_by_role("heading", name=QUESTION)).to_be_visible()
    # While a vote waits for an answer, the button is not offered (it would lose the answer).
    expect(phone.get_by_role("button", name=CHECK)).to_have_count(0)

    phone.locator("label.choice").get_by_text("Agree", exact=True).click()
    phone.get_by_role("button", name="Send my vote").click()
    expect(phone.get_by_text("Your vote is saved.").first).to_be_visible()
    # After voting, the next vote is one press away.
    poll_close(poll=poll)
    money = Poll.objects.get(question=MONEY)
    poll_open(poll=money)
    phone.get_by_role("button", name=CHECK).click()
    expect(phone.get_by_role("heading", name=MONEY)).to_be_visible()


def test_with_javascript_the_live_page_needs_no_check_button(demo, new_context):
    phone = new_context().new_page()
    join_by_code(phone, demo, "Amira Khan")
    expect(phone.locator("#question-area")).to_be_visible()
    check = phone.locator("[data-check-new]")
    expect(check).to_have_count(1)
    expect(check).to_be_hidden()
    # axe needs scripts: it checks the button as a page without them shows it.
    phone.evaluate("document.querySelector('[data-check-new]').hidden = false")
    assert axe_violations(phone) == []


def test_the_phone_in_welsh_offers_to_check_for_a_new_question(demo, new_context):
    phone = new_context(java_script_enabled=False).new_page()
    join_by_code(phone, demo, "Carys Morgan")
    phone.get_by_role("button", name="Cymraeg").click()
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    expect(phone.get_by_role("button", name="Gwirio am gwestiwn newydd")).to_be_visible()


def guest_asks_to_come_in(page, demo, name):
    page.goto(reverse("deliberation:join_guest", args=[demo["meeting"].join_code]))
    page.get_by_label("What is your name?").fill(name)
    page.locator("label.choice").first.click()
    page.get_by_role("button", name="Ask to come in").click()
    expect(page).to_have_url(
        re.compile(reverse("deliberation:waiting", args=[demo["meeting"].join_code]))
    )


def admit(demo, name):
    from deliberation.models import Attendance
    from deliberation.services.meetings import guest_admit

    guest_admit(attendance=Attendance.objects.get(meeting=demo["meeting"], member__name=name))


def test_a_guest_without_javascript_checks_if_they_can_come_in(demo, new_context):
    page = new_context(java_script_enabled=False).new_page()
    guest_asks_to_come_in(page, demo, "Sam Guest")
    assert page.locator("meta[http-equiv]").count() == 0
    check = page.get_by_role("button", name="Check if I can come in")
    box = check.bounding_box()
    assert box and box["height"] >= 48, box
    admit(demo, "Sam Guest")
    check.click()
    expect(page).to_have_url(re.compile(reverse("deliberation:phone", args=[demo["meeting"].pk])))


def test_a_guest_with_javascript_is_let_in_without_pressing_anything(demo, new_context):
    page = new_context().new_page()
    guest_asks_to_come_in(page, demo, "Sam Guest")
    expect(page.get_by_text("This page checks again every 5 seconds.")).to_be_visible()
    assert axe_violations(page) == []
    admit(demo, "Sam Guest")
    expect(page).to_have_url(
        re.compile(reverse("deliberation:phone", args=[demo["meeting"].pk])), timeout=20_000
    )
