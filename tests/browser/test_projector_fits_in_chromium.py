"""The projector fits its screen: nobody can scroll it, so a vote's results come in parts.

For a closed vote of every method, with three groups voting, at 1280x720 and 1920x1080:
nothing the projector shows is below or right of the screen, no text is smaller than the
back of a room can read, the verdict is as big as the question, and the facilitator (from
the console) or the projector's own keys page through every part in turn.
"""

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from deliberation.services import agenda as agenda_services
from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from tests import factories
from tests.browser.conftest import axe_violations, settle

SCREENS = [(1280, 720), (1920, 1080)]
# Text readable from the back of a room: 28 px on a 1280x720 screen, in proportion above.
MIN_TEXT = {720: 28.0, 1080: 42.0}

# Every element the projector shows that is off the screen, and every text in it smaller
# than the least size (small print aside: the language buttons, the symbols' credit and
# the caption of the join code); the size of the question and of the verdict.
MEASURE = """(minText) => {
  const width = document.documentElement.clientWidth;
  const height = document.documentElement.clientHeight;
  const small = ".site-nav, .site-footer, .join-code-label, .skip-link, .visually-hidden";
  const offScreen = [];
  const tooSmall = [];
  for (const node of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(node);
    const box = node.getBoundingClientRect();
    if (box.width === 0 && box.height === 0 || style.visibility === "hidden") {
      continue;
    }
    if (node.closest(".skip-link, .visually-hidden, template")) {
      continue;
    }
    const text = (node.textContent || "").trim().slice(0, 40);
    const name = node.tagName + "." + node.className + " " + text;
    if (box.bottom > height + 0.5 || box.right > width + 0.5 || box.top < -0.5 || box.left < -0.5) {
      offScreen.push(name + " " + JSON.stringify([box.left, box.top, box.right, box.bottom]));
    }
    const ownText = Array.from(node.childNodes)
      .some((c) => c.nodeType === 3 && c.textContent.trim());
    if (ownText && !node.closest(small) && parseFloat(style.fontSize) < minText - 0.5) {
      tooSmall.push(name + " " + style.fontSize);
    }
  }
  const size = (selector) => {
    const node = document.querySelector(selector);
    return node ? parseFloat(getComputedStyle(node).fontSize) : 0;
  };
  return {
    offScreen: offScreen, tooSmall: tooSmall,
    question: size("#stage-poll [data-slot=question]"),
    verdict: size("#stage-poll .results [data-part=overall] .outcome-verdict strong"),
    scrolls: document.documentElement.scrollHeight > height ||
      document.documentElement.scrollWidth > width
  };
}"""

# The stage as the server drew it and as projector.mjs draws it from the projector's state.
DRAW_BOTH = """async () => {
  const { current, pickPoll } = await import("/static/coprod/state.mjs");
  for (let i = 0; i < 100 && current.state === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));  // the snapshot is on its way
  }
  const { buildStage } = await import("/static/coprod/projector.mjs");
  const norm = (html) => html.replace(/>\\s+</g, "><").replace(/\\s+/g, " ")
    .replace(/;"/g, '"').replace(/ </g, "<").replace(/> /g, ">");
  const html = await (await fetch(location.href)).text();
  const sent = new DOMParser().parseFromString(html, "text/html");
  const stage = document.createElement("div");
  stage.append(buildStage(current.state, pickPoll(current.state)));
  return [norm(sent.getElementById("stage-poll").innerHTML), norm(stage.innerHTML)];
}"""

HEADLINE = r"(1 person|\d+ people|1 dot|\d+ dots|1 point|\d+ points) · \d+%"


def _answers(method: str, keys: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Three ballots from each group, so each group is shown and the groups differ."""
    a, b, c, d = (keys + keys)[:4]
    if method == "traffic_light":
        choices = {"lived_experience": ["agree", "agree", "not_sure"],
                   "staff": ["agree", "disagree", "agree"],
                   "commissioner": ["disagree", "not_sure", "agree"]}  # fmt: skip
        return {g: [{"choice": x} for x in v] for g, v in choices.items()}
    if method == "yes_no":
        choices = {"lived_experience": ["yes", "yes", "abstain"],
                   "staff": ["no", "yes", "yes"],
                   "commissioner": ["no", "no", "yes"]}  # fmt: skip
        return {g: [{"choice": x} for x in v] for g, v in choices.items()}
    if method == "consent":
        object_ = {"choice": "objection", "reason": "Every 2 months is too long to wait for news."}
        worry = {"choice": "concern", "reason": "The room is far from the bus stop."}
        return {
            "lived_experience": [object_, {"choice": "consent"}, worry],
            "staff": [{"choice": "consent"}] * 3,
            "commissioner": [{"choice": "consent"}, worry, {"choice": "consent"}],
        }
    if method == "dots":
        return {
            "lived_experience": [{"dots": {a: 3}}, {"dots": {a: 1, b: 2}}, {"dots": {d: 3}}],
            "staff": [{"dots": {b: 3}}, {"dots": {c: 2, a: 1}}, {"dots": {a: 3}}],
            "commissioner": [{"dots": {c: 3}}, {"dots": {b: 1, c: 2}}, {"dots": {d: 1}}],
        }
    if method == "ranked":
        rankings = {
            "lived_experience": [[a, b, c, d], [a, c], [d, a]],
            "staff": [[b, a, c, d], [c, b], [b, d, a]],
            "commissioner": [[c, b], [d, c, b, a], [c]],
        }
        return {g: [{"ranking": r} for r in v] for g, v in rankings.items()}
    # score
    scores = {
        "lived_experience": [(5, 1, 3), (4, 0, 2), (2, 5, 5)],
        "staff": [(1, 3, 3), (3, 3, 0), (5, 4, 1)],
        "commissioner": [(0, 5, 4), (2, 2, 2), (3, 4, 5)],
    }
    return {g: [{"scores": dict(zip((a, b, c), v, strict=True))} for v in vs]
            for g, vs in scores.items()}  # fmt: skip


# The demo meeting's questions and options (seed_demo), longer where a room's would be.
VOTES = [
    ("traffic_light", "Should day centres open on Saturdays, also in the school holidays?", ()),
    ("yes_no", "Should taxis be free for day centre trips?", ()),
    ("dots", "Where should the money go first? You have 3 dots.",
     ("More day centre places", "Better buses", "Help to find a job", "Clubs in the evening")),
    ("ranked", "Put these in order: what matters most?",
     ("Buses on time", "Friendly drivers", "Cheap tickets", "Help at the stop")),
    ("score", "How good is each idea? 0 is bad, 5 is great.",
     ("Cooking club", "Gardening group", "Music night")),
    ("consent", "We will meet every 2 months. Can you live with that?", ()),
    # As many options as a phone shows well, with a question of two lines.
    ("ranked", "Put these in order: what matters most to you when you travel to the day centre?",
     ("Buses on time", "Friendly drivers", "Cheap tickets", "Help at the stop",
      "A seat for everyone", "Clear signs")),
]  # fmt: skip


def _close_a_vote(meeting: Any, people: dict[str, Any], method: str, question: str,
                  options: tuple[str, ...]) -> Any:  # fmt: skip
    item = meeting.agenda.order_by("position").first()
    agenda_services.agenda_move(meeting=meeting, item=item)
    extra = {"options": options} if options else {}
    poll = factories.poll(meeting, method, question=question, agenda_item=item, **extra)
    keys = list(poll.options.values_list("key", flat=True))
    for group, answers in _answers(method, keys).items():
        voters = list(people[group])
        if group == "staff":
            # Four staff (with the supporter) to three of each other group: parity then
            # weighs each person differently, and the headline must still count people.
            voters.append(people["supporter"])
            answers = [*answers, answers[0]]
        for person, answer in zip(voters, answers, strict=True):
            factories.cast(poll, person, answer)
    return poll_services.poll_close(poll=poll)


def _check_screen(page: Any, height: int, label: str) -> None:
    measured = page.evaluate(MEASURE, MIN_TEXT[height])
    assert measured["offScreen"] == [], label
    assert measured["tooSmall"] == [], label
    assert not measured["scrolls"], label


@pytest.mark.parametrize(
    ("method", "question", "options"), VOTES, ids=[f"{v[0]}-{len(v[2])}" for v in VOTES]
)
def test_a_closed_vote_fits_the_projector_in_parts(transactional_db, new_context,
                                                   method, question, options):  # fmt: skip
    forum = factories.forum()
    meeting = factories.open_meeting(forum)
    people = factories.people(forum, meeting)
    _close_a_vote(meeting, people, method, question, options)
    url = reverse("deliberation:projector", args=[meeting.projector_token])
    for width, height in SCREENS:
        page = new_context(viewport={"width": width, "height": height}).new_page()
        page.goto(url)
        settle(page)
        if height == 720:
            server, browser = page.evaluate(DRAW_BOTH)
            assert browser == server
        results = page.locator("#stage-poll .results.paged")
        expect(results).to_be_visible()
        page.wait_for_function("() => window.document.querySelector('#stage-poll .part-count')")
        count = page.locator("#stage-poll .part-count")
        total = int(re.fullmatch(r"Part 1 of (\d+)", count.inner_text()).group(1))
        # Overall, each group counting the same, common ground and one part for each group.
        assert total >= 6
        seen = []
        for n in range(1, total + 1):
            label = f"{method} {width}x{height} part {n}"
            expect(count).to_have_text(f"Part {n} of {total}")
            shown = results.locator("[data-part]:not([hidden])")
            expect(shown).to_have_count(1)
            if shown.get_attribute("data-more") is None:  # not the rest of a part too tall
                seen.append(shown.get_attribute("data-part"))
            _check_screen(page, height, label)
            if n == 1:
                measured = page.evaluate(MEASURE, MIN_TEXT[height])
                assert measured["verdict"] >= measured["question"] > 0, label
                # The headline counts people (or dots, or points), in whole numbers.
                # (On a part of their own when the part is too tall with them.)
                values = results.locator("[data-part=overall] .bar-value").all_text_contents()
                assert values and all(re.fullmatch(HEADLINE, v) for v in values), values
                assert axe_violations(page) == [], label
            page.keyboard.press("PageDown" if n % 2 else "ArrowRight")
        # The last part stays; the keys go back through every part to the first.
        expect(count).to_have_text(f"Part {total} of {total}")
        for n in range(total - 1, 0, -1):
            page.keyboard.press("ArrowLeft" if n % 2 else "PageUp")
            expect(count).to_have_text(f"Part {n} of {total}")
        assert seen[:3] == ["overall", "parity", "common_ground"]
        assert seen.count("group") == 3
        assert ("objections" in seen) == (method == "consent")
        assert ("rounds" in seen) == (method == "ranked")


def test_the_facilitator_pages_the_projector_from_the_console(transactional_db, new_context):
    forum = factories.forum()
    account = factories.facilitator(forum)
    meeting = factories.open_meeting(forum)
    people = factories.people(forum, meeting)
    _close_a_vote(meeting, people, *next(v for v in VOTES if v[0] == "consent"))
    projector = new_context(viewport={"width": 1280, "height": 720}).new_page()
    projector.goto(reverse("deliberation:projector", args=[meeting.projector_token]))
    count = projector.locator("#stage-poll .part-count")
    expect(count).to_have_text("Part 1 of 7")

    console = new_context(viewport={"width": 1280, "height": 900}).new_page()
    console.goto(reverse("login"))
    console.get_by_label(re.compile("user ?name", re.I)).fill(account.username)
    console.get_by_label(re.compile("password", re.I)).fill("a-long-test-password")
    console.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    console.goto(reverse("deliberation:console", args=[forum.slug, meeting.pk]))
    next_part = console.get_by_role("button", name="Next part")
    previous_part = console.get_by_role("button", name="Previous part")
    expect(next_part).to_be_visible()
    # The console's socket is open once its live parts are drawn; then each click moves
    # the projector one part.
    console.wait_for_function(
        "async () => (await import('/static/coprod/state.mjs')).current.state !== null"
    )
    parity = projector.locator("[data-part=parity]")
    for n in range(2, 8):
        next_part.click()
        expect(count).to_have_text(f"Part {n} of 7")
        if n == 2:
            expect(parity).to_be_visible()
            expect(parity).to_contain_text("Each group counts the same")
    expect(projector.locator("[data-part=objections]")).to_be_visible()
    next_part.click()  # the last part stays
    previous_part.click()
    expect(count).to_have_text("Part 6 of 7")
    assert axe_violations(console) == []

    # A new vote, open and counting, starts at its first part and fits the screen too.
    item = meeting.agenda.order_by("position").first()
    poll = factories.poll(meeting, "traffic_light", question=VOTES[0][1], agenda_item=item)
    for person, choice in zip(people["staff"], ["agree", "disagree", "not_sure"], strict=True):
        factories.cast(poll, person, {"choice": choice})
    # Made here, not by the server that serves the projector: it is told on reload.
    projector.reload()
    expect(projector.locator(".choice-strip")).to_be_visible()
    expect(count).to_have_text(re.compile(r"Part 1 of \d+"))
    _check_screen(projector, 720, "open vote")


def test_the_demo_meeting_and_last_time_fit_the_projector(demo, new_context):
    meeting = demo["meeting"]
    url = reverse("deliberation:projector", args=[meeting.projector_token])
    screens = [new_context(viewport={"width": w, "height": h}).new_page() for w, h in SCREENS]
    # The demo meeting as it starts: its title, the join code and who is here.
    for page, (width, height) in zip(screens, SCREENS, strict=True):
        page.goto(url)
        settle(page)
        expect(page.locator("#stage-poll .big-question")).to_have_text(meeting.title)
        _check_screen(page, height, f"start {width}x{height}")

    # What we decided last time: one decision at a time, each fitting the screen.
    meeting_services.meeting_recap_show(meeting=meeting, shown=True)
    for page, (width, height) in zip(screens, SCREENS, strict=True):
        page.goto(url)
        # The keys page only what the live state drew: wait for it (and the fonts), or a
        # key pressed before it is lost when the parts are drawn again.
        settle(page)
        count = page.locator("#stage-poll .recap .part-count")
        expect(count).to_have_text(re.compile(r"Part 1 of \d+"))
        total = int(count.inner_text().rsplit(" ", 1)[1])
        for n in range(1, total + 1):
            expect(count).to_have_text(f"Part {n} of {total}")
            expect(page.locator(".recap [data-part]:not([hidden])")).to_have_count(1)
            _check_screen(page, height, f"last time {width}x{height} part {n}")
            page.keyboard.press("ArrowRight")
        assert axe_violations(page) == []
