"""Every sentence the summary builder writes, listed with its output, and checked.

Issue 13: the builder's own sentences must be easy read in English and in Welsh, say
what each vote was about, use the right tense for each action, explain votes between
meetings and name the next meeting. The listing below is the builder's whole
vocabulary: a new sentence in builder.py fails the first test until it is listed here.
"""

import ast
import datetime
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext, ngettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberation.easyread import builder, check
from deliberation.services.summaries import _welsh_drafts

BUILDER_PY = Path(builder.__file__)
TODAY = datetime.date(2026, 11, 30)


def builder_msgids() -> set[str]:
    """Read every sentence template in builder.py: the first string of each (n)gettext call."""
    found = set()
    for node in ast.walk(ast.parse(BUILDER_PY.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("gettext", "ngettext")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(node.args[0].value)
    return found


def vote(method, totals, *, question="", remote=0, passed=None, options=None, winner=None):
    return builder.DecisionRecord(
        id=len(question) + remote + 100,
        outcome="We want more buses.",
        method=method,
        question=question,
        remote_voters=remote,
        options=options or {},
        result={
            "voters": sum(totals.values()),
            "weightings": {"per_person": {"totals": totals}},
            "outcome": {"passed": passed, "winner": winner},
        },
    )


def action(status, due_on, reason=""):
    return builder.ActionRecord(
        decision=1,
        description="Ask for a later bus",
        owner="Sam",
        due_on=due_on,
        status=status,
        dropped_reason=reason,
    )


# Each template, with one sentence it writes. The English is what the builder gives for
# the example beside it in EXAMPLES; the test below makes sure it really does.
TEMPLATES: dict[str, str] = {
    "We had a meeting on %(day)s.": "We had a meeting on Tuesday 3 March.",
    "We had a meeting.": "We had a meeting.",
    "We met at %(place)s": "We met at the Town Hall.",
    "%(n)s person came to the meeting.": "10 people came to the meeting.",
    "%(n)s person who uses services or looks after someone came.": (
        "1 person who uses services or looks after someone came."
    ),
    "%(n)s person who works in care came.": "6 people who work in care came.",
    "%(n)s person from the council or health board came.": (
        "3 people from the council or health board came."
    ),
    "We talked about “%(topic)s”": "We talked about “Day services”.",
    "We asked this question.": "We asked this question. “More buses?” 8 people voted.",
    "%(n)s person voted.": "3 people voted.",
    "Nobody voted.": "We asked this question. “A new name”. Nobody voted.",
    "%(n)s of them voted between meetings.": "2 of them voted between meetings.",
    "%(n)s person said yes.": "6 people said yes.",
    "%(n)s person said no.": "1 person said no.",
    "%(n)s person did not want to say.": "1 person did not want to say.",
    "%(n)s person agreed.": "1 person agreed.",
    "%(n)s person was not sure.": "2 people were not sure.",
    "%(n)s person did not agree.": "1 person did not agree.",
    "%(n)s person can live with it.": "4 people can live with it.",
    "%(n)s person has a worry.": "1 person has a worry.",
    "%(n)s person objects.": "1 person objects.",
    "The most popular choice was “%(choice)s”": "The most popular choice was “Day centres”.",
    "%(who)s will do this by %(day)s.": "Sam will do this by Thursday 31 December.",
    "%(who)s is doing this now. The plan is to finish by %(day)s.": (
        "Sam is doing this now. The plan is to finish by Thursday 31 December."
    ),
    "%(who)s planned to do this by %(day)s. It is late.": (
        "Sam planned to do this by Saturday 31 October. It is late."
    ),
    "%(who)s has done this.": "Sam has done this.",
    "We have stopped this.": "We have stopped this.",
    "Our next meeting is on %(day)s at %(time)s.": (
        "Our next meeting is on Tuesday 7 April at 2:30pm."
    ),
    "It is at %(place)s": "It is at the library.",
    "We will have another meeting. We will tell you the date.": (
        "We will have another meeting. We will tell you the date."
    ),
    # Meeting as equals: how long each group spoke, and stops to explain.
    "People who use services or look after someone spoke for %(n)s minute.": (
        "People who use services or look after someone spoke for 12 minutes."
    ),
    "People who work in care spoke for %(n)s minute.": (
        "People who work in care spoke for 1 minute."
    ),
    "People from the council or health board spoke for %(n)s minute.": (
        "People from the council or health board spoke for 5 minutes."
    ),
    "People who use services or look after someone spoke for less than a minute.": (
        "People who use services or look after someone spoke for less than a minute."
    ),
    "People who work in care spoke for less than a minute.": (
        "People who work in care spoke for less than a minute."
    ),
    "People from the council or health board spoke for less than a minute.": (
        "People from the council or health board spoke for less than a minute."
    ),
    "We stopped to explain %(n)s time.": "We stopped to explain 4 times.",
}

_DATED = datetime.datetime(2026, 3, 3, 10, 0)
EXAMPLES: tuple[builder.MeetingRecord, ...] = (
    builder.MeetingRecord(
        title="Board: March",
        starts_at=_DATED,
        place="the Town Hall",
        came={"lived_experience": 1, "staff": 6, "commissioner": 3},
        agenda=[(1, "Day services")],
        decisions=[
            builder.DecisionRecord(
                id=1,
                outcome="We want more buses.",
                agenda_item=1,
                method="yes_no",
                question="More buses?",
                remote_voters=2,
                result={
                    "voters": 8,
                    "weightings": {"per_person": {"totals": {"yes": 6, "no": 1, "abstain": 1}}},
                    "outcome": {"passed": True},
                },
            ),  # fmt: skip
            vote("traffic_light", {"agree": 1, "not_sure": 2, "disagree": 0}),
            vote("traffic_light", {"agree": 0, "not_sure": 0, "disagree": 1}),
            vote("consent", {"consent": 4, "concern": 1, "objection": 1}, question="Meet at 11?"),
            vote("ranked", {"a": 9, "b": 4}, options={"a": "Day centres"}, winner="a"),
            vote("yes_no", {}, question="A new name"),
            vote("yes_no", {}),
        ],
        actions=[
            action("planned", datetime.date(2026, 12, 31)),
            action("in_progress", datetime.date(2026, 12, 31)),
            action("in_progress", datetime.date(2026, 10, 31)),
            action("done", datetime.date(2026, 10, 31)),
            action("dropped", datetime.date(2026, 10, 31), "The hall is closed."),
        ],
        next_meeting=builder.NextMeeting(
            title="April", starts_at=datetime.datetime(2026, 4, 7, 14, 30), place="the library"
        ),
        today=TODAY,
    ),
    builder.MeetingRecord(
        title="Board: May",
        starts_at=None,
        place="",
        came={},
        agenda=[],
        decisions=[],
        actions=[],
        airtime={"lived_experience": 720, "staff": 60, "commissioner": 300},
        explain_stops=4,
    ),
    builder.MeetingRecord(
        title="Board: June",
        starts_at=None,
        place="",
        came={},
        agenda=[],
        decisions=[],
        actions=[],
        airtime={"lived_experience": 10, "staff": 0, "commissioner": 29},
    ),
    builder.MeetingRecord(
        title="Coffee morning",
        starts_at=None,
        place="",
        came={},
        agenda=[],
        decisions=[],
        actions=[],
        next_meeting=builder.NextMeeting(title="Next", starts_at=None),
    ),  # fmt: skip
)


def all_points(words=builder.ENGLISH):
    return [p for record in EXAMPLES for p in builder.build_points(record, words)]


def test_every_sentence_template_is_listed():
    assert set(TEMPLATES) == builder_msgids()


def test_each_listed_sentence_is_what_the_builder_writes():
    text = " ".join(p.text for p in all_points())
    for template, written in TEMPLATES.items():
        assert written in text, template


def test_every_builder_sentence_has_its_welsh():
    with translation.override("cy"):
        for template in builder_msgids():
            assert gettext(template) != template, template
        for n in (1, 2, 3, 8):
            said = ngettext("%(n)s person agreed.", "%(n)s people agreed.", n)
            assert said != "%(n)s person agreed." and said != "%(n)s people agreed."


def test_the_example_points_pass_the_checker_in_english_and_welsh():
    english = all_points()
    welsh = [p for record in EXAMPLES for p in _welsh_drafts(record)]
    assert len(english) == len(welsh)
    for point in english:
        assert check(point.text) == [], point.text
    for point in welsh:
        assert check(point.text, language="cy") == [], point.text


def test_the_welsh_keeps_no_english_builder_sentence():
    english_sentences = set(TEMPLATES.values())
    for record in EXAMPLES:
        for point in _welsh_drafts(record):
            for sentence in english_sentences:
                assert sentence not in point.text


def test_each_action_state_has_its_own_picture_and_tense():
    record = EXAMPLES[0]
    actions = [p for p in builder.build_points(record) if p.kind == "action"]
    assert [p.symbol for p in actions] == ["action", "work", "concern", "yes", "objection"]
    assert len({p.symbol for p in builder.build_points(record)}) >= 9
    assert actions[4].text.endswith("We have stopped this. The hall is closed.")


def test_points_that_quote_peoples_words_are_marked_for_a_welsh_check():
    points = builder.build_points(EXAMPLES[0])
    quoting = {p.kind for p in points if p.quotes}
    assert {"question", "decision", "action"} <= quoting
    assert not any(p.quotes for p in points if p.kind in ("meeting", "people", "date"))


# -- generated records ---------------------------------------------------------------

# Words people might write that pass the checker themselves, so anything the checker
# finds in a generated point comes from the builder.
TITLES = ["Day services", "Getting about", "When we meet", "Food at the day centre", "Jobs"]
QUESTIONS = ["More buses?", "Should we meet at 11 o'clock?", "A cafe at the day centre"]
OUTCOMES = ["We want more buses.", "Meetings start at 11 o'clock.", "We will ask the council."]
OWNERS = ["Sam", "Ellen Hughes", "the hall office", "Hari"]
PLACES = ["", "the Town Hall", "Riverside Hall", "the library"]
REASONS = ["", "The hall is closed.", "Nobody can do it now."]

dates = st.dates(min_value=datetime.date(2026, 1, 1), max_value=datetime.date(2027, 12, 31))
times = st.datetimes(
    min_value=datetime.datetime(2026, 1, 1), max_value=datetime.datetime(2027, 12, 31)
)


@st.composite
def decisions(draw, agenda_ids):
    method = draw(st.sampled_from(["traffic_light", "yes_no", "consent", "ranked", "dots", ""]))
    fixed = {
        "traffic_light": ("agree", "not_sure", "disagree"),
        "yes_no": ("yes", "no", "abstain"),
        "consent": ("consent", "concern", "objection"),
    }.get(method, ("a", "b"))
    result = None
    if method:
        totals = {key: draw(st.integers(0, 30)) for key in fixed}
        voters = sum(totals.values()) if method in ("traffic_light", "yes_no", "consent") else (
            draw(st.integers(0, 40))
        )  # fmt: skip
        result = {
            "voters": voters,
            "weightings": {"per_person": {"totals": totals}},
            "outcome": {"passed": draw(st.none() | st.booleans()), "winner": "a"},
        }
    return builder.DecisionRecord(
        id=draw(st.integers(1, 6)),
        outcome=draw(st.sampled_from(OUTCOMES)),
        agenda_item=draw(st.none() | st.sampled_from(agenda_ids or [None])),
        method=method,
        result=result,
        options={"a": draw(st.sampled_from(TITLES))},
        question=draw(st.sampled_from(["", *QUESTIONS])),
        remote_voters=draw(st.integers(0, 10)),
    )


@st.composite
def records(draw):
    agenda = [(n, draw(st.sampled_from(TITLES))) for n in range(draw(st.integers(0, 4)))]
    agenda_ids = [n for n, _ in agenda]
    return builder.MeetingRecord(
        title=draw(st.sampled_from(TITLES)),
        starts_at=draw(st.none() | times),
        place=draw(st.sampled_from(PLACES)),
        came={g: draw(st.integers(0, 60)) for g in builder.GROUP_ORDER},
        agenda=agenda,
        decisions=draw(st.lists(decisions(agenda_ids), max_size=4)),
        actions=draw(
            st.lists(
                st.builds(
                    builder.ActionRecord,
                    decision=st.integers(1, 6),
                    description=st.sampled_from(OUTCOMES),
                    owner=st.sampled_from(OWNERS),
                    due_on=dates,
                    status=st.sampled_from(["planned", "in_progress", "done", "dropped"]),
                    dropped_reason=st.sampled_from(REASONS),
                ),
                max_size=5,
            )
        ),
        next_meeting=draw(
            st.none()
            | st.builds(
                builder.NextMeeting,
                title=st.sampled_from(TITLES),
                starts_at=st.none() | times,
                place=st.sampled_from(PLACES),
            )
        ),
        today=draw(dates),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_every_generated_summary_passes_the_checker_in_english_and_welsh(record):
    english = builder.build_points(record)
    welsh = _welsh_drafts(record)
    assert [p.kind for p in english] == [p.kind for p in welsh]
    for point in english:
        assert check(point.text) == [], point.text
    for point in welsh:
        assert check(point.text, language="cy") == [], point.text


@settings(max_examples=100, deadline=None)
@given(records())
def test_every_action_is_in_the_tense_of_its_state(record):
    points = [p for p in builder.build_points(record) if p.kind == "action"]
    states = {symbol: state for state, symbol in builder.ACTION_SYMBOLS.items()}
    for point in points:
        expected = {
            "done": "has done this.",
            "dropped": "We have stopped this.",
            "late": "It is late.",
            "in_progress": "is doing this now.",
            "planned": "will do this by",
        }[states[point.symbol]]
        assert expected in point.text
