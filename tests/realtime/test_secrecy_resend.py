"""A secret ballot resent after its acknowledgement was lost still gives the phone its key.

The phone proposes its own key with the ballot (live.js keeps it in the cookie and in
the queued message), so the resend carries it; the server hands a key back only to the
one who already holds it, so knowing a ballot's client id is not enough.
"""

import secrets
import uuid

import pytest
from channels.db import database_sync_to_async

from deliberation.models import SecretBallot
from tests import factories
from tests.realtime.conftest import phone

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_tallies")]


def secret_ballot(poll, choice: str, client_id: str, token: str | None) -> dict:
    message = {
        "type": "ballot.cast",
        "poll": poll.pk,
        "client_id": client_id,
        "answer": {"choice": choice},
    }
    if token is not None:
        message["token"] = token
    return message


async def test_a_resent_secret_ballot_gets_its_key_and_the_vote_can_still_change(meeting, people):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", secret=True)
    alice = people["lived_experience"][0]
    key = secrets.token_urlsafe(32)
    client_id = str(uuid.uuid4())
    screen = await phone(meeting, alice)
    await screen.receive_until("snapshot")

    # The first acknowledgement is lost: the phone only sees the one for its resend.
    await screen.send(secret_ballot(poll, "yes", client_id, key))
    await screen.receive_until("ballot.ack", client_id=client_id)
    await screen.send(secret_ballot(poll, "yes", client_id, key))
    resent = await screen.receive_until("ballot.ack", client_id=client_id)
    assert resent["duplicate"] is True
    assert resent["token"] == key

    # With that key the voter changes their answer, once, as before.
    await screen.send(secret_ballot(poll, "no", str(uuid.uuid4()), resent["token"]))
    changed = await screen.receive_until("ballot.ack")
    assert "code" not in changed and changed["duplicate"] is False
    answers = await database_sync_to_async(
        lambda: list(SecretBallot.objects.filter(poll=poll).values_list("answer", flat=True))
    )()
    assert answers == [{"choice": "no"}]
    await screen.close()


async def test_someone_who_knows_only_the_client_id_gets_no_key(meeting, people):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", secret=True)
    alice, bob = people["lived_experience"][0], people["staff"][0]
    client_id = str(uuid.uuid4())
    first = await phone(meeting, alice)
    await first.receive_until("snapshot")
    await first.send(secret_ballot(poll, "yes", client_id, secrets.token_urlsafe(32)))
    await first.receive_until("ballot.ack", client_id=client_id)

    other = await phone(meeting, bob)
    await other.receive_until("snapshot")
    await other.send(secret_ballot(poll, "yes", client_id, secrets.token_urlsafe(32)))
    ack = await other.receive_until("ballot.ack", client_id=client_id)
    assert ack["duplicate"] is True
    assert "token" not in ack
    await other.send(secret_ballot(poll, "yes", client_id, None))
    ack = await other.receive_until("ballot.ack", client_id=client_id)
    assert "token" not in ack
    await first.close()
    await other.close()
