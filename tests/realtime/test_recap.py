"""The projector follows "last time" live: shown, updated by progress, hidden."""

import pytest
from channels.db import database_sync_to_async

from deliberation import protocol
from deliberation.services import actions as action_services
from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from tests import factories
from tests.realtime.conftest import phone, projector, settle, state_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_tallies")]


async def test_applying_recap_events_to_an_old_snapshot_gives_the_new_snapshot(
    forum, meeting, people
):
    def earlier_meeting():
        poll = factories.poll(meeting, "yes_no")
        decision = factories.decision(meeting, poll_services.poll_close(poll=poll))
        action = factories.action(decision)
        meeting_services.meeting_close(meeting=meeting)
        later = factories.open_meeting(forum, title="Next time")
        factories.join(later, people["staff"][0])
        return later, action

    later, action = await database_sync_to_async(earlier_meeting)()
    screen = await projector(later)
    voter = await phone(later, people["staff"][0])
    states = {"projector": await screen.receive(), "phone": await voter.receive()}
    assert states["projector"]["recap"] is None

    def run() -> None:
        meeting_services.meeting_recap_show(meeting=later, shown=True)
        action_services.action_progress_add(action=action, note="Started.", status="in_progress")
        action_services.action_progress_add(action=action, note="Finished.", status="done")

    await database_sync_to_async(run)()
    await settle()
    for name, s in (("projector", screen), ("phone", voter)):
        for event in await s.drain(quiet=0.6):
            states[name] = protocol.apply_event(states[name], event)
        await s.send({"type": "snapshot.request"})
        fresh = await s.receive_until("snapshot")
        assert state_of(states[name]) == state_of(fresh), name
        assert fresh["recap"]["decisions"][0]["actions"][0]["latest"] == "Finished."

    await database_sync_to_async(meeting_services.meeting_recap_show)(meeting=later, shown=False)
    hidden = await screen.receive_until("recap.changed")
    assert hidden["recap"] is None
    await screen.close(), await voter.close()
