"""Hands up, the fair speaking queue, airtime and cards, through the services."""

import datetime

import pytest
from django.utils import timezone

from deliberation import audit
from deliberation.exceptions import MeetingNotOpen, NotAllowed
from deliberation.models import AuditEvent, Card, SpeakingTurn
from deliberation.selectors import equals as equals_selectors
from deliberation.selectors import forums as forum_selectors
from deliberation.services import equals as equals_services
from deliberation.services import meetings as meeting_services
from tests import factories

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)


def names(queue):
    return [entry["name"] for entry in queue]


def test_people_who_have_not_spoken_come_first_then_by_time_asked(meeting, people):
    le, staff, comm = people["lived_experience"], people["staff"], people["commissioner"]
    # Staff 0 speaks first, then raises their hand again before two others ask.
    equals_services.hand_raise(meeting=meeting, member=staff[0])
    equals_services.speaking_start(meeting=meeting, member=staff[0])
    equals_services.speaking_finish(meeting=meeting)
    equals_services.hand_raise(meeting=meeting, member=staff[0])
    equals_services.hand_raise(meeting=meeting, member=comm[0])
    equals_services.hand_raise(meeting=meeting, member=le[1])

    queue = equals_selectors.console_state(meeting)["queue"]
    assert names(queue) == [comm[0].name, le[1].name, staff[0].name]
    assert [q["spoken"] for q in queue] == [0, 0, 1]
    assert [q["place"] for q in queue] == [1, 2, 3]


def test_lived_experience_first_puts_them_first_among_those_who_have_spoken_as_often(
    meeting, people
):
    le, staff, comm = people["lived_experience"], people["staff"], people["commissioner"]
    equals_services.hand_raise(meeting=meeting, member=le[0])
    equals_services.speaking_start(meeting=meeting, member=le[0])
    equals_services.speaking_finish(meeting=meeting)
    for person in (comm[0], le[0], staff[0], le[1]):
        equals_services.hand_raise(meeting=meeting, member=person)

    equals_services.speaking_settings_set(
        meeting=meeting, lived_experience_first=True, show_names=True, time_limit=None
    )
    queue = names(equals_selectors.console_state(meeting)["queue"])
    # Not spoken yet: le[1] before the others; then le[0], who has spoken, last.
    assert queue == [le[1].name, comm[0].name, staff[0].name, le[0].name]


def test_fair_order_is_a_pure_function():
    w = equals_selectors.Waiting
    hands = [
        w(1, 11, "staff", T0, 0),
        w(2, 12, "lived_experience", T0 + datetime.timedelta(seconds=5), 0),
        w(3, 13, "commissioner", T0 - datetime.timedelta(seconds=5), 2),
    ]
    order = equals_selectors.fair_order(hands, lived_experience_first=False)
    assert [h.member for h in order] == [11, 12, 13]
    order = equals_selectors.fair_order(hands, lived_experience_first=True)
    assert [h.member for h in order] == [12, 11, 13]


def test_airtime_adds_up_each_groups_finished_turns(meeting, people):
    le, comm = people["lived_experience"], people["commissioner"]
    spans = [(le[0], 90), (comm[0], 30), (le[1], 45), (le[0], 15)]
    for person, seconds in spans:
        turn = equals_services.speaking_start(meeting=meeting, member=person)
        # Times set by hand, so the sums are exact (no clock in the test).
        SpeakingTurn.objects.filter(pk=turn.pk).update(started_at=T0)
        finished = equals_services.speaking_finish(meeting=meeting)
        SpeakingTurn.objects.filter(pk=finished.pk).update(
            ended_at=T0 + datetime.timedelta(seconds=seconds)
        )
    record = equals_selectors.meeting_record(meeting)
    assert record["airtime"] == {
        "lived_experience": {"seconds": 150, "turns": 3},
        "staff": {"seconds": 0, "turns": 0},
        "commissioner": {"seconds": 30, "turns": 1},
    }
    assert equals_selectors.console_state(meeting)["airtime"] == record["airtime"]


def test_starting_someone_finishes_whoever_was_speaking(meeting, people):
    a, b = people["lived_experience"][0], people["staff"][0]
    equals_services.hand_raise(meeting=meeting, member=a)
    equals_services.hand_raise(meeting=meeting, member=b)
    equals_services.speaking_start(meeting=meeting, member=a)
    equals_services.speaking_start(meeting=meeting, member=b)
    statuses = dict(SpeakingTurn.objects.values_list("member_id", "status"))
    assert statuses == {a.pk: "done", b.pk: "speaking"}
    assert equals_selectors.me_state(meeting, b)["hand"] == "speaking"
    assert equals_selectors.me_state(meeting, a) == {"hand": "down", "place": None, "cards": []}


def test_a_hand_goes_up_once_and_comes_down(meeting, people):
    a = people["lived_experience"][0]
    first = equals_services.hand_raise(meeting=meeting, member=a)
    again = equals_services.hand_raise(meeting=meeting, member=a)
    assert first.pk == again.pk
    assert equals_selectors.me_state(meeting, a)["hand"] == "up"
    equals_services.hand_lower(meeting=meeting, member=a)
    assert equals_selectors.me_state(meeting, a)["hand"] == "down"
    events = AuditEvent.objects.filter(kind__startswith="speaking.").order_by("seq")
    kinds = list(events.values_list("kind", flat=True))
    assert kinds == ["speaking.hand_raised", "speaking.hand_lowered"]


def test_only_people_in_the_room_on_their_own_phone_raise_a_hand(forum, meeting, people):
    stranger = factories.member(forum)
    with pytest.raises(NotAllowed):
        equals_services.hand_raise(meeting=meeting, member=stranger)
    device = "phone-of-nia"
    nia = factories.member(forum)
    factories.join(meeting, nia, device=device)
    with pytest.raises(NotAllowed):
        equals_services.hand_raise(meeting=meeting, member=nia, device_token="another-phone")
    equals_services.hand_raise(meeting=meeting, member=nia, device_token=device)


def test_nothing_changes_once_the_meeting_has_finished(meeting, people):
    a = people["lived_experience"][0]
    meeting_services.meeting_close(meeting=meeting)
    with pytest.raises(MeetingNotOpen):
        equals_services.hand_raise(meeting=meeting, member=a)
    with pytest.raises(MeetingNotOpen):
        equals_services.card_show(meeting=meeting, member=a, kind="slow_down")


def test_an_anonymous_card_is_counted_and_never_named(meeting, people):
    a, b = people["lived_experience"][0], people["staff"][0]
    equals_services.card_show(meeting=meeting, member=a, kind="dont_understand")
    equals_services.card_show(meeting=meeting, member=b, kind="dont_understand", anonymous=False)
    equals_services.card_show(meeting=meeting, member=a, kind="dont_understand")  # again: once

    room = equals_selectors.room_state(meeting)
    console = equals_selectors.console_state(meeting)
    assert room["cards"]["dont_understand"] == console["cards"]["dont_understand"] == 2
    assert (
        room["card_names"] == console["card_names"] == [{"kind": "dont_understand", "name": b.name}]
    )
    assert a.name not in str(room) and a.name not in str(console)
    # The record (every member can read the chain) names nobody for the anonymous card.
    shown = AuditEvent.objects.filter(kind="card.shown").order_by("seq")
    first, second = list(shown)
    assert first.actor == "anonymous" and "member" not in first.payload
    assert str(a.pk) not in first.actor
    assert second.payload["member"] == b.pk
    chain = AuditEvent.objects.filter(forum=meeting.forum).order_by("seq")
    assert audit.verify_events(chain) is None


def test_clearing_cards_counts_the_stops_to_explain(meeting, people):
    a, b = people["lived_experience"][0], people["staff"][0]
    equals_services.card_show(meeting=meeting, member=a, kind="dont_understand")
    equals_services.card_show(meeting=meeting, member=b, kind="jargon")
    assert equals_services.cards_clear(meeting=meeting) == 2
    equals_services.card_show(meeting=meeting, member=a, kind="jargon")
    equals_services.card_show(meeting=meeting, member=b, kind="break")
    assert equals_services.cards_clear(meeting=meeting) == 2
    equals_services.card_show(meeting=meeting, member=b, kind="slow_down")
    assert equals_services.cards_clear(meeting=meeting) == 1
    assert equals_services.cards_clear(meeting=meeting) == 0  # nothing up: no event

    record = equals_selectors.meeting_record(meeting)
    assert record["explain_stops"] == 2
    assert record["break_stops"] == 1
    assert record["cards"] == {"dont_understand": 1, "slow_down": 1, "jargon": 2, "break": 1}
    assert not Card.objects.filter(cleared_at__isnull=True).exists()
    assert AuditEvent.objects.filter(kind="cards.cleared").count() == 3


def test_a_cleared_anonymous_card_forgets_who_showed_it(meeting, people):
    # Whoever holds the database learns no more than the room did: once the card is
    # down, nothing needs its sender, so its row keeps the kind and the times only.
    a, b = people["lived_experience"][0], people["staff"][0]
    equals_services.card_show(meeting=meeting, member=a, kind="dont_understand")
    equals_services.card_show(meeting=meeting, member=b, kind="jargon", anonymous=False)
    assert Card.objects.get(kind="dont_understand").member_id == a.pk  # up: one each
    equals_services.cards_clear(meeting=meeting)
    assert Card.objects.get(kind="dont_understand").member_id is None
    assert Card.objects.get(kind="jargon").member_id == b.pk  # b chose to be named
    assert equals_selectors.meeting_record(meeting)["cards"]["dont_understand"] == 1
    # The same person may show the same card again after the stop.
    equals_services.card_show(meeting=meeting, member=a, kind="dont_understand")
    assert Card.objects.filter(member=a, cleared_at__isnull=True).count() == 1


def test_projector_shows_initials_when_names_are_off(meeting, forum):
    ann = factories.member(forum, name="Ann Jones")
    factories.join(meeting, ann)
    equals_services.hand_raise(meeting=meeting, member=ann)
    assert equals_selectors.room_state(meeting)["next"][0]["label"] == "Ann Jones"
    equals_services.speaking_settings_set(
        meeting=meeting, lived_experience_first=False, show_names=False, time_limit=120
    )
    equals_services.speaking_start(meeting=meeting, member=ann)
    equals_services.card_show(meeting=meeting, member=ann, kind="jargon", anonymous=False)
    room = equals_selectors.room_state(meeting)
    assert room["speaking"]["label"] == "AJ"
    assert room["card_names"] == [{"kind": "jargon", "name": "AJ"}]
    assert equals_selectors.console_state(meeting)["card_names"][0]["name"] == "Ann Jones"
    assert room["speaking"]["limit"] == 120
    assert "Ann" not in str(room)


def test_the_speaking_timer_counts_from_the_start(meeting, people):
    a = people["lived_experience"][0]
    turn = equals_services.speaking_start(meeting=meeting, member=a)
    SpeakingTurn.objects.filter(pk=turn.pk).update(
        started_at=timezone.now() - datetime.timedelta(seconds=75)
    )
    assert equals_selectors.room_state(meeting)["speaking"]["elapsed"] >= 75


def test_closing_the_meeting_ends_the_turn_so_its_time_counts(meeting, people):
    a = people["commissioner"][0]
    turn = equals_services.speaking_start(meeting=meeting, member=a)
    SpeakingTurn.objects.filter(pk=turn.pk).update(started_at=timezone.now())
    meeting_services.meeting_close(meeting=meeting)
    turn.refresh_from_db()
    assert turn.status == "done" and turn.ended_at is not None
    assert equals_selectors.meeting_record(meeting)["airtime"]["commissioner"]["turns"] == 1


def test_a_member_downloads_their_hands_and_cards(meeting, people):
    a = people["lived_experience"][0]
    equals_services.hand_raise(meeting=meeting, member=a)
    equals_services.card_show(meeting=meeting, member=a, kind="break")
    data = forum_selectors.member_data(a)
    assert [t["status"] for t in data["speaking_turns"]] == ["waiting"]
    assert data["cards"][0]["kind"] == "break" and data["cards"][0]["anonymous"] is True
    other = forum_selectors.member_data(people["staff"][0])
    assert other["cards"] == [] and other["speaking_turns"] == []
