"""Breaks and timers on the agenda: the server keeps the end time, the record keeps each change."""

import datetime

import pytest
from django.utils import timezone

from deliberation import identity
from deliberation.exceptions import InvalidInput, MeetingNotOpen, NotAllowed
from deliberation.models import AgendaItem, AuditEvent
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import agenda as agenda_services
from deliberation.services import meetings as meeting_services
from tests import factories

pytestmark = pytest.mark.django_db


def minutes(n: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def add_break(meeting, n=15, title="Break"):
    return agenda_services.agenda_item_add(meeting=meeting, title=title, kind="break", minutes=n)


def test_a_break_is_added_with_its_minutes_and_recorded(meeting):
    item = add_break(meeting, 15)
    assert (item.kind, item.minutes, item.ends_at) == ("break", 15, None)
    event = AuditEvent.objects.filter(kind="agenda.item_added").last()
    assert event.payload["kind"] == "break" and event.payload["minutes"] == 15
    listed = meeting_selectors.agenda_list(meeting)[-1]
    assert listed == {
        "id": item.pk,
        "position": item.position,
        "title": "Break",
        "description": "",
        "kind": "break",
        "minutes": 15,
        "ends_at": None,
    }


@pytest.mark.parametrize("bad", [None, 0, -5, 241, True])
def test_a_break_needs_a_sensible_number_of_minutes(meeting, bad):
    with pytest.raises(InvalidInput):
        add_break(meeting, bad)
    assert not meeting.agenda.filter(kind="break").exists()


def test_an_unknown_kind_of_item_is_refused(meeting):
    with pytest.raises(InvalidInput):
        agenda_services.agenda_item_add(meeting=meeting, title="Lunch", kind="party")


def test_moving_to_a_break_starts_its_timer_on_the_server(meeting):
    item = add_break(meeting, 15)
    before = timezone.now()
    agenda_services.agenda_move(meeting=meeting, item=item)
    after = timezone.now()
    item.refresh_from_db()
    assert before + minutes(15) <= item.ends_at <= after + minutes(15)
    moved = AuditEvent.objects.filter(kind="agenda.moved").last()
    assert moved.payload["ends_at"] == item.ends_at.isoformat()
    snapshot = meeting_selectors.meeting_snapshot(meeting.pk, audience="phone")
    assert snapshot["meeting"]["current_item"] == item.pk
    assert snapshot["agenda"][-1]["ends_at"] == item.ends_at.isoformat()
    # The server's clock goes with the snapshot, for the screens' clock offset.
    assert before.timestamp() * 1000 - 1 <= snapshot["clock"]


def test_moving_back_to_a_running_break_keeps_its_end_time(meeting):
    item = add_break(meeting, 15)
    agenda_services.agenda_move(meeting=meeting, item=item)
    item.refresh_from_db()
    ends = item.ends_at
    agenda_services.agenda_move(meeting=meeting, item=meeting.agenda.first())
    agenda_services.agenda_move(meeting=meeting, item=item)
    item.refresh_from_db()
    assert item.ends_at == ends


def test_moving_to_a_break_whose_time_ran_out_starts_it_again(meeting):
    item = add_break(meeting, 10)
    AgendaItem.objects.filter(pk=item.pk).update(ends_at=timezone.now() - minutes(1))
    before = timezone.now()
    agenda_services.agenda_move(meeting=meeting, item=item)
    item.refresh_from_db()
    assert item.ends_at >= before + minutes(10)


def test_an_item_without_minutes_gets_no_timer_when_the_meeting_moves_to_it(meeting):
    item = meeting.agenda.first()
    agenda_services.agenda_move(meeting=meeting, item=item)
    item.refresh_from_db()
    assert item.ends_at is None
    assert "ends_at" not in AuditEvent.objects.filter(kind="agenda.moved").last().payload


def test_the_console_starts_adds_to_and_stops_the_current_items_timer(meeting):
    item = meeting.agenda.first()
    agenda_services.agenda_move(meeting=meeting, item=item)
    before = timezone.now()
    agenda_services.agenda_timer_start(meeting=meeting, minutes=10)
    item.refresh_from_db()
    started = item.ends_at
    assert started >= before + minutes(10)

    agenda_services.agenda_timer_add(meeting=meeting, minutes=5)
    item.refresh_from_db()
    assert item.ends_at == started + minutes(5)

    agenda_services.agenda_timer_stop(meeting=meeting)
    item.refresh_from_db()
    assert item.ends_at is None
    kinds = list(
        AuditEvent.objects.filter(kind__startswith="agenda.timer_")
        .order_by("seq")
        .values_list("kind", "payload")
    )
    kinds = [(kind, payload["ends_at"]) for kind, payload in kinds]
    assert kinds == [
        ("agenda.timer_started", started.isoformat()),
        ("agenda.timer_added", (started + minutes(5)).isoformat()),
        ("agenda.timer_stopped", None),
    ]


def test_more_time_after_the_timer_ran_out_counts_from_now(meeting):
    item = add_break(meeting, 10)
    agenda_services.agenda_move(meeting=meeting, item=item)
    AgendaItem.objects.filter(pk=item.pk).update(ends_at=timezone.now() - minutes(3))
    before = timezone.now()
    agenda_services.agenda_timer_add(meeting=meeting, minutes=5)
    item.refresh_from_db()
    assert item.ends_at >= before + minutes(5)


def test_a_timer_cannot_run_for_more_than_four_hours(meeting):
    agenda_services.agenda_move(meeting=meeting, item=meeting.agenda.first())
    agenda_services.agenda_timer_start(meeting=meeting, minutes=240)
    with pytest.raises(InvalidInput):
        agenda_services.agenda_timer_add(meeting=meeting, minutes=5)


def test_a_timer_needs_a_current_item(meeting):
    agenda_services.agenda_move(meeting=meeting, item=None)
    with pytest.raises(InvalidInput):
        agenda_services.agenda_timer_start(meeting=meeting, minutes=5)


def test_there_is_nothing_to_stop_without_a_timer(meeting):
    agenda_services.agenda_move(meeting=meeting, item=meeting.agenda.first())
    with pytest.raises(InvalidInput):
        agenda_services.agenda_timer_stop(meeting=meeting)


def test_a_finished_meeting_keeps_its_timers_as_they_were(meeting):
    agenda_services.agenda_move(meeting=meeting, item=meeting.agenda.first())
    meeting_services.meeting_close(meeting=meeting)
    with pytest.raises(MeetingNotOpen):
        agenda_services.agenda_timer_start(meeting=meeting, minutes=5)


def test_only_the_forums_facilitator_runs_the_timer(meeting):
    agenda_services.agenda_move(meeting=meeting, item=meeting.agenda.first())
    outsider = factories.facilitator(factories.forum())
    with pytest.raises(NotAllowed):
        agenda_services.agenda_timer_start(
            meeting=meeting,
            minutes=5,
            principal=identity.Principal(user=outsider, forum_id=meeting.forum_id),
        )
