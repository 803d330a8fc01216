"""Breaks and timers over real websockets: the end time travels with the agenda, once."""

import datetime

import pytest
from channels.db import database_sync_to_async

from deliberation import protocol
from deliberation.models import AgendaItem
from deliberation.services import agenda as agenda_services
from tests.realtime.conftest import console_form, phone, projector, settle, state_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_tallies")]


def _ends(event: dict) -> dict[int, str | None]:
    return {item["id"]: item["ends_at"] for item in event["agenda"]}


async def test_the_console_runs_a_break_and_every_screen_gets_its_end_time(
    meeting, people, facilitator_user
):
    screen = await projector(meeting)
    voter = await phone(meeting, people["lived_experience"][0])
    states = {"projector": await screen.receive(), "phone": await voter.receive()}
    for state in states.values():
        assert isinstance(state["clock"], int)  # the server's clock, for the countdown

    await console_form(
        meeting, facilitator_user, "agenda_add", kind="break", title="", minutes="15"
    )
    brk = await database_sync_to_async(lambda: meeting.agenda.get(kind="break"))()
    assert brk.title == "Break"
    for s in (screen, voter):
        added = await s.receive_until("agenda.changed")
        assert _ends(added)[brk.pk] is None  # no timer until the meeting moves to it
    await console_form(meeting, facilitator_user, "move", item=brk.pk)
    for s in (screen, voter):
        changed = await s.receive_until("agenda.changed")
        moved = await s.receive_until("agenda.moved")
        assert moved["current_item"] == brk.pk
        started = datetime.datetime.fromisoformat(_ends(changed)[brk.pk])
    await database_sync_to_async(brk.refresh_from_db)()
    assert started == brk.ends_at

    await console_form(meeting, facilitator_user, "timer_add", **{"timer-minutes": "5"})
    for s in (screen, voter):
        longer = await s.receive_until("agenda.changed")
        assert _ends(longer)[brk.pk] == (started + datetime.timedelta(minutes=5)).isoformat()

    # Nothing comes while the time runs down: each screen counts with its own clock.
    for s in (screen, voter):
        assert await s.receive_for(1.2) == []

    await console_form(meeting, facilitator_user, "timer_stop")
    for s in (screen, voter):
        stopped = await s.receive_until("agenda.changed")
        assert _ends(stopped)[brk.pk] is None
    await screen.close(), await voter.close()


async def test_timer_events_on_an_old_snapshot_give_the_new_snapshot(meeting, people):
    screen = await projector(meeting)
    voter = await phone(meeting, people["staff"][0])
    states = {"projector": await screen.receive(), "phone": await voter.receive()}

    def run() -> None:
        brk = agenda_services.agenda_item_add(
            meeting=meeting, title="Tea", kind=AgendaItem.Kind.BREAK, minutes=10
        )
        agenda_services.agenda_move(meeting=meeting, item=brk)
        agenda_services.agenda_timer_add(meeting=meeting, minutes=5)
        agenda_services.agenda_move(meeting=meeting, item=meeting.agenda.first())
        agenda_services.agenda_timer_start(meeting=meeting, minutes=20)
        agenda_services.agenda_timer_stop(meeting=meeting)

    await database_sync_to_async(run)()
    await settle()
    for name, s in (("projector", screen), ("phone", voter)):
        for event in await s.drain(quiet=0.6):
            states[name] = protocol.apply_event(states[name], event)
        await s.send({"type": "snapshot.request"})
        fresh = await s.receive_until("snapshot")
        assert state_of(states[name]) == state_of(fresh), name
        assert any(item["ends_at"] for item in fresh["agenda"])  # the break's, still set
        await s.close()


async def test_a_phone_cannot_start_a_timer_over_its_socket(meeting, people):
    voter = await phone(meeting, people["lived_experience"][1])
    await voter.receive()
    await voter.send({"type": "agenda.timer_start", "minutes": 5})
    error = await voter.receive_until("error")
    assert error["code"] == "unknown_type"
    await voter.send({"type": "ping"})
    assert (await voter.receive_until("pong"))["type"] == "pong"  # the socket stays open
    await voter.close()
