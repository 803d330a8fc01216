"""A whole meeting in a real room, as issue 11's "Done when" asks.

A projector at 1280x720 and three phones: one with JavaScript off, one used only with
the keyboard, one 320 px wide. They join, and the facilitator opens a vote of each
method in turn from the console; every phone votes, then the facilitator closes it.

Then two phones put their hands up and the console gives each a turn in the fair
order, a phone shows "I don't understand" without its name, and the meeting takes a
timed break. Votes wait for everyone here before showing results (the default).

The meeting runs once for this module (`run`); each test below asserts one check on
what was seen at every step: the projector never needs scrolling, each phone has the
question of the moment on its screen and names its agenda item, axe finds nothing.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from deliberation.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USER
from deliberation.models import Forum, Meeting
from tests.browser.conftest import axe_violations, settle

# The test database for pytest-django (the checks themselves only read `run`), and time
# for the first check, which runs the whole meeting (about 2 to 3 minutes).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
NARROW_PHONE = {"width": 320, "height": 568}
SAVED = "Your vote is saved."
VOTED_3 = re.compile(r"^(3 of \d+ people here have voted\.|People who voted: 3)$")

# The demo's votes, in the console's order, and each phone's answer to them.
# Answers: a choice's words; dots {option: n}; ranked [options, 1st first]; score {option: n}.
VOTES: list[dict[str, Any]] = [
    {
        "method": "traffic_light",
        "question": "Should day centres open on Saturdays?",
        "answers": {"no_js": "Agree", "keyboard": "Not sure", "narrow": "Disagree"},
    },
    {
        "method": "dots",
        "question": "Where should the money go first? You have 3 dots.",
        "answers": {
            "no_js": {"More day centre places": 3},
            "keyboard": {"Better buses": 2, "Help to find a job": 1},
            "narrow": {"More day centre places": 1, "Clubs in the evening": 2},
        },
    },
    {
        "method": "score",
        "question": "How good is each idea? 0 is bad, 5 is great.",
        "answers": {
            "no_js": {"Cooking club": 5, "Gardening group": 2, "Music night": 0},
            "keyboard": {"Cooking club": 3, "Gardening group": 4, "Music night": 1},
            "narrow": {"Cooking club": 1, "Gardening group": 5, "Music night": 3},
        },
    },
    {
        "method": "yes_no",
        "question": "Should taxis be free for day centre trips?",
        "answers": {"no_js": "Yes", "keyboard": "No", "narrow": "Yes"},
    },
    {
        "method": "ranked",
        "question": "Put these in order: what matters most?",
        "answers": {
            "no_js": ["Buses on time", "Cheap tickets", "Friendly drivers", "Help at the stop"],
            "keyboard": ["Help at the stop", "Buses on time", "Cheap tickets", "Friendly drivers"],
            "narrow": ["Cheap tickets", "Buses on time", "Help at the stop", "Friendly drivers"],
        },
    },
    {
        "method": "consent",
        "question": "We will meet every 2 months. Can you live with that?",
        "answers": {
            "no_js": "I can live with it",
            "keyboard": "I have a worry",
            "narrow": ("I object", "Two months is too long to wait."),
        },
    },
]

# -- what the run saw ---------------------------------------------------------------


@dataclass
class Run:
    """What the meeting showed, as a list of problems for each check (empty: all good)."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)

    def note(self, check: str, problem: str = "") -> None:
        """Record that `check` was made, with a problem if there was one."""
        found = self.problems.setdefault(check, [])
        if problem:
            found.append(problem)

    def assert_clean(self, check: str) -> None:
        assert check in self.problems, f"the run never made the check {check!r}"
        assert self.problems[check] == [], "\n".join(self.problems[check])


@dataclass
class Phone:
    """One phone in the room: who holds it and how they use it."""

    role: str  # "no_js", "keyboard" or "narrow"
    name: str
    page: Any


# -- measuring a screen --------------------------------------------------------------

# Every element drawn below the bottom of the window (a projector cannot scroll).
BELOW_THE_SCREEN = """() => {
  const height = window.innerHeight;
  const below = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // nothing, or only for screen readers
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    if (box.bottom > height + 0.5) {
      const classes = typeof el.className === "string" ? el.className.trim() : "";
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (classes ? "." + classes.split(/\\s+/).join(".") : "");
      below.push(name + " bottom " + Math.round(box.bottom));
    }
  }
  return {scroll: document.documentElement.scrollHeight, height: height, below: below};
}"""


def check_projector_fits(run: Run, projector: Any, moment: str) -> None:
    """Note anything the projector draws below its 720 px screen, once it has settled.

    The page fits its results to the text as drawn, so it is measured when its
    stylesheet and fonts are in and two frames have been drawn since.
    """
    settle(projector)
    seen = projector.evaluate(BELOW_THE_SCREEN)
    if seen["scroll"] > seen["height"]:
        run.note(
            "projector_fits",
            f"{moment}: the page is {seen['scroll']} px tall on a {seen['height']} px screen",
        )
    if seen["below"]:
        shown = ", ".join(seen["below"][:5])
        run.note("projector_fits", f"{moment}: {len(seen['below'])} elements below: {shown}")
    run.note("projector_fits")


def check_axe(run: Run, check: str, page: Any, moment: str) -> None:
    """Note what axe finds on a screen."""
    found = axe_violations(page)
    run.note(check, f"{moment}: {found}" if found else "")


def as_served(page: Any, new_context: Callable[..., Any]) -> Any:
    """Open what a phone without JavaScript shows where axe can run (it needs JavaScript).

    The same address with the same cookies, in a twin context with JavaScript on and
    the page's own scripts blocked, so the page stays as the server sent it.
    """
    twin = new_context(viewport=page.viewport_size, storage_state=page.context.storage_state())
    twin.route(re.compile(r"\.m?js(\?.*)?$"), lambda route: route.abort())
    copy = twin.new_page()
    copy.goto(page.url)
    return copy


# How long a screen may take to settle after a change (a smooth scroll, a second
# message) before a check looks: the checks wait for what they expect up to this long.
SETTLE_MS = 2_000

# Whether an element is wholly inside the window.
IN_VIEW = """(el) => {
  const box = el.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def check_question_in_view(run: Run, phone: Phone, question: str, moment: str) -> None:
    """Note whether the phone shows the question, and whether it is on the screen."""
    heading = phone.page.get_by_role("heading", name=question)
    if heading.count() == 0:
        run.note("phone_shows_question", f"{moment}: {phone.role} phone does not show it")
        return
    run.note("phone_shows_question")
    if phone.role != "no_js":  # a page without JavaScript is as loaded: nothing moves
        try:
            phone.page.wait_for_function(
                IN_VIEW, arg=heading.first.element_handle(), timeout=SETTLE_MS
            )
        except PlaywrightTimeout:
            pass
    box = heading.first.bounding_box()
    height = phone.page.viewport_size["height"]
    if box is None or box["y"] < 0 or box["y"] + box["height"] > height:
        run.note(
            "phone_question_in_view",
            f"{moment}: {phone.role} phone's question is at {box} on a {height} px screen",
        )
    run.note("phone_question_in_view")


def check_agenda_item(run: Run, phone: Phone, projector: Any, moment: str) -> None:
    """Note whether the phone names the agenda item the projector names."""
    now = projector.locator("#stage-agenda .agenda-title")
    expected = now.first.inner_text().strip() if now.count() else ""
    shown = phone.page.locator(".agenda-title").first
    try:
        expect(shown).to_have_text(expected, timeout=SETTLE_MS)
    except AssertionError:
        seen = shown.inner_text().strip() if shown.count() else ""
        run.note(
            "phone_agenda_item",
            f"{moment}: {phone.role} phone shows {seen!r}, the projector {expected!r}",
        )
    run.note("phone_agenda_item")


# -- people's hands: joining and voting ----------------------------------------------


def tab_until(page: Any, test: str, argument: Any = None, limit: int = 120) -> None:
    """Press Tab until `test` (a JavaScript function of the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(arg) => ({test})(document.activeElement, arg)", argument):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def tab_to(page: Any, locator: Any) -> None:
    """Press Tab until `locator`'s element has the focus."""
    tab_until(page, "(el, target) => el === target", locator.element_handle())


def keys_pick_radio(page: Any, radio: Any) -> None:
    """Check a radio button with the keyboard: Tab into its group, arrows, then Space."""
    target = radio.element_handle()
    tab_until(page, "(el, target) => el.name === target.name", target)
    for _ in range(12):
        if page.evaluate("(target) => document.activeElement === target", target):
            page.keyboard.press("Space")
            assert radio.is_checked()
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError("the arrows never reached the radio button")


def keys_pick_option(page: Any, select: Any, words: str) -> None:
    """Choose an option of a drop-down with the keyboard."""
    tab_to(page, select)
    texts = select.evaluate("(el) => [...el.options].map((o) => o.text.trim())")
    steps = texts.index(words) - select.evaluate("(el) => el.selectedIndex")
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    assert select.evaluate("(el) => el.options[el.selectedIndex].text.trim()") == words


def choice_radio(page: Any, words: str) -> Any:
    return page.locator("label.choice", has_text=re.compile(f"^{re.escape(words)}$")).locator(
        "input"
    )


def score_radio(page: Any, option: str, n: int) -> Any:
    return page.get_by_role("group", name=option).locator(f"input[value='{n}']")


def press(phone: Phone, button: Any) -> None:
    """Press a button: by keys (Tab to it unless it has the focus, then Enter) or by touch."""
    if phone.role == "keyboard":
        if not button.evaluate("(el) => el === document.activeElement"):
            tab_to(phone.page, button)
        phone.page.keyboard.press("Enter")
    else:
        button.click()


def ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def vote(phone: Phone, method: str, answer: Any) -> None:
    """Fill in and send the phone's vote, by touch or by keyboard."""
    page, keys = phone.page, phone.role == "keyboard"
    if method in ("traffic_light", "yes_no", "consent"):
        words, reason = answer if isinstance(answer, tuple) else (answer, "")
        radio = choice_radio(page, words)
        keys_pick_radio(page, radio) if keys else radio.locator("xpath=..").click()
        if reason:
            box = page.get_by_label("Why?")
            if keys:
                tab_to(page, box)
                page.keyboard.type(reason)
            else:
                box.fill(reason)
    elif method == "dots" and phone.role == "no_js":
        for option, n in answer.items():
            page.get_by_role("spinbutton", name=option).fill(str(n))
    elif method == "dots":  # the steppers, by touch or by keys
        for option, n in answer.items():
            add = page.get_by_role("button", name=f"Add a dot: {option}")
            for _ in range(n):
                press(phone, add)
            expect(page.get_by_role("spinbutton", name=option)).to_have_value(str(n))
    elif method == "ranked" and phone.role == "no_js":
        for place, option in enumerate(answer, start=1):
            page.get_by_label(option).select_option(label=ordinal(place))
    elif method == "ranked":  # tap the options in order, by touch or by keys
        for option in answer:
            press(phone, page.get_by_role("button", name=option, exact=True))
    elif method == "score":
        for option, n in answer.items():
            radio = score_radio(page, option, n)
            keys_pick_radio(page, radio) if keys else radio.locator("xpath=..").click()
    else:
        raise AssertionError(f"no hands for {method}")
    press(phone, page.get_by_role("button", name="Send my vote"))
    expect(page.get_by_text(SAVED).first).to_be_visible()


def join_by_code(phone: Phone, code: str, meeting_id: int) -> None:
    """Join with the code from the screen and one's name from the list."""
    page = phone.page
    page.goto(reverse("deliberation:join"))
    if phone.role == "keyboard":
        tab_to(page, page.get_by_role("textbox").first)
        page.keyboard.type(code)
        page.keyboard.press("Enter")
        tab_to(page, page.get_by_role("button", name=re.compile(phone.name)))
        page.keyboard.press("Enter")
    else:
        page.get_by_role("textbox").first.fill(code)
        page.get_by_role("button", name="Join").click()
        page.get_by_role("button", name=re.compile(phone.name)).click()
    expect(page).to_have_url(re.compile(reverse("deliberation:phone", args=[meeting_id])))


def sign_in(page: Any) -> None:
    page.goto(reverse("login"))
    page.get_by_label(re.compile("user ?name", re.I)).fill(DEMO_USER)
    page.get_by_label(re.compile("password", re.I)).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()


def console_press(console: Any, console_url: str, question: str, button: str) -> None:
    """Press a button on a vote's card in the facilitator's console."""
    console.goto(console_url)
    card = console.locator("article.poll-card", has_text=question)
    card.get_by_role("button", name=button).click()


def notice_new_vote_without_javascript(run: Run, phone: Phone, question: str) -> None:
    """Bring the new vote to the phone without JavaScript, as its holder would."""
    page = phone.page
    if page.get_by_role("heading", name=question).count():
        run.note("no_js_phone_notices_new_vote")  # it noticed by itself
        return
    check = page.get_by_role("button", name=re.compile("check for a new question", re.I))
    if check.count() == 0:
        check = page.get_by_role("link", name=re.compile("check for a new question", re.I))
    if check.count():
        check.first.click()
        run.note("no_js_phone_notices_new_vote")
    else:
        run.note(
            "no_js_phone_notices_new_vote",
            f"{question}: nothing changes and no button to check; the person must reload",
        )
        page.reload()


# -- the meeting ----------------------------------------------------------------------


def run_meeting(new_context: Callable[..., Any], forum: Forum, meeting: Meeting) -> Run:
    """Run the demo meeting through a vote of every method; return what was seen."""
    run = Run()
    console = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(console)
    console_url = reverse("deliberation:console", args=[forum.slug, meeting.pk])
    console.goto(console_url)
    check_axe(run, "axe_console", console, "console at the start")

    projector = new_context(viewport=PROJECTOR).new_page()
    projector.goto(reverse("deliberation:projector", args=[meeting.projector_token]))
    expect(projector.locator(".join-code")).to_have_text(meeting.join_code)
    check_projector_fits(run, projector, "before any vote")
    check_axe(run, "axe_projector", projector, "before any vote")

    phones = [
        Phone("no_js", "Amira Khan", new_context(viewport=PHONE, java_script_enabled=False)),
        Phone("keyboard", "Femi Adeyemi", new_context(viewport=PHONE)),
        Phone("narrow", "Hari Singh", new_context(viewport=NARROW_PHONE)),
    ]
    for phone in phones:
        phone.page = phone.page.new_page()  # from the context made above
        join_by_code(phone, meeting.join_code, meeting.pk)

    for poll in VOTES:
        question, method = poll["question"], poll["method"]
        console_press(console, console_url, question, "Open this vote")
        run.steps.append(f"opened {method}")
        expect(projector.get_by_role("heading", name=question)).to_be_visible()
        check_projector_fits(run, projector, f"{method} open")
        check_axe(run, "axe_projector", projector, f"{method} open")
        for phone in phones:
            if phone.role == "no_js":
                notice_new_vote_without_javascript(run, phone, question)
            else:
                expect(phone.page.get_by_role("heading", name=question)).to_be_visible()
            moment = f"{method} open"
            check_question_in_view(run, phone, question, moment)
            check_agenda_item(run, phone, projector, moment)
            screen = as_served(phone.page, new_context) if phone.role == "no_js" else phone.page
            check_axe(run, "axe_phones", screen, f"{phone.role} phone, {moment}")
            if screen is not phone.page:
                screen.context.close()
            vote(phone, method, poll["answers"][phone.role])
        # Results wait for everyone here (the default): until then, only how many voted.
        expect(projector.get_by_text(VOTED_3).first).to_be_visible()
        check_projector_fits(run, projector, f"{method} voted")
        run.steps.append(f"voted {method}")

        console_press(console, console_url, question, "Close this vote")
        run.steps.append(f"closed {method}")
        projector.reload()
        expect(projector.get_by_role("heading", name=question)).to_be_visible()
        check_projector_fits(run, projector, f"{method} closed")
        check_axe(run, "axe_projector", projector, f"{method} closed")
    speaking_queue(run, console, console_url, projector, phones)
    cards(run, console, console_url, projector, phones)
    take_a_break(run, console, console_url, projector, phones)
    console.goto(console_url)
    check_axe(run, "axe_console", console, "console at the end")
    return run


def speaking_queue(
    run: Run, console: Any, console_url: str, projector: Any, phones: list[Phone]
) -> None:
    """Two phones ask to speak; the console gives each a turn; the projector follows."""
    keyboard, narrow = phones[1], phones[2]
    for phone in (keyboard, narrow):
        press(phone, phone.page.get_by_role("button", name="I want to say something"))
        expect(
            phone.page.get_by_text(re.compile(r"You are number \d+ in the queue"))
        ).to_be_visible()
    expect(projector.get_by_text("Hands up: 2")).to_be_visible()
    check_projector_fits(run, projector, "two hands up")
    console.goto(console_url)
    queue = console.locator("#speaking")
    check_axe(run, "axe_console", console, "console with two hands up")
    for phone in (keyboard, narrow):  # in the order they asked: neither has spoken yet
        # Fair order: neither has spoken yet, so whoever asked first comes first.
        first = queue.locator(".speaking-queue li").first
        expect(first).to_contain_text(phone.name)
        first.get_by_role("button", name="Start speaking").click()
        expect(phone.page.get_by_text("It is your turn to speak now.")).to_be_visible()
        expect(projector.get_by_text("Speaking now:")).to_be_visible()
        check_projector_fits(run, projector, f"{phone.role} phone's holder speaking")
        check_axe(run, "axe_projector", projector, f"{phone.role} phone's holder speaking")
        console.locator("#speaking").get_by_role("button", name="Finished").click()
    run.steps.append("spoke twice")


def cards(run: Run, console: Any, console_url: str, projector: Any, phones: list[Phone]) -> None:
    """A phone shows "I don't understand" without its name; the console clears it."""
    narrow = phones[2]
    narrow.page.get_by_role("button", name=re.compile("I don't understand")).click()
    chips = projector.locator(".equals-cards")
    expect(chips).to_contain_text("I don't understand")
    if narrow.name in chips.inner_text():
        run.note("cards_anonymous", f"the projector names {narrow.name} on an anonymous card")
    run.note("cards_anonymous")
    check_projector_fits(run, projector, "a card shown")
    check_axe(run, "axe_projector", projector, "a card shown")
    console.goto(console_url)
    console.locator("#speaking").get_by_role("button", name="Clear cards").click()
    expect(chips).to_have_count(0)
    run.steps.append("card shown and cleared")


def take_a_break(
    run: Run, console: Any, console_url: str, projector: Any, phones: list[Phone]
) -> None:
    """The console adds a 10-minute break and goes to it; screens count down."""
    console.goto(console_url)
    console.get_by_text("Add an agenda item or a break").click()
    console.get_by_label("A break").check()
    console.get_by_label("New agenda item").fill("Tea break")
    console.get_by_label("How many minutes?").fill("10")
    console.get_by_role("button", name="Add", exact=True).click()
    item = console.locator("#console-agenda li", has_text="Tea break")
    item.get_by_role("button", name="Go to this item").click()
    expect(projector.get_by_text("We start again at")).to_be_visible()
    expect(projector.get_by_text(re.compile(r"Minutes left: (10|9)"))).to_be_visible()
    check_projector_fits(run, projector, "a break")
    check_axe(run, "axe_projector", projector, "a break")
    for phone in phones[1:]:
        expect(phone.page.get_by_text("We start again at")).to_be_visible()
    run.steps.append("break")


@pytest.fixture(scope="module")
def run(browser: Any, live_server_url: str, django_db_blocker: Any) -> Iterator[Run]:
    """Seed the demo, run the whole meeting once, and empty the database afterwards."""
    contexts: list[Any] = []

    def new_context(**kwargs: Any) -> Any:
        kwargs.setdefault("base_url", live_server_url)
        context = browser.new_context(**kwargs)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        forum = Forum.objects.get(slug="riverside")
        meeting = Meeting.objects.get(forum=forum, status="open")
        try:
            yield run_meeting(new_context, forum, meeting)
        finally:
            for context in contexts:
                context.close()
            # As a transactional test does: the next test starts from an empty database.
            call_command("flush", interactive=False, verbosity=0)


# -- the checks -----------------------------------------------------------------------


def test_every_vote_of_every_method_is_counted(run: Run) -> None:
    votes = [f"{step} {p['method']}" for p in VOTES for step in ("opened", "voted", "closed")]
    assert run.steps[: len(votes)] == votes


def test_the_queue_cards_and_a_break_ran(run: Run) -> None:
    assert run.steps[len(VOTES) * 3 :] == ["spoke twice", "card shown and cleared", "break"]


def test_an_anonymous_card_names_nobody_on_the_projector(run: Run) -> None:
    run.assert_clean("cards_anonymous")


def test_each_phone_shows_the_current_question(run: Run) -> None:
    run.assert_clean("phone_shows_question")


def test_each_phone_sees_the_current_question_on_its_screen(run: Run) -> None:
    run.assert_clean("phone_question_in_view")


def test_each_phone_names_the_current_agenda_item(run: Run) -> None:
    run.assert_clean("phone_agenda_item")


def test_a_phone_without_javascript_notices_a_new_vote(run: Run) -> None:
    run.assert_clean("no_js_phone_notices_new_vote")


def test_the_projector_shows_nothing_below_the_screen(run: Run) -> None:
    run.assert_clean("projector_fits")


def test_axe_finds_nothing_on_the_projector(run: Run) -> None:
    run.assert_clean("axe_projector")


def test_axe_finds_nothing_on_the_phones(run: Run) -> None:
    run.assert_clean("axe_phones")


def test_axe_finds_nothing_on_the_console(run: Run) -> None:
    run.assert_clean("axe_console")
