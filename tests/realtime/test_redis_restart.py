"""Redis restarts in the middle of a meeting: nobody sees an error, every screen catches up.

The test runs its own redis-server on a free port and stops it for a few seconds
around a poll opening (the shared Redis on 6379 is left alone).
"""

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers

from deliberation import protocol
from deliberation.models import Poll
from tests import factories
from tests.conftest import services_expected
from tests.realtime.conftest import Screen, console_form, facilitator, phone
from tests.servers import free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_tallies")]

REDIS_SERVER = shutil.which("redis-server")


class OwnRedis:
    """A redis-server of this test's own, that can be stopped and started again."""

    def __init__(self) -> None:
        assert REDIS_SERVER is not None
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(settings) -> Iterator[OwnRedis]:
    if REDIS_SERVER is None:
        if services_expected():
            pytest.fail("redis-server is needed for the Redis restart test")
        pytest.skip("redis-server is not installed")
    server = OwnRedis()
    server.start()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": f"redis://127.0.0.1:{server.port}/0"}],
                "prefix": "coprod-restart-test",
            },
        }
    }
    settings.HEARTBEAT_SECONDS = 0.5
    channel_layers.backends.clear()
    yield server
    server.stop()
    channel_layers.backends.clear()


async def follow(screen: Screen, state: dict[str, Any], until, timeout: float = 10) -> dict:
    """Follow events as the page script does (snapshot when behind) until `until(state)` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not until(state):
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise AssertionError(f"the screen did not catch up: {screen.received[-5:]}")
        message = await screen.receive(timeout=remaining)
        assert message["type"] != "error", message
        if message["type"] == "snapshot":
            state = message
        elif protocol.needs_snapshot(state, message):
            await screen.send({"type": "snapshot.request"})
        elif message["type"] != "meeting.heartbeat":
            state = protocol.apply_event(state, message)
    return state


def _poll_open_in(state: dict[str, Any], poll_id: int) -> bool:
    return any(p["id"] == poll_id and p["status"] == "open" for p in state["polls"])


async def test_phones_catch_up_after_redis_restarts_and_the_facilitator_sees_no_error(
    own_redis, meeting, people, facilitator_user
):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", open_=False)
    console = await facilitator(meeting, facilitator_user)
    phones = [await phone(meeting, member) for member in people["lived_experience"]]
    states = [await screen.receive() for screen in phones]
    await console.receive()
    assert all(s["type"] == "snapshot" for s in states)

    own_redis.stop()
    await console_form(meeting, facilitator_user, "poll_open", poll=poll.pk)
    # The poll opened; the facilitator is not told "something went wrong".
    for _ in range(40):
        await asyncio.sleep(0.1)
        status = await database_sync_to_async(Poll.objects.values_list("status", flat=True).get)(
            pk=poll.pk
        )
        if status == Poll.Status.OPEN:
            break
    assert status == Poll.Status.OPEN
    # What the console got meanwhile (for one second: the heartbeat every 0.5 s means it
    # is never quiet for long, so waiting for quiet would wait on and on).
    assert [m for m in await console.receive_for(1.0) if m["type"] == "error"] == []
    # A phone votes while Redis is away: its vote is saved and acknowledged.
    voter = phones[0]
    await voter.send(
        {
            "type": "ballot.cast",
            "poll": poll.pk,
            "client_id": "5f1d8a52-8c1e-4c55-9a39-0c6f3b1d2e7a",
            "answer": {"choice": "yes"},
        }
    )
    assert (await voter.receive_until("ballot.ack"))["duplicate"] is False
    await asyncio.sleep(2)
    own_redis.start()

    # The facilitator's screen ends on the exact count, once Redis is back.
    await console.receive_until("tally.updated", timeout=20, voters=1)

    # Every phone catches up by itself, from the heartbeat, within a few seconds.
    for n, screen in enumerate(phones):
        states[n] = await follow(screen, states[n], lambda s: _poll_open_in(s, poll.pk))

    # The next change reaches them too: by its broadcast once the layer has subscribed
    # again, or else by the heartbeat.
    await console_form(meeting, facilitator_user, "poll_close", poll=poll.pk)
    for n, screen in enumerate(phones):
        states[n] = await follow(
            screen,
            states[n],
            lambda s: any(p["id"] == poll.pk and p["status"] == "closed" for p in s["polls"]),
        )
    for screen in [console, *phones]:
        await screen.close()
