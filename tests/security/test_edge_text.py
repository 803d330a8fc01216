"""Text that cannot be stored (a lone surrogate, NUL, other controls) is refused at the edge.

Found on main: one consent reason holding "\\ud800" (valid JSON, not encodable as UTF-8)
closed every new socket of a secret poll, made its pages answer 500 and the poll
impossible to close; in a named poll it failed every other ballot of its batch.
"""

import logging
import uuid

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from deliberation import audit
from deliberation.exceptions import InvalidInput, NotFound, UnstorableText
from deliberation.models import AuditEvent, Ballot, SecretBallot
from deliberation.services import ballots as ballot_services
from tests import factories
from tests.realtime.conftest import (  # noqa: F401 (fixtures)
    _close_worker_connections,
    console_form,
    facilitator,
    fast_tallies,
    phone,
    settle,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_tallies")]

SURROGATE = "no\ud800"
NUL = "no\u0000"
BAD_TEXTS = [SURROGATE, NUL, "bell\u0007", "\udfff", "esc\u001b[2J"]


def objection(poll, reason: str) -> dict:
    return {
        "type": "ballot.cast",
        "poll": poll.pk,
        "client_id": str(uuid.uuid4()),
        "answer": {"choice": "objection", "reason": reason},
    }


@pytest.mark.parametrize("reason", BAD_TEXTS)
async def test_a_reason_we_cannot_store_is_refused_and_the_secret_vote_goes_on(
    meeting, people, facilitator_user, reason
):
    poll = await database_sync_to_async(factories.poll)(meeting, "consent", secret=True)
    alice, bob = people["lived_experience"][0], people["staff"][0]
    screen = await phone(meeting, alice)
    await screen.receive()

    await screen.send(objection(poll, reason))
    error = await screen.receive_until("error")
    assert error["code"] == "invalid_text"
    assert "cannot be used" in error["message"]
    # The socket stays usable: the same phone votes again with plain words.
    await screen.send(objection(poll, "Too far to walk"))
    assert (await screen.receive_until("ballot.ack"))["duplicate"] is False
    await screen.send({"type": "ping"})
    await screen.receive_until("pong")

    # New screens still connect and the poll still closes, sealed.
    other = await phone(meeting, bob)
    assert (await other.receive())["type"] == "snapshot"
    console = await facilitator(meeting, facilitator_user)
    await console.receive()
    await console_form(meeting, facilitator_user, "poll_close", poll=poll.pk)
    closed = await console.receive_until("poll.closed")
    assert closed["poll"]["status"] == "closed"
    await settle()
    assert await database_sync_to_async(SecretBallot.objects.filter(poll=poll).count)() == 1
    for s in (screen, other, console):
        await s.close()


@pytest.mark.parametrize("ref", [SURROGATE, NUL])
async def test_an_unknown_message_with_a_bad_ref_leaves_the_socket_open(meeting, people, ref):
    screen = await phone(meeting, people["staff"][0])
    await screen.receive()

    await screen.send({"type": "vote.now", "ref": ref})
    error = await screen.receive_until("error")
    assert error["code"] == "invalid_text"
    assert "ref" not in error
    await screen.send({"type": "ping"})
    await screen.receive_until("pong")
    await screen.close()


async def test_bad_text_anywhere_in_a_message_is_refused(meeting, people):
    poll = await database_sync_to_async(factories.poll)(meeting, "dots")
    screen = await phone(meeting, people["staff"][0])
    await screen.receive()
    message = {
        "type": "ballot.cast",
        "poll": poll.pk,
        "client_id": str(uuid.uuid4()),
        "answer": {"dots": {"x": 1}, "extra": [{"deep": SURROGATE}]},
        "ref": "r1",
    }
    await screen.send(message)
    error = await screen.receive_until("error")
    assert (error["code"], error["ref"]) == ("invalid_text", "r1")
    await screen.close()


def _request(voter, reason: str = "") -> ballot_services.BallotRequest:
    answer = {"choice": "objection", "reason": reason or "Too far"}
    return ballot_services.BallotRequest(answer=answer, client_id=str(uuid.uuid4()), voter=voter)


@pytest.mark.parametrize("bad", [SURROGATE, NUL])
def test_one_bad_ballot_fails_only_itself_in_its_batch(meeting, people, bad):
    poll = factories.poll(meeting, "consent")
    voters = [m for group in ("lived_experience", "staff", "commissioner") for m in people[group]]
    requests = [_request(v) for v in voters]
    requests[4] = _request(voters[4], bad)

    outcomes = ballot_services.ballots_cast(poll_id=poll.pk, requests=requests)

    assert isinstance(outcomes[4], InvalidInput)
    assert [i for i, o in enumerate(outcomes) if isinstance(o, Exception)] == [4]
    assert Ballot.objects.filter(poll=poll).count() == len(voters) - 1
    assert audit.verify_forum(poll.forum) is None


def test_a_ballot_for_a_poll_that_does_not_exist_is_not_found_without_a_traceback(
    meeting, people, caplog
):
    with caplog.at_level(logging.WARNING):
        outcomes = ballot_services.ballots_cast(
            poll_id=987654321, requests=[_request(people["staff"][0])], meeting_id=meeting.pk
        )
    assert isinstance(outcomes[0], NotFound)
    assert not caplog.records


async def test_a_phone_voting_in_a_poll_that_does_not_exist_hears_not_found(
    meeting, people, caplog
):
    screen = await phone(meeting, people["staff"][0])
    await screen.receive()
    with caplog.at_level(logging.WARNING):
        await screen.send(
            {
                "type": "ballot.cast",
                "poll": 987654321,
                "client_id": str(uuid.uuid4()),
                "answer": {"choice": "yes"},
            }
        )
        error = await screen.receive_until("error")
    assert error["code"] == "not_found"
    assert error["message"] == "We could not find that vote."
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    await screen.close()


def test_canonical_json_refuses_a_lone_surrogate_by_name():
    with pytest.raises(UnstorableText):
        audit.canonical_json({"reason": SURROGATE})


@pytest.mark.parametrize("bad", [SURROGATE, NUL, "x\u001f"])
def test_the_audit_chain_refuses_unstorable_text_by_name(forum, bad):
    with pytest.raises(UnstorableText), transaction.atomic():
        audit.append(forum_id=forum.pk, actor="test", kind="test.kind", payload={"t": bad})
    assert not AuditEvent.objects.filter(forum=forum, kind="test.kind").exists()
    assert audit.verify_forum(forum) is None
