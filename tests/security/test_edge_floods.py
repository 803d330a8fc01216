"""One phone cannot flood a meeting: a rate limit per socket, a cap on sockets per person.

Found on main: 2,000 messages in 2 s from one socket were all processed, and 500
sockets of one person were all accepted. Timings are in bench/flood.py; these tests
check what a phone is told and when it is closed.
"""

import json
import uuid

import pytest
from channels.db import database_sync_to_async

from deliberation.consumers import CLOSE_FLOOD, CLOSE_TOO_MANY_CONNECTS, CLOSE_TOO_MANY_SCREENS
from deliberation.models import Ballot
from tests import factories
from tests.realtime.conftest import (  # noqa: F401 (fixtures)
    _close_worker_connections,
    _phone_session,
    connect,
    fast_tallies,
    phone,
    refused_with,
    settle,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_tallies")]


async def outputs_until_closed(screen, limit: int = 1000) -> tuple[list[dict], int | None]:
    """Read everything the server sends, until it closes the socket or goes quiet."""
    got = []
    for _ in range(limit):
        if await screen.communicator.receive_nothing(timeout=1, interval=0.01):
            return got, None
        output = await screen.communicator.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            return got, output.get("code")
        got.append(json.loads(output["text"]))
    return got, None


async def test_a_flooding_socket_is_slowed_then_closed(meeting, people):
    screen = await phone(meeting, people["staff"][0])
    await screen.receive()

    for n in range(300):
        await screen.send({"type": "ping", "ref": f"p{n}"})
    got, code = await outputs_until_closed(screen)

    pongs = [m for m in got if m["type"] == "pong"]
    limited = [m for m in got if m.get("code") == "rate_limited"]
    # The burst of 20 and a few more as tokens come back; never the whole flood.
    assert 20 <= len(pongs) < 40
    assert limited and limited[0]["message"] == "You are sending too fast. Please wait a moment."
    assert limited[0]["ref"].startswith("p")
    assert code == CLOSE_FLOOD
    await screen.close()


async def test_a_supporter_voting_for_everyone_they_support_is_never_slowed(meeting, people):
    """An honest burst: own vote, the votes with the people supported, then resends."""
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no")
    supporter = people["supporter"]
    supported = people["lived_experience"]
    await database_sync_to_async(supporter.supports.add)(*supported[1:])
    screen = await phone(meeting, supporter)
    await screen.receive()

    sent = []
    # Each of the four answers, then changes their mind twice, quickly.
    for choice in ("yes", "no", "yes"):
        for person in [supporter, *supported]:
            message = {
                "type": "ballot.cast",
                "poll": poll.pk,
                "client_id": str(uuid.uuid4()),
                "answer": {"choice": choice},
            }
            if person is not supporter:
                message["for_member"] = person.pk
            sent.append(message)
    # 12 ballots at once, then the phone comes back online and resends 4 of them.
    for message in sent + sent[:4]:
        await screen.send(message)
    got = [await screen.receive_until("ballot.ack") for _ in sent + sent[:4]]

    assert len(got) == 16
    assert not [m for m in screen.received if m["type"] == "error"]
    await settle()
    assert await database_sync_to_async(Ballot.objects.filter(poll=poll).count)() == 4
    await screen.close()


async def test_the_rate_is_a_setting(meeting, people, settings):
    settings.WS_RATE_BURST = 3
    settings.WS_RATE_PER_SECOND = 0.5
    screen = await phone(meeting, people["staff"][0])
    await screen.receive()
    for _ in range(5):
        await screen.send({"type": "ping"})
    got = await screen.drain()
    assert [m["type"] for m in got].count("pong") == 3
    assert [m.get("code") for m in got].count("rate_limited") == 2
    await screen.close()


async def test_a_person_keeps_only_their_newest_few_screens(meeting, people, settings):
    settings.WS_MAX_SOCKETS_PER_PERSON = 5
    alice, bob = people["staff"][0], people["staff"][1]
    screens = []
    for _ in range(5):
        screens.append(await phone(meeting, alice))
        await screens[-1].receive()
    bobs = await phone(meeting, bob)
    await bobs.receive()

    newest = await phone(meeting, alice)
    await newest.receive()

    oldest = await screens[0].communicator.receive_output(timeout=3)
    assert oldest == {"type": "websocket.close", "code": CLOSE_TOO_MANY_SCREENS}
    for screen in [*screens[1:], newest, bobs]:
        await screen.send({"type": "ping"})
        await screen.receive_until("pong")
    for screen in [*screens, newest, bobs]:
        await screen.close()


async def test_a_closed_screen_frees_its_place(meeting, people, settings):
    settings.WS_MAX_SOCKETS_PER_PERSON = 2
    alice = people["staff"][0]
    first, second = await phone(meeting, alice), await phone(meeting, alice)
    await first.receive()
    await second.receive()
    await first.close()
    third = await phone(meeting, alice)
    await third.receive()
    # second is still open: closing first made room for third.
    await second.send({"type": "ping"})
    await second.receive_until("pong")
    for screen in (second, third):
        await screen.close()


async def test_a_new_socket_does_not_give_a_flooder_a_fresh_allowance(meeting, people, settings):
    settings.WS_RATE_BURST = 3
    settings.WS_RATE_PER_SECOND = 0.5
    alice = people["staff"][0]
    first = await phone(meeting, alice)
    await first.receive()
    for _ in range(3):
        await first.send({"type": "ping"})
    await first.drain()
    await first.close()

    second = await phone(meeting, alice)
    await second.receive()
    await second.send({"type": "ping"})
    assert (await second.receive())["code"] == "rate_limited"
    await second.close()


async def test_a_person_connecting_in_a_loop_is_refused_for_a_while(meeting, people, settings):
    settings.WS_CONNECT_BURST = 3
    settings.WS_CONNECT_PER_SECOND = 0.1
    alice, bob = people["staff"][0], people["staff"][1]
    for _ in range(3):
        screen = await phone(meeting, alice)
        await screen.receive()
        await screen.close()

    cookie = await database_sync_to_async(_phone_session)(meeting, alice)
    assert await refused_with(f"/ws/meeting/{meeting.pk}/", cookie) == CLOSE_TOO_MANY_CONNECTS
    # Someone else in the meeting still connects.
    other = await phone(meeting, bob)
    assert (await other.receive())["type"] == "snapshot"
    await other.close()


async def test_a_session_connecting_in_a_loop_is_refused(meeting, people, settings):
    settings.WS_CONNECT_BURST = 2
    settings.WS_CONNECT_PER_SECOND = 0.1
    cookie = await database_sync_to_async(_phone_session)(meeting, people["staff"][0])
    path = f"/ws/meeting/{meeting.pk}/"
    for _ in range(2):
        connected, _code, screen = await connect(path, cookie)
        assert connected
        await screen.receive()
        await screen.close()

    assert await refused_with(path, cookie) == CLOSE_TOO_MANY_CONNECTS
