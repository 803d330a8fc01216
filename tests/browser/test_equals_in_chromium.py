"""Meeting as equals in Chromium: two phones put hands up and show cards, the console
runs the queue, the projector shows who speaks, who is next and the cards."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from deliberation.models import AuditEvent
from tests.browser.conftest import axe_violations
from tests.browser.test_live_meeting_in_chromium import join_by_code, sign_in


def console_panel(console):
    return console.locator("#speaking")


def test_hands_up_a_fair_queue_a_timer_and_cards(demo, new_context):
    meeting = demo["meeting"]
    console = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(console, demo)
    console.goto(reverse("deliberation:console", args=[demo["forum"].slug, meeting.pk]))
    projector = new_context(viewport={"width": 1280, "height": 720}).new_page()
    projector.goto(reverse("deliberation:projector", args=[meeting.projector_token]))
    amira = new_context().new_page()
    join_by_code(amira, demo, "Amira Khan")
    femi = new_context().new_page()
    join_by_code(femi, demo, "Femi Adeyemi")
    queue = console_panel(console).locator(".speaking-queue")

    # Femi asks first, then Amira; both show on the console and the projector at once.
    femi.get_by_role("button", name="I want to say something").click()
    expect(femi.get_by_text("You are number 1 in the queue.")).to_be_visible()
    amira.get_by_role("button", name="I want to say something").click()
    expect(amira.get_by_text("You are number 2 in the queue.")).to_be_visible()
    expect(queue.locator("li")).to_have_count(2)
    expect(queue.locator("li").first).to_contain_text("Femi Adeyemi")
    expect(queue.locator("li").first).to_contain_text("Not spoken yet")
    expect(projector.locator("#stage-equals")).to_contain_text("Next:")
    expect(projector.locator(".next-list li").first).to_contain_text("Femi Adeyemi")

    # Femi speaks: the projector shows him with a timer, Amira moves up.
    femi_line = queue.locator("li", has_text="Femi Adeyemi")
    femi_line.get_by_role("button", name="Start speaking").click()
    expect(projector.locator(".equals-speaking")).to_contain_text("Femi Adeyemi")
    timer = projector.locator(".equals-speaking [data-timer]")
    expect(timer).to_contain_text(re.compile(r"\d:\d\d"))
    expect(femi.get_by_text("It is your turn to speak now.")).to_be_visible()
    expect(amira.get_by_text("You are number 1 in the queue.")).to_be_visible()
    # He asks again while speaking: nothing changes (one hand each).
    console_panel(console).get_by_role("button", name="Finished").click()
    airtime = console_panel(console).locator("table.airtime")
    expect(airtime.locator("tr", has_text="Staff")).to_contain_text("1")
    expect(projector.locator(".equals-speaking")).to_have_count(0)

    # Femi asks again: Amira, who has not spoken yet, stays first.
    femi.get_by_role("button", name="I want to say something").click()
    expect(femi.get_by_text("You are number 2 in the queue.")).to_be_visible()
    expect(queue.locator("li").first).to_contain_text("Amira Khan")
    expect(queue.locator("li").nth(1)).to_contain_text("Turns so far: 1")
    femi.get_by_role("button", name="Put my hand down").click()
    expect(femi.get_by_role("button", name="I want to say something")).to_be_visible()
    expect(queue.locator("li")).to_have_count(1)

    # Cards: Femi's is anonymous (the default), Amira shows her name.
    femi.get_by_role("button", name="Slow down").click()
    expect(femi.locator("[data-card='slow_down'] [data-card-up]")).to_be_visible()
    amira.get_by_label("Don't show my name").uncheck()
    amira.get_by_role("button", name="I don't understand").click()
    cards = projector.locator(".equals-cards")
    expect(cards.locator("[data-card='slow_down']")).to_contain_text("1")
    expect(cards.locator("[data-card='dont_understand']")).to_contain_text("Amira Khan")
    console_cards = console_panel(console).locator(".equals-card-counts")
    expect(console_cards.locator("[data-card='slow_down']")).to_contain_text("1")
    expect(console_cards.locator("[data-card='dont_understand']")).to_contain_text("Amira Khan")
    # Femi is in no queue now: nothing on the projector or console names him.
    expect(projector.locator("#stage-equals")).not_to_contain_text("Femi")
    expect(console_cards).not_to_contain_text("Femi")
    assert not projector.locator("text=Femi").count()

    for page in (femi, console, projector):
        assert axe_violations(page) == []

    console_panel(console).get_by_role("button", name="Clear cards").click()
    expect(projector.locator(".equals-cards")).to_have_count(0)
    expect(femi.locator("[data-card='slow_down'] [data-card-up]")).to_be_hidden()
    assert AuditEvent.objects.filter(kind="cards.cleared").count() == 1


def test_a_phone_without_javascript_puts_a_hand_up_and_shows_a_card(demo, new_context):
    meeting = demo["meeting"]
    phone = new_context(java_script_enabled=False).new_page()
    join_by_code(phone, demo, "Amira Khan")
    phone.get_by_role("button", name="I want to say something").click()
    expect(phone.get_by_text("You are number 1 in the queue.")).to_be_visible()
    phone.get_by_role("button", name="Jargon!").click()
    expect(phone.get_by_text("Your card is shown.")).to_be_visible()
    expect(phone.locator("[data-card='jargon'] [data-card-up]")).to_be_visible()
    phone.get_by_role("button", name="Put my hand down").click()
    expect(phone.get_by_role("button", name="I want to say something")).to_be_visible()
    card = AuditEvent.objects.get(kind="card.shown", payload__meeting=meeting.pk)
    assert card.actor == "anonymous" and "member" not in card.payload
