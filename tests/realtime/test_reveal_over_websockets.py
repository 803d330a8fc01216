"""Over real websockets: no answer reaches a phone or the projector before the reveal."""

import json
import uuid

import pytest
from channels.db import database_sync_to_async

from deliberation.models import Poll
from deliberation.services import polls as poll_services
from tests import factories
from tests.realtime.conftest import console_form, facilitator, phone, projector, settle

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_tallies")]


def ballot(poll: Poll, answer: dict) -> dict:
    return {
        "type": "ballot.cast",
        "poll": poll.pk,
        "answer": answer,
        "client_id": str(uuid.uuid4()),
    }


def room(forum, meeting, size: int) -> tuple[list, Poll]:
    people = [factories.member(forum, "lived_experience") for _ in range(size)]
    for person in people:
        factories.join(meeting, person)
    poll = poll_services.poll_create(
        forum=forum, meeting=meeting, question="Keep the café open?", method="yes_no"
    )
    return people, poll_services.poll_open(poll=poll)


def no_answer_in(message: dict) -> None:
    """Say nothing of what was chosen: no result, no verdict, no count per option."""
    assert message.get("result") is None, message
    shown = message["shown"] if "shown" in message else message["poll"]["shown"]
    assert shown["visible"] is False
    for word in ('"outcome"', '"views"', '"groups"', '"yes"', '"no"'):
        assert word not in json.dumps(shown), (word, shown)


async def test_everyone_here_voting_shows_the_results_on_every_screen(forum, meeting):
    people, poll = await database_sync_to_async(room)(forum, meeting, 2)
    screen = await projector(meeting)
    first, second = await phone(meeting, people[0]), await phone(meeting, people[1])
    for sock in (screen, first, second):
        snapshot = await sock.receive()
        (open_poll,) = [p for p in snapshot["polls"] if p["id"] == poll.pk]
        no_answer_in(open_poll)

    await first.send(ballot(poll, {"choice": "no"}))
    await first.receive_until("ballot.ack")
    await settle()
    for sock in (screen, second):
        tally = await sock.receive_until("tally.updated")
        no_answer_in(tally)
        assert tally["shown"]["progress"] == {"voted": 1, "expected": 2}

    await second.send(ballot(poll, {"choice": "no"}))
    await second.receive_until("ballot.ack")
    for sock in (screen, first):
        shown = (await sock.receive_until("poll.updated"))["poll"]["shown"]
        assert shown["visible"] is True
        assert shown["outcome"]["passed"] is False
    for sock in (screen, first, second):
        await sock.close()


async def test_show_the_results_now_reaches_the_projector_and_phones(
    forum, meeting, facilitator_user
):
    people, poll = await database_sync_to_async(room)(forum, meeting, 3)
    screen = await projector(meeting)
    console = await facilitator(meeting, facilitator_user)
    voter = await phone(meeting, people[0])
    await screen.receive(), await console.receive(), await voter.receive()

    await voter.send(ballot(poll, {"choice": "yes"}))
    await voter.receive_until("ballot.ack")
    await settle()
    # The console, projector and phone all hear only how many have voted.
    for sock in (console, screen, voter):
        tally = await sock.receive_until("tally.updated")
        no_answer_in(tally)
        assert tally["shown"]["progress"] == {"voted": 1, "expected": 3}

    await console_form(meeting, facilitator_user, "poll_results_show", poll=poll.pk)
    for sock in (screen, voter):
        shown = (await sock.receive_until("poll.updated"))["poll"]["shown"]
        assert shown["visible"] is True and shown["outcome"]["passed"] is True
    for sock in (screen, console, voter):
        await sock.close()


async def test_someone_joining_is_counted_on_the_projector_at_once(forum, meeting):
    people, poll = await database_sync_to_async(room)(forum, meeting, 2)
    screen = await projector(meeting)
    await screen.receive()
    late = await database_sync_to_async(factories.member)(forum, "staff")
    await database_sync_to_async(factories.join)(meeting, late)
    await settle()
    tally = await screen.receive_until("tally.updated")
    no_answer_in(tally)
    assert tally["shown"]["progress"] == {"voted": 0, "expected": 3}
    await screen.close()
