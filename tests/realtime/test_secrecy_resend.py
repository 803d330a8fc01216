"""A secret ballot resent after its acknowledgement was lost is still the phone's to change.

The key to a secret ballot is worked out on the server from the phone's device key, an
HttpOnly cookie that comes with the websocket handshake: the page script never holds a
key, sends none and receives none. A resend carries the same cookie, so it is
acknowledged, and the vote can still be changed from that phone, and only from it.
"""

import secrets
import uuid

import pytest
from channels.db import database_sync_to_async

from deliberation.models import SecretBallot
from tests import factories
from tests.realtime.conftest import _phone_session, connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_tallies")]

DEVICE_COOKIE = "coprod_device_key"


async def phone_with_key(meeting, member, device_key: str | None):
    """Connect a phone's socket, its device key cookie sent with the handshake."""
    cookie = await database_sync_to_async(_phone_session)(meeting, member)
    if device_key is not None:
        cookie += f"; {DEVICE_COOKIE}={device_key}".encode()
    connected, code, screen = await connect(f"/ws/meeting/{meeting.pk}/", cookie)
    assert connected, code
    await screen.receive_until("snapshot")
    return screen


def secret_ballot(poll, choice: str, client_id: str, **extra) -> dict:
    return {
        "type": "ballot.cast",
        "poll": poll.pk,
        "client_id": client_id,
        "answer": {"choice": choice},
        **extra,
    }


async def answers(poll) -> list:
    return await database_sync_to_async(
        lambda: sorted(SecretBallot.objects.filter(poll=poll).values_list("source", "answer"))
    )()


async def test_a_resent_secret_ballot_is_acknowledged_and_the_vote_can_still_change(
    meeting, people
):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", secret=True)
    alice = people["lived_experience"][0]
    device_key = secrets.token_urlsafe(32)
    client_id = str(uuid.uuid4())
    screen = await phone_with_key(meeting, alice, device_key)

    # The first acknowledgement is lost: the phone only sees the one for its resend.
    await screen.send(secret_ballot(poll, "yes", client_id))
    first = await screen.receive_until("ballot.ack", client_id=client_id)
    await screen.send(secret_ballot(poll, "yes", client_id))
    resent = await screen.receive_until("ballot.ack", client_id=client_id)
    assert resent["duplicate"] is True
    # No key ever reaches the page.
    assert "token" not in first and "token" not in resent
    await screen.close()

    # From a new socket of the same phone (a reload), the voter changes their answer.
    again = await phone_with_key(meeting, alice, device_key)
    await again.send(secret_ballot(poll, "no", str(uuid.uuid4())))
    changed = await again.receive_until("ballot.ack")
    assert changed["duplicate"] is False and "token" not in changed
    assert await answers(poll) == [("direct", {"choice": "no"})]
    await again.close()


async def test_a_vote_cast_with_someone_over_the_socket_has_its_own_key(meeting, people):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", secret=True)
    supported = people["lived_experience"][0]
    screen = await phone_with_key(meeting, people["supporter"], secrets.token_urlsafe(32))

    await screen.send(secret_ballot(poll, "yes", str(uuid.uuid4())))
    await screen.receive_until("ballot.ack")
    await screen.send(secret_ballot(poll, "yes", str(uuid.uuid4()), for_member=supported.pk))
    await screen.receive_until("ballot.ack")
    await screen.send(secret_ballot(poll, "no", str(uuid.uuid4()), for_member=supported.pk))
    changed = await screen.receive_until("ballot.ack")

    assert changed["duplicate"] is False
    assert await answers(poll) == [("assisted", {"choice": "no"}), ("direct", {"choice": "yes"})]
    await screen.close()


async def test_another_device_key_cannot_change_the_vote(meeting, people):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", secret=True)
    alice = people["lived_experience"][0]
    client_id = str(uuid.uuid4())
    first = await phone_with_key(meeting, alice, secrets.token_urlsafe(32))
    await first.send(secret_ballot(poll, "yes", client_id))
    await first.receive_until("ballot.ack")
    await first.close()

    other = await phone_with_key(meeting, alice, secrets.token_urlsafe(32))
    # Knowing the client id gets an acknowledgement, and nothing more.
    await other.send(secret_ballot(poll, "no", client_id))
    ack = await other.receive_until("ballot.ack", client_id=client_id)
    assert ack["duplicate"] is True and "token" not in ack
    await other.send(secret_ballot(poll, "no", str(uuid.uuid4())))
    error = await other.receive_until("error")
    assert error["code"] == "already_voted"
    assert await answers(poll) == [("direct", {"choice": "yes"})]
    await other.close()


async def test_a_ballot_may_not_carry_a_key_from_the_page(meeting, people):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", secret=True)
    screen = await phone_with_key(meeting, people["staff"][0], secrets.token_urlsafe(32))

    await screen.send(
        secret_ballot(poll, "yes", str(uuid.uuid4()), token=secrets.token_urlsafe(32))
    )
    error = await screen.receive_until("error")

    assert error["code"] == "invalid"
    assert await answers(poll) == []
    await screen.close()


async def test_a_phone_without_a_device_key_still_has_its_vote_counted(meeting, people):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", secret=True)
    screen = await phone_with_key(meeting, people["commissioner"][0], None)

    await screen.send(secret_ballot(poll, "yes", str(uuid.uuid4())))
    ack = await screen.receive_until("ballot.ack")

    assert ack["duplicate"] is False and "token" not in ack
    assert await answers(poll) == [("direct", {"choice": "yes"})]
    await screen.close()
