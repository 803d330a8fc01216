"""Opening a vote or the meeting again reaches every screen live, and screens converge."""

import uuid

import pytest
from channels.db import database_sync_to_async

from deliberation import protocol
from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from tests import factories
from tests.realtime.conftest import console_form, facilitator, phone, projector, settle, state_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_tallies")]


async def test_a_vote_opened_again_is_live_on_phones_and_takes_votes(
    meeting, people, facilitator_user
):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no")
    await database_sync_to_async(factories.cast)(poll, people["staff"][0], {"choice": "yes"})
    await database_sync_to_async(poll_services.poll_close)(poll=poll)
    screen = await phone(meeting, people["staff"][1])
    snapshot = await screen.receive()
    assert snapshot["type"] == "snapshot"

    await console_form(meeting, facilitator_user, "poll_reopen", poll=poll.pk)
    opened = await screen.receive_until("poll.opened")
    assert opened["poll"]["id"] == poll.pk and opened["poll"]["status"] == "open"
    # The frozen result is gone: the running count follows as tallies.
    assert opened["poll"]["result"] is None
    state = protocol.apply_event(snapshot, opened)
    assert next(p for p in state["polls"] if p["id"] == poll.pk)["result"] is None

    await screen.send(
        {
            "type": "ballot.cast",
            "poll": poll.pk,
            "client_id": str(uuid.uuid4()),
            "answer": {"choice": "no"},
        }
    )
    await screen.receive_until("ballot.ack")
    await console_form(meeting, facilitator_user, "poll_close", poll=poll.pk)
    closed = await screen.receive_until("poll.closed")
    assert closed["poll"]["result"]["voters"] == 2  # the kept ballot and the new one
    await screen.close()


async def test_events_of_a_reopening_bring_an_old_snapshot_to_the_new_one(
    meeting, people, facilitator_user
):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no")
    await database_sync_to_async(factories.cast)(poll, people["staff"][0], {"choice": "yes"})
    console = await facilitator(meeting, facilitator_user)
    screen = await projector(meeting)
    voter = await phone(meeting, people["lived_experience"][1])
    states = {
        "facilitator": await console.receive(),
        "projector": await screen.receive(),
        "phone": await voter.receive(),
    }

    def close_and_reopen() -> None:
        closed = poll_services.poll_close(poll=poll)
        poll_services.poll_reopen(poll=closed)
        factories.cast(closed, people["commissioner"][0], {"choice": "no"})
        meeting_services.meeting_close(meeting=meeting)
        meeting_services.meeting_reopen(meeting=meeting)

    await database_sync_to_async(close_and_reopen)()
    await settle()
    for name, s in (("facilitator", console), ("projector", screen), ("phone", voter)):
        for event in await s.drain(quiet=1.5):
            states[name] = protocol.apply_event(states[name], event)
        await s.send({"type": "snapshot.request"})
        fresh = await s.receive_until("snapshot")
        assert state_of(states[name]) == state_of(fresh), name
        await s.close()


async def test_the_meeting_closing_and_opening_again_reach_the_projector(meeting, facilitator_user):
    screen = await projector(meeting)
    await screen.receive()
    await console_form(meeting, facilitator_user, "close", confirm="yes")
    closed = await screen.receive_until("meeting.status")
    assert closed["status"] == "closed"
    await console_form(meeting, facilitator_user, "reopen")
    opened = await screen.receive_until("meeting.status")
    assert opened["status"] == "open"
    await screen.close()
