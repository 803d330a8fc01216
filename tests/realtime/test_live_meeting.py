"""The live meeting over real websockets: tallies, acks, errors, snapshots."""

import json
import uuid

import pytest
from channels.db import database_sync_to_async

from deliberation import protocol
from deliberation.models import Ballot, Poll
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import agenda as agenda_services
from deliberation.services import decisions as decision_services
from deliberation.services import polls as poll_services
from tests import factories
from tests.realtime.conftest import (
    console_form,
    facilitator,
    phone,
    projector,
    refused_with,
    settle,
    state_of,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_tallies")]


def ballot(poll: Poll, answer: dict, client_id: str | None = None) -> dict:
    return {
        "type": "ballot.cast",
        "poll": poll.pk,
        "client_id": client_id or str(uuid.uuid4()),
        "answer": answer,
    }


async def test_two_phones_and_a_projector_see_the_same_final_tally(meeting, people):
    poll = await database_sync_to_async(factories.poll)(meeting, "traffic_light")
    alice, bob = people["lived_experience"][0], people["commissioner"][0]
    screen = await projector(meeting)
    phone_a, phone_b = await phone(meeting, alice), await phone(meeting, bob)
    for s in (screen, phone_a, phone_b):
        assert (await s.receive())["type"] == "snapshot"

    await phone_a.send(ballot(poll, {"choice": "agree"}))
    await phone_b.send(ballot(poll, {"choice": "disagree"}))
    assert (await phone_a.receive_until("ballot.ack"))["duplicate"] is False
    assert (await phone_b.receive_until("ballot.ack"))["duplicate"] is False

    final = await phone_a.received_or_next("tally.updated", voters=2)
    on_b = await phone_b.received_or_next("tally.updated", voters=2)
    on_projector = await screen.received_or_next("tally.updated", voters=2)
    expected = await database_sync_to_async(meeting_selectors.compute_result)(poll)
    assert final["result"] == on_b["result"] == on_projector["result"] == expected
    by_group = expected["by_constituency"]
    assert by_group["lived_experience"]["totals"]["agree"] == 1.0
    assert by_group["commissioner"]["totals"]["disagree"] == 1.0
    for s in (screen, phone_a, phone_b):
        await s.close()


async def test_a_resent_ballot_counts_once(meeting, people):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no")
    screen = await phone(meeting, people["staff"][0])
    await screen.receive()
    message = ballot(poll, {"choice": "yes"})

    await screen.send(message)
    first = await screen.receive_until("ballot.ack")
    await screen.send(message)
    again = await screen.receive_until("ballot.ack")

    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert await database_sync_to_async(Ballot.objects.filter(poll=poll).count)() == 1
    await screen.close()


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("{not json", "invalid_json"),
        (json.dumps({"type": "vote.now"}), "unknown_type"),
        (json.dumps({"type": "ping", "pad": "x" * 5000}), "too_large"),
        ("[1, 2, 3]", "invalid"),
        (json.dumps({"type": "ballot.cast", "poll": "one"}), "invalid"),
        (
            json.dumps({"type": "ballot.cast", "poll": 1, "client_id": "nope", "answer": {}}),
            "invalid",
        ),
        (json.dumps({"type": "ping", "extra": 1}), "invalid"),
    ],
)
async def test_a_bad_message_gets_an_error_and_the_connection_stays_usable(
    meeting, people, message, code
):
    screen = await phone(meeting, people["staff"][0])
    await screen.receive()

    await screen.send(message)
    error = await screen.receive()
    assert error["type"] == "error"
    assert error["code"] == code
    assert error["message"] and "Traceback" not in error["message"]

    await screen.send({"type": "ping"})
    assert (await screen.receive())["type"] == "pong"
    await screen.close()


async def test_refused_actions_write_nothing(forum, meeting, people, facilitator_user):
    open_poll = await database_sync_to_async(factories.poll)(meeting, "yes_no")
    other = await database_sync_to_async(factories.open_meeting)(forum, facilitator_user)
    await database_sync_to_async(poll_services.poll_close)(poll=open_poll)
    foreign = await database_sync_to_async(factories.poll)(other, "yes_no")
    closed = open_poll
    current = await database_sync_to_async(factories.poll)(meeting, "dots", dots=2)
    screen = await phone(meeting, people["staff"][0])
    await screen.receive()

    cases = [
        (ballot(foreign, {"choice": "yes"}), "wrong_meeting"),
        (ballot(closed, {"choice": "yes"}), "poll_closed"),
        (ballot(current, {"dots": {"buses": 3}}), "invalid"),
        (ballot(current, {"choice": "yes"}), "invalid"),
        # The console's forms are the one path for a facilitator's change: no socket takes it.
        ({"type": "poll.close", "poll": foreign.pk}, "unknown_type"),
        ({"type": "poll.open", "poll": closed.pk}, "unknown_type"),
        ({"type": "agenda.move", "item": None}, "unknown_type"),
        ({**ballot(closed, {"choice": "yes"}), "for_member": people["staff"][1].pk}, "not_allowed"),
    ]
    for message, code in cases:
        await screen.send(message)
        error = await screen.receive_until("error")
        assert error["code"] == code, (message, error)

    assert await database_sync_to_async(Ballot.objects.count)() == 0
    status = await database_sync_to_async(lambda: Poll.objects.get(pk=foreign.pk).status)()
    assert status == "open"
    await screen.send({"type": "ping"})
    assert (await screen.receive())["type"] == "pong"
    await screen.close()


async def test_a_supporter_casts_an_assisted_ballot_over_the_socket(meeting, people):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no")
    supported = people["lived_experience"][0]
    screen = await phone(meeting, people["supporter"])
    snapshot = await screen.receive()
    assert snapshot["me"]["supports"] == [{"id": supported.pk, "name": supported.name}]

    await screen.send({**ballot(poll, {"choice": "yes"}), "for_member": supported.pk})
    await screen.receive_until("ballot.ack")

    saved = await database_sync_to_async(Ballot.objects.get)(poll=poll)
    assert (saved.member_id, saved.source, saved.assisted_by_id) == (
        supported.pk,
        "assisted",
        people["supporter"].pk,
    )
    await screen.close()


async def test_strangers_are_turned_away_with_a_reason(meeting):
    assert await refused_with(f"/ws/meeting/{meeting.pk}/") == 4403
    assert await refused_with(f"/ws/meeting/{meeting.pk}/facilitator/") == 4403
    assert await refused_with("/ws/projector/not-a-token/") == 4403


async def test_a_participant_cannot_listen_as_facilitator(meeting, people):
    from tests.realtime.conftest import _phone_session

    cookie = await database_sync_to_async(_phone_session)(meeting, people["staff"][0])
    assert await refused_with(f"/ws/meeting/{meeting.pk}/facilitator/", cookie) == 4403


async def test_the_facilitator_runs_a_poll_and_every_screen_follows(
    meeting, people, facilitator_user
):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", open_=False)
    console = await facilitator(meeting, facilitator_user)
    screen = await phone(meeting, people["staff"][0])
    await console.receive(), await screen.receive()

    await console_form(meeting, facilitator_user, "poll_open", poll=poll.pk)
    opened = await screen.receive_until("poll.opened")
    assert opened["poll"]["id"] == poll.pk and opened["poll"]["status"] == "open"

    await screen.send(ballot(poll, {"choice": "yes"}))
    await screen.receive_until("ballot.ack")
    await console_form(meeting, facilitator_user, "poll_close", poll=poll.pk)
    closed = await screen.receive_until("poll.closed")
    assert closed["poll"]["result"]["voters"] == 1
    assert closed["poll"]["result"]["outcome"]["passed"] is True
    await console.close(), await screen.close()


async def test_many_ballots_are_coalesced_into_few_tallies_ending_on_the_exact_count(
    forum, meeting, facilitator_user
):
    voters = await database_sync_to_async(
        lambda: [factories.member(forum, c) for c in ("staff", "commissioner") * 15]
    )()
    for person in voters:
        await database_sync_to_async(factories.join)(meeting, person)
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no")
    screen = await projector(meeting)
    await screen.receive()
    phones = [await phone(meeting, person) for person in voters]
    for p in phones:
        await p.receive()

    for p in phones:
        await p.send(ballot(poll, {"choice": "yes"}))
    for p in phones:
        await p.receive_until("ballot.ack")
    await settle()

    tallies = [m for m in await screen.drain(quiet=1.0) if m["type"] == "tally.updated"]
    assert tallies, "the projector got no tally"
    assert tallies[-1]["voters"] == len(voters)
    assert len(tallies) < len(voters) / 2
    for p in phones:
        await p.close()
    await screen.close()


async def test_hidden_results_reach_no_phone_until_the_poll_closes(
    meeting, people, facilitator_user
):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", results_shown="closed")
    screen = await projector(meeting)
    voter = await phone(meeting, people["staff"][0])
    await screen.receive(), await voter.receive()

    await voter.send(ballot(poll, {"choice": "yes"}))
    await voter.receive_until("ballot.ack")
    await settle()
    hidden = await screen.receive_until("tally.updated")
    assert hidden["voters"] == 1 and hidden["result"] is None and hidden["visible"] is False
    assert not [m for m in await voter.drain(quiet=0.8) if m["type"] == "tally.updated"]

    await database_sync_to_async(poll_services.poll_close)(poll=poll)
    closed = await voter.receive_until("poll.closed")
    assert closed["poll"]["result"]["voters"] == 1
    await screen.close(), await voter.close()


async def test_applying_events_to_an_old_snapshot_gives_the_new_snapshot(
    meeting, people, facilitator_user
):
    console = await facilitator(meeting, facilitator_user)
    screen = await projector(meeting)
    voter = await phone(meeting, people["lived_experience"][1])
    states = {
        "facilitator": await console.receive(),
        "projector": await screen.receive(),
        "phone": await voter.receive(),
    }

    def run_meeting() -> None:
        items = list(meeting.agenda.order_by("position"))
        agenda_services.agenda_move(meeting=meeting, item=items[1])
        poll = factories.poll(meeting, "score", open_=False, options=("Buses", "Jobs"))
        poll_services.poll_open(poll=poll)
        factories.cast(poll, people["staff"][2], {"scores": {"buses": 5, "jobs": 2}})
        late = factories.member(meeting.forum, "commissioner")
        factories.join(meeting, late)
        poll_services.poll_close(poll=poll)
        poll.refresh_from_db()
        decision_services.decision_record(meeting=meeting, poll=poll, outcome="Buses first.")
        agenda_services.agenda_item_add(meeting=meeting, title="Any other business")

    await database_sync_to_async(run_meeting)()
    # The voter's own ballot goes over the socket, as on a real phone.
    await settle()
    for name, s in (("facilitator", console), ("projector", screen), ("phone", voter)):
        for event in await s.drain(quiet=0.6):
            states[name] = protocol.apply_event(states[name], event)
        await s.send({"type": "snapshot.request"})
        fresh = await s.receive_until("snapshot")
        assert state_of(states[name]) == state_of(fresh), name
        await s.close()
