"""A facilitator's changes go through the console's forms: the socket refuses them."""

import pytest
from channels.db import database_sync_to_async

from deliberation.models import HandCount, Meeting, Poll
from tests import factories
from tests.realtime.conftest import facilitator

pytestmark = pytest.mark.django_db(transaction=True)


def _state(meeting: Meeting, *polls: Poll) -> tuple:
    meeting.refresh_from_db()
    statuses = [Poll.objects.get(pk=p.pk).status for p in polls]
    return meeting.current_item_id, statuses, HandCount.objects.count()


async def test_the_console_socket_refuses_facilitator_commands_and_stays_open(
    meeting, people, facilitator_user
):
    draft = await database_sync_to_async(factories.poll)(meeting, "yes_no", open_=False)
    running = await database_sync_to_async(factories.poll)(meeting, "yes_no")
    items = await database_sync_to_async(lambda: list(meeting.agenda.order_by("position")))()
    before = await database_sync_to_async(_state)(meeting, draft, running)
    console = await facilitator(meeting, facilitator_user)
    assert (await console.receive())["type"] == "snapshot"

    # The commands an earlier console sent over its socket; no client sends them now.
    commands = [
        {"type": "poll.open", "poll": draft.pk},
        {"type": "poll.close", "poll": running.pk},
        {"type": "agenda.move", "item": items[-1].pk},
        {
            "type": "hand_count.set",
            "poll": running.pk,
            "constituency": "staff",
            "counts": {"yes": 4},
        },
    ]
    for n, command in enumerate(commands):
        await console.send({**command, "ref": f"cmd-{n}"})
        error = await console.receive_until("error")
        assert error == {
            "type": "error",
            "code": "unknown_type",
            "message": "That kind of message is not known.",
            "ref": f"cmd-{n}",
        }
        # The socket is still open and answers.
        await console.send({"type": "ping"})
        assert (await console.receive_until("pong"))["type"] == "pong"

    # Nothing changed: the polls, the agenda and the hand counts are as they were.
    assert await database_sync_to_async(_state)(meeting, draft, running) == before
    await console.close()
