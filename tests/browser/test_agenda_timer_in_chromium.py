"""A break on the projector and the phones: a calm countdown to the end the server keeps."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from deliberation.models import Poll
from deliberation.services import agenda as agenda_services
from tests.browser.conftest import axe_violations

WAIT_FOR_SNAPSHOT = """async () => {
  const { current } = await import("/static/coprod/state.mjs");
  for (let i = 0; i < 100 && current.state === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return current.state !== null;
}"""


def sign_in(page, demo):
    page.goto(reverse("login"))
    page.get_by_label(re.compile("user ?name", re.I)).fill(demo["user"])
    page.get_by_label(re.compile("password", re.I)).fill(demo["password"])
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()


def console(demo, new_context):
    """The facilitator's console: its changes are made in the server, which tells every screen."""
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, demo)
    page.goto(reverse("deliberation:console", args=[demo["forum"].slug, demo["meeting"].pk]))
    return page


def _break(demo, minutes=15):
    meeting = demo["meeting"]
    Poll.objects.filter(meeting=meeting, status=Poll.Status.OPEN).update(status="draft")
    return agenda_services.agenda_item_add(
        meeting=meeting, title="Tea break", kind="break", minutes=minutes
    )


def _fits(page, locator, width=1280, height=720):
    box = locator.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box


def test_the_projector_counts_a_break_down_with_the_servers_clock(demo, new_context):
    meeting = demo["meeting"]
    brk = _break(demo, 15)
    agenda_services.agenda_move(meeting=meeting, item=brk)
    brk.refresh_from_db()
    at = timezone.localtime(brk.ends_at).strftime("%H:%M")

    context = new_context(viewport={"width": 1280, "height": 720})
    # The projector's laptop clock is an hour fast: the countdown follows the server's.
    context.clock.install(time=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1))
    projector = context.new_page()
    projector.goto(reverse("deliberation:projector", args=[meeting.projector_token]))
    assert projector.evaluate(WAIT_FOR_SNAPSHOT)
    timer = projector.locator("#stage-timer .timer")
    expect(timer.locator(".timer-title")).to_have_text(re.compile(r"^\s*Break\s*$"))
    expect(timer.locator(".timer-at")).to_have_text(re.compile(rf"We start again at\s+{at}"))
    left = timer.locator("[data-state=left]")
    expect(left).to_have_text(re.compile(r"Minutes left:\s+15"))
    expect(timer.locator("[data-state=up]")).to_be_hidden()
    # A break fills the stage: no vote or title under it, and it all fits the screen.
    expect(projector.locator("#stage-poll")).to_be_hidden()
    for part in (timer.locator(".timer-title"), timer.locator(".timer-at"), left):
        _fits(projector, part)
    assert (
        projector.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.timer-at')).fontSize)"
        )
        >= 40
    )
    assert axe_violations(projector) == []

    projector.clock.fast_forward("10:00")
    expect(left).to_have_text(re.compile(r"Minutes left:\s+5"))
    projector.clock.fast_forward("04:30")
    expect(timer.locator("[data-state=soon]")).to_be_visible()
    projector.clock.fast_forward("01:00")
    expect(timer.locator("[data-state=up]")).to_have_text("Time is up.")
    expect(left).to_be_hidden()

    # The facilitator stops the timer: the break panel goes and the stage comes back.
    desk = console(demo, new_context)
    desk.get_by_role("button", name="Stop the timer").click()
    expect(desk.get_by_text("The timer is stopped.")).to_be_visible()
    expect(projector.locator("#stage-timer .timer")).to_have_count(0)
    expect(projector.locator("#stage-poll")).to_be_visible()


def test_a_phone_shows_the_break_when_the_meeting_moves_to_it(demo, new_context):
    meeting = demo["meeting"]
    brk = _break(demo, 10)
    phone = new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(reverse("deliberation:invite", args=[demo["members"]["Amira Khan"].invite_token]))
    phone.get_by_role("button", name=re.compile("this is me", re.I)).click()
    expect(phone).to_have_url(re.compile(reverse("deliberation:phone", args=[meeting.pk])))
    assert phone.evaluate(WAIT_FOR_SNAPSHOT)
    expect(phone.locator("#timer-area .timer")).to_have_count(0)

    desk = console(demo, new_context)
    desk.locator(f"#console-agenda li[data-item='{brk.pk}']").get_by_role(
        "button", name="Go to this item"
    ).click()
    expect(desk.locator("#console-timer .timer-at")).to_be_visible()
    brk.refresh_from_db()
    at = timezone.localtime(brk.ends_at).strftime("%H:%M")
    timer = phone.locator("#timer-area .timer")
    expect(timer.locator(".timer-at")).to_have_text(re.compile(rf"We start again at\s+{at}"))
    expect(timer.locator("[data-state=left]")).to_have_text(re.compile(r"Minutes left:\s+10"))
    assert axe_violations(phone) == []


def test_without_javascript_the_break_shows_its_end_as_a_clock_time(demo, new_context):
    meeting = demo["meeting"]
    brk = _break(demo, 20)
    agenda_services.agenda_move(meeting=meeting, item=brk)
    brk.refresh_from_db()
    at = timezone.localtime(brk.ends_at).strftime("%H:%M")
    page = new_context(
        viewport={"width": 1280, "height": 720}, java_script_enabled=False
    ).new_page()
    page.goto(reverse("deliberation:projector", args=[meeting.projector_token]))
    timer = page.locator("#stage-timer .timer")
    expect(timer.locator(".timer-at")).to_have_text(re.compile(rf"We start again at\s+{at}"))
    expect(timer.locator("[data-state=left]")).to_have_text(re.compile(r"Minutes left:\s+20"))
    expect(timer.locator("[data-state=up]")).to_be_hidden()
