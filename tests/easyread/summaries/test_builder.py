"""The summary builder: a meeting's record in short easy-read points, in reading order."""

import dataclasses
import datetime
import re

import pytest

from deliberation.display import SYMBOLS
from deliberation.easyread import builder, check
from deliberation.selectors import summaries as summary_selectors
from deliberation.services import equals as equals_services
from tests import factories

pytestmark = pytest.mark.django_db


def texts(points):
    return [p.text for p in points]


def test_a_recorded_meeting_becomes_points_in_reading_order(summary_record, meeting):
    points = builder.build_points(summary_selectors.meeting_record(meeting))

    assert texts(points) == [
        "We had a meeting on Tuesday 3 March.",
        "We met at the Town Hall.",
        "10 people came to the meeting. "
        "3 people who use services or look after someone came. "
        "4 people who work in care came. "
        "3 people from the council or health board came.",
        "We talked about “Welcome”.",
        "We will meet in the library from now on.",
        # The action was due on 10 March 2026, before today: it is late.
        "Book the library room. Sam planned to do this by Tuesday 10 March. It is late.",
        "We talked about “Day services”.",
        "We talked about “Transport”.",
        # The yes/no vote: 6 named yes, 1 named no, 2 yes by show of hands.
        "We asked this question. “More buses?” 9 people voted. 8 people said yes. "
        "1 person said no.",
        "We want more buses.",
        points[-2].text,
        "Our next meeting is on Tuesday 7 April at 2:30pm. It is at the library.",
    ]
    assert points[-2].kind == "action"
    assert points[-2].text.startswith("Ask the bus company for a later bus. ")
    assert [p.kind for p in points[:4]] == ["meeting", "place", "people", "question"]
    assert points[8].kind == "agree"
    assert points[9].kind == "decision"


def test_every_symbol_is_one_we_have(summary_record, meeting):
    points = builder.build_points(summary_selectors.meeting_record(meeting))

    assert {p.symbol for p in points} <= SYMBOLS
    assert {p.kind for p in points} <= set(builder.KINDS)


def test_the_words_pass_the_easy_read_checker(summary_record, meeting):
    points = builder.build_points(summary_selectors.meeting_record(meeting))

    for point in points:
        rules = {f.rule for f in check(point.text)}
        assert not rules & {"sentence_length", "number_words", "percentage", "abbreviation"}, (
            point.text,
            rules,
        )


def test_numbers_are_digits_and_never_percentages(summary_record, meeting):
    joined = " ".join(texts(builder.build_points(summary_selectors.meeting_record(meeting))))

    assert "%" not in joined
    assert "per cent" not in joined
    for word in ("one", "two", "three", "seven", "ten"):
        assert not re.search(rf"\b{word}\b", joined.lower()), word


def test_the_selector_reads_in_a_fixed_number_of_queries(
    summary_record, forum, meeting, people, django_assert_max_num_queries
):
    # 6 for the record, 2 for the speaking turns and the cards (meeting as equals).
    with django_assert_max_num_queries(8):
        small = summary_selectors.meeting_record(meeting)
    for n in range(5):
        decision = factories.decision(meeting, outcome=f"Decision {n}")
        for _ in range(3):
            factories.action(decision)
    for person in people["staff"]:
        equals_services.speaking_start(meeting=meeting, member=person)
        equals_services.card_show(meeting=meeting, member=person, kind="jargon")
    equals_services.cards_clear(meeting=meeting)
    with django_assert_max_num_queries(8):
        big = summary_selectors.meeting_record(meeting)
    assert len(big.decisions) == len(small.decisions) + 5
    assert len(big.actions) == len(small.actions) + 15


def test_who_came_has_counts_and_no_names(summary_record, meeting, people):
    points = builder.build_points(summary_selectors.meeting_record(meeting))
    joined = " ".join(texts(points))

    for person in people["lived_experience"] + people["staff"]:
        assert person.name not in joined


def test_an_empty_meeting_still_says_what_it_was():
    record = builder.MeetingRecord(
        title="Coffee morning", starts_at=None, place="", came={}, agenda=[], decisions=[],
        actions=[],
    )  # fmt: skip

    assert texts(builder.build_points(record)) == ["We had a meeting."]


@pytest.mark.parametrize(
    ("method", "totals", "words"),
    [
        ("traffic_light", {"agree": 1, "not_sure": 2, "disagree": 0},
         "3 people voted. 1 person agreed. 2 people were not sure."),
        ("consent", {"consent": 4, "concern": 1, "objection": 1},
         "6 people voted. 4 people can live with it. 1 person has a worry. 1 person objects."),
        ("yes_no", {"yes": 0, "no": 0, "abstain": 2},
         "2 people voted. 2 people did not want to say."),
    ],
)  # fmt: skip
def test_vote_results_in_plain_words(method, totals, words):
    result = {
        "voters": sum(totals.values()),
        "weightings": {"per_person": {"totals": totals, "shares": {}}},
        "outcome": {"passed": None},
    }
    decision = builder.DecisionRecord(id=1, outcome="x", method=method, result=result)

    assert builder.vote_words(decision) == words


def test_a_ranked_vote_names_the_most_popular_choice():
    result = {
        "voters": 5,
        "weightings": {"per_person": {"totals": {"a": 9, "b": 4}}},
        "outcome": {"winner": "a", "passed": None},
    }
    decision = builder.DecisionRecord(
        id=1, outcome="x", method="ranked", result=result, options={"a": "Day centres", "b": "Jobs"}
    )

    assert builder.vote_words(decision) == (
        "5 people voted. The most popular choice was “Day centres”."
    )


def test_dates_are_said_with_the_day_and_month():
    assert builder.day(datetime.date(2026, 3, 3)) == "Tuesday 3 March"
    assert builder.time_of_day(datetime.datetime(2026, 3, 3, 9, 0)) == "9am"
    assert builder.time_of_day(datetime.datetime(2026, 3, 3, 12, 15)) == "12:15pm"


def test_the_summary_says_how_long_each_group_spoke_and_how_often_we_stopped(
    summary_record, meeting, people
):
    record = dataclasses.replace(
        summary_selectors.meeting_record(meeting),
        airtime={"lived_experience": 720, "commissioner": 20},
        explain_stops=4,
    )
    joined = " ".join(texts(builder.build_points(record)))
    assert "People who use services or look after someone spoke for 12 minutes." in joined
    assert "People from the council or health board spoke for less than a minute." in joined
    assert "People who work in care" not in joined
    assert "We stopped to explain 4 times." in joined
    for point in builder.equals_points(record.airtime, 4):
        assert point.symbol in SYMBOLS and point.kind in builder.KINDS
        rules = {f.rule for f in check(point.text)}
        assert not rules & {"sentence_length", "number_words", "percentage", "abbreviation"}, (
            point.text,
            rules,
        )
