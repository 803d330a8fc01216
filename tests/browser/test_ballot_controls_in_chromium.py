"""Dots, ranking and score on a phone are as easy as the cards: big steppers, tap in order,
labelled stars; by mouse, by keyboard only and without JavaScript, each stores the ballot
the person meant."""

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import polls as poll_services
from deliberation.services.polls import OptionInput
from tests import factories
from tests.browser.conftest import axe_violations

OPTIONS = [("Day centres", "home"), ("Buses", "transport"), ("Jobs", "work")]
SAVED = re.compile("Your vote is saved")


@pytest.fixture
def room(transactional_db: Any) -> dict[str, Any]:
    forum = factories.forum()
    meeting = factories.open_meeting(forum)
    person = factories.member(forum, "lived_experience", name="Amira Khan")
    return {"forum": forum, "meeting": meeting, "person": person}


def open_poll(room: dict[str, Any], method: str) -> Any:
    poll = poll_services.poll_create(
        forum=room["forum"],
        meeting=room["meeting"],
        question=f"Which do you like ({method})?",
        method=method,
        options=[OptionInput(label, symbol) for label, symbol in OPTIONS],
        dots=3 if method == "dots" else 0,
    )
    return poll_services.poll_open(poll=poll)


def stored(room: dict[str, Any], poll: Any) -> dict[str, Any] | None:
    """The person's answer as the record holds it (the phone snapshot's selector)."""
    snapshot = meeting_selectors.meeting_snapshot(
        room["meeting"].pk, audience="phone", member=room["person"]
    )
    return snapshot["me"]["answers"].get(str(poll.pk))


def keys(poll: Any) -> dict[str, str]:
    return {o.label: o.key for o in poll.options.all()}


def phone_for(new_context: Any, room: dict[str, Any], **kwargs: Any) -> Any:
    page = new_context(**kwargs).new_page()
    page.goto(reverse("deliberation:invite", args=[room["person"].invite_token]))
    page.get_by_role("button", name=re.compile("this is me", re.I)).click()
    expect(page).to_have_url(re.compile(reverse("deliberation:phone", args=[room["meeting"].pk])))
    return page


def show(page: Any, room: dict[str, Any], poll: Any) -> None:
    page.goto(reverse("deliberation:phone", args=[room["meeting"].pk]))
    expect(page.get_by_role("heading", name=poll.question)).to_be_visible()


def tab_to(page: Any, target: Any, key: str = "Tab") -> None:
    """Press Tab (only the keyboard) until the target has the focus."""
    for _ in range(80):
        if target.evaluate("node => node === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"Tab never reached {target}")


def check_sizes(page: Any) -> None:
    """44 px targets (the boxes a finger taps)."""
    form = page.locator("form.vote-form")
    targets = "button:visible, .score-button .box:visible, select:visible, input[type=number]"
    for control in form.locator(targets).all():
        box = control.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (control, box)


def check_sizes_and_axe(page: Any) -> None:
    """44 px targets, nothing wider than the screen, axe clean (these need JavaScript)."""
    check_sizes(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []


def send(page: Any) -> None:
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text(SAVED).first).to_be_visible()


# -- dots ------------------------------------------------------------------------------


def test_dots_by_mouse_with_steppers_at_320_px(room, new_context):
    poll = open_poll(room, "dots")
    phone = phone_for(new_context, room, viewport={"width": 320, "height": 640})
    show(phone, room, poll)
    left = phone.locator("[data-dots-left]")
    expect(left).to_have_text("Dots left: 3")
    expect(left).to_have_attribute("aria-live", "polite")
    add_buses = phone.get_by_role("button", name="Add a dot: Buses")
    add_jobs = phone.get_by_role("button", name="Add a dot: Jobs")
    off_buses = phone.get_by_role("button", name="Take a dot off: Buses")
    off_jobs = phone.get_by_role("button", name="Take a dot off: Jobs")
    # Nothing to take off yet.
    expect(off_jobs).to_have_attribute("aria-disabled", "true")
    off_jobs.click(force=True)  # a person may still tap it: nothing changes
    expect(phone.get_by_role("spinbutton", name="Jobs")).to_have_value("")
    add_buses.click()
    add_buses.click()
    add_jobs.click()
    expect(left).to_have_text("Dots left: 0")
    # None left: adding does nothing.
    expect(add_jobs).to_have_attribute("aria-disabled", "true")
    add_jobs.click(force=True)
    expect(phone.get_by_role("spinbutton", name="Jobs")).to_have_value("1")
    off_buses.click()
    add_jobs.click()
    expect(phone.get_by_role("spinbutton", name="Buses")).to_have_value("1")
    expect(phone.get_by_role("spinbutton", name="Jobs")).to_have_value("2")
    # Each option shows its dots as marks and its symbol.
    row = phone.locator(".dots .row", has_text="Jobs")
    expect(row.locator("[data-dot-marks] .dot-mark")).to_have_count(2)
    expect(phone.locator(".dots .row img.sym")).to_have_count(3)
    check_sizes_and_axe(phone)
    send(phone)
    k = keys(poll)
    assert stored(room, poll) == {"dots": {k["Buses"]: 1, k["Jobs"]: 2}}


def test_dots_by_keyboard_only(room, new_context):
    poll = open_poll(room, "dots")
    phone = phone_for(new_context, room)
    show(phone, room, poll)
    add_day = phone.get_by_role("button", name="Add a dot: Day centres")
    tab_to(phone, add_day)
    phone.keyboard.press("Enter")
    phone.keyboard.press("Space")
    off_day = phone.get_by_role("button", name="Take a dot off: Day centres")
    tab_to(phone, off_day, "Shift+Tab")
    phone.keyboard.press("Enter")
    add_jobs = phone.get_by_role("button", name="Add a dot: Jobs")
    tab_to(phone, add_jobs)
    phone.keyboard.press("Enter")
    expect(phone.locator("[data-dots-left]")).to_have_text("Dots left: 1")
    tab_to(phone, phone.get_by_role("button", name="Send my vote"))
    phone.keyboard.press("Enter")
    expect(phone.get_by_text(SAVED).first).to_be_visible()
    k = keys(poll)
    assert stored(room, poll) == {"dots": {k["Day centres"]: 1, k["Jobs"]: 1}}


def test_dots_without_javascript(room, new_context):
    poll = open_poll(room, "dots")
    phone = phone_for(new_context, room, java_script_enabled=False)
    show(phone, room, poll)
    expect(phone.get_by_role("button", name=re.compile("Add a dot"))).to_have_count(0)
    phone.get_by_role("spinbutton", name="Day centres").fill("2")
    phone.get_by_role("spinbutton", name="Jobs").fill("1")
    check_sizes(phone)
    send(phone)
    k = keys(poll)
    assert stored(room, poll) == {"dots": {k["Day centres"]: 2, k["Jobs"]: 1}}
    # Too many: a refusal in plain words, and the numbers given are kept on the page.
    phone.get_by_role("spinbutton", name="Buses").fill("1")
    phone.get_by_role("button", name="Send my vote").click()
    expect(phone.locator(".message-error")).to_have_text("You can give at most 3 dots.")
    expect(phone.get_by_role("spinbutton", name="Buses")).to_have_value("1")
    assert stored(room, poll) == {"dots": {k["Day centres"]: 2, k["Jobs"]: 1}}


# -- ranked ----------------------------------------------------------------------------


def your_order(page: Any) -> list[str]:
    items = page.locator("[data-rank-order] li")
    return [re.sub(r"\s+", " ", t).strip() for t in items.all_inner_texts()]


def test_ranking_by_tapping_with_undo_and_start_again_at_320_px(room, new_context):
    poll = open_poll(room, "ranked")
    phone = phone_for(new_context, room, viewport={"width": 320, "height": 640})
    show(phone, room, poll)
    expect(phone.get_by_role("combobox")).to_have_count(0)  # the drop-downs made way
    phone.get_by_role("button", name="Jobs").click()
    phone.get_by_role("button", name="Buses").click()
    assert your_order(phone) == ["1st Jobs", "2nd Buses"]
    # A tapped option moved into "Your order": it is no longer there to tap.
    expect(phone.get_by_role("button", name="Jobs", exact=True)).to_have_count(0)
    phone.get_by_role("button", name=re.compile("Undo")).click()
    assert your_order(phone) == ["1st Jobs"]
    phone.get_by_role("button", name="Day centres").click()
    assert your_order(phone) == ["1st Jobs", "2nd Day centres"]
    expect(phone.locator("[data-rank-said]")).to_contain_text("2nd Day centres")
    phone.get_by_role("button", name="Start again").click()
    assert your_order(phone) == []
    phone.get_by_role("button", name="Buses").click()
    phone.get_by_role("button", name="Day centres").click()
    expect(phone.locator(".rank-pick:visible img.sym")).to_have_count(1)
    expect(phone.locator("[data-rank-order] li img.sym")).to_have_count(2)
    check_sizes_and_axe(phone)
    send(phone)
    k = keys(poll)
    assert stored(room, poll) == {"ranking": [k["Buses"], k["Day centres"]]}
    # Shown again later, the order given is the order on the page.
    show(phone, room, poll)
    assert your_order(phone) == ["1st Buses", "2nd Day centres"]


def test_ranking_by_keyboard_only(room, new_context):
    poll = open_poll(room, "ranked")
    phone = phone_for(new_context, room)
    show(phone, room, poll)
    tab_to(phone, phone.get_by_role("button", name="Day centres"))
    phone.keyboard.press("Enter")
    # The focus stays among the options still to tap.
    focused = phone.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Buses"
    phone.keyboard.press("Space")
    tab_to(phone, phone.get_by_role("button", name=re.compile("Undo")))
    phone.keyboard.press("Enter")
    tab_to(phone, phone.get_by_role("button", name="Jobs"), "Shift+Tab")
    phone.keyboard.press("Enter")
    phone.keyboard.press("Enter")  # the focus moved on to Buses, the last one left
    assert your_order(phone) == ["1st Day centres", "2nd Jobs", "3rd Buses"]
    tab_to(phone, phone.get_by_role("button", name="Send my vote"))
    phone.keyboard.press("Enter")
    expect(phone.get_by_text(SAVED).first).to_be_visible()
    k = keys(poll)
    assert stored(room, poll) == {"ranking": [k["Day centres"], k["Jobs"], k["Buses"]]}


def test_ranking_without_javascript(room, new_context):
    poll = open_poll(room, "ranked")
    phone = phone_for(new_context, room, java_script_enabled=False)
    show(phone, room, poll)
    expect(phone.get_by_role("button", name="Start again")).to_have_count(0)
    phone.get_by_role("combobox", name="Jobs").select_option(label="1st")
    phone.get_by_role("combobox", name="Day centres").select_option(label="2nd")
    check_sizes(phone)
    send(phone)
    k = keys(poll)
    assert stored(room, poll) == {"ranking": [k["Jobs"], k["Day centres"]]}
    phone.get_by_role("combobox", name="Buses").select_option(label="1st")
    phone.get_by_role("button", name="Send my vote").click()
    expect(phone.get_by_text("Please use each place only once.")).to_be_visible()


# -- score -----------------------------------------------------------------------------


def score_box(page: Any, option: str, words: str) -> Any:
    group = page.get_by_role("group", name=option)
    return group.locator(".score-button", has=page.get_by_role("radio", name=words, exact=True))


def test_score_by_mouse_with_labelled_stars_at_320_px(room, new_context):
    poll = open_poll(room, "score")
    phone = phone_for(new_context, room, viewport={"width": 320, "height": 640})
    show(phone, room, poll)
    group = phone.get_by_role("group", name="Buses")
    expect(group.get_by_role("radio")).to_have_count(6)
    for words in ["0 Not at all", "1 A tiny bit", "2 A little", "3 Some", "4 A lot", "5 Very much"]:
        expect(group.get_by_role("radio", name=words, exact=True)).to_have_count(1)
    expect(score_box(phone, "Buses", "4 A lot").locator(".stars")).to_have_text("★★★★☆")
    score_box(phone, "Day centres", "5 Very much").click()
    score_box(phone, "Buses", "0 Not at all").click()
    score_box(phone, "Jobs", "2 A little").click()
    score_box(phone, "Jobs", "3 Some").click()
    expect(phone.locator(".score-row legend img.sym")).to_have_count(3)
    check_sizes_and_axe(phone)
    send(phone)
    k = keys(poll)
    assert stored(room, poll) == {"scores": {k["Day centres"]: 5, k["Buses"]: 0, k["Jobs"]: 3}}


def test_score_by_keyboard_only_with_arrow_keys(room, new_context):
    poll = open_poll(room, "score")
    phone = phone_for(new_context, room)
    show(phone, room, poll)
    tab_to(phone, phone.get_by_role("group", name="Day centres").get_by_role("radio").first)
    phone.keyboard.press("Space")
    for _ in range(4):
        phone.keyboard.press("ArrowRight")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Space")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Space")
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowLeft")
    jobs = phone.get_by_role("group", name="Jobs")
    expect(jobs.get_by_role("radio", name="1 A tiny bit")).to_be_checked()
    tab_to(phone, phone.get_by_role("button", name="Send my vote"))
    phone.keyboard.press("Enter")
    expect(phone.get_by_text(SAVED).first).to_be_visible()
    k = keys(poll)
    assert stored(room, poll) == {"scores": {k["Day centres"]: 4, k["Buses"]: 0, k["Jobs"]: 1}}


def test_score_without_javascript(room, new_context):
    poll = open_poll(room, "score")
    phone = phone_for(new_context, room, java_script_enabled=False)
    show(phone, room, poll)
    score_box(phone, "Day centres", "1 A tiny bit").click()
    score_box(phone, "Buses", "4 A lot").click()
    score_box(phone, "Jobs", "5 Very much").click()
    check_sizes(phone)
    send(phone)
    k = keys(poll)
    assert stored(room, poll) == {"scores": {k["Day centres"]: 1, k["Buses"]: 4, k["Jobs"]: 5}}


# -- the plain forms, as a phone without JavaScript gets them --------------------------


@pytest.mark.parametrize("method", ["dots", "ranked", "score"])
def test_the_plain_forms_fit_a_small_phone_and_pass_axe(room, new_context, method):
    # axe itself needs JavaScript: the page's own scripts are blocked instead.
    poll = open_poll(room, method)
    context = new_context(viewport={"width": 320, "height": 640})
    context.route(re.compile(r"/static/coprod/.*\.mjs$"), lambda route: route.abort())
    page = context.new_page()
    page.goto(reverse("deliberation:invite", args=[room["person"].invite_token]))
    page.get_by_role("button", name=re.compile("this is me", re.I)).click()
    expect(page.get_by_role("heading", name=poll.question)).to_be_visible()
    expect(page.locator("[data-step]:visible, [data-rank-tap]:visible")).to_have_count(0)
    expect(page.locator(".option-label img.sym, .score-row legend img.sym")).to_have_count(3)
    page.wait_for_load_state()  # the stylesheet too: a box measured before it is unstyled
    check_sizes_and_axe(page)
