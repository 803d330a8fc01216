"""Helpers to connect real websocket consumers to the ASGI application."""

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from deliberation import identity, realtime
from deliberation.models import Attendance, Meeting, Member

ORIGIN = (b"origin", b"http://localhost")
# A browser sends the Host its page came from; the origin check compares the two.
HOST = (b"host", b"localhost")


def _session_cookie(data: dict[str, Any]) -> bytes:
    store = SessionStore()
    for key, value in data.items():
        store[key] = value
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}".encode()


def _phone_session(meeting: Meeting, member: Member) -> bytes:
    attendance = Attendance.objects.get(meeting=meeting, member=member)
    return _session_cookie(
        {
            identity.SESSION_MEMBERS: {str(meeting.pk): member.pk},
            identity.SESSION_DEVICE: attendance.device_token,
        }
    )


def _user_session(user: Any) -> bytes:
    return _session_cookie(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )


class Screen:
    """A connected websocket with the messages it has received."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator
        self.received: list[dict[str, Any]] = []

    async def send(self, message: dict[str, Any] | str) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout: float = 3) -> dict[str, Any]:
        message = json.loads(await self.communicator.receive_from(timeout=timeout))
        self.received.append(message)
        return message

    async def receive_until(self, type_: str, timeout: float = 5, **match: Any) -> dict[str, Any]:
        """Receive until a message of this type (and these fields) arrives."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no {type_} {match} within {timeout}s: {self.received}")
            message = await self.receive(timeout=remaining)
            if message["type"] == type_ and all(message.get(k) == v for k, v in match.items()):
                return message

    async def received_or_next(
        self, type_: str, timeout: float = 5, **match: Any
    ) -> dict[str, Any]:
        """Return a message of this type already received (the latest), or wait for one.

        A tally can reach a phone before its own ballot's acknowledgement, so a test that
        waited for the acknowledgement first must still find that tally.
        """
        for message in reversed(self.received):
            if message["type"] == type_ and all(message.get(k) == v for k, v in match.items()):
                return message
        return await self.receive_until(type_, timeout, **match)

    async def drain(self, quiet: float = 0.3) -> list[dict[str, Any]]:
        """Receive everything until nothing arrives for `quiet` seconds."""
        got = []
        # receive_nothing waits without cancelling the consumer, as a timed-out receive would.
        while not await self.communicator.receive_nothing(timeout=quiet, interval=0.02):
            got.append(await self.receive())
        return got

    async def receive_for(self, seconds: float) -> list[dict[str, Any]]:
        """Receive everything that arrives within the next `seconds`."""
        got = []
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while (left := end - loop.time()) > 0:
            if await self.communicator.receive_nothing(timeout=left, interval=0.02):
                break
            got.append(await self.receive())
        return got

    async def close(self) -> None:
        await self.communicator.disconnect()


async def connect(path: str, cookie: bytes | None = None) -> tuple[bool, Any, Screen]:
    from asgi import application

    headers = [ORIGIN, HOST]
    if cookie:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return connected, code, Screen(communicator)


async def refused_with(path: str, cookie: bytes | None = None) -> int | None:
    """Connect and return the close code a refused screen gets straight after accept."""
    connected, _code, screen = await connect(path, cookie)
    assert connected
    message = await screen.communicator.receive_output(timeout=3)
    assert message["type"] == "websocket.close", message
    return message.get("code")


async def phone(meeting: Meeting, member: Member) -> Screen:
    cookie = await database_sync_to_async(_phone_session)(meeting, member)
    connected, code, screen = await connect(f"/ws/meeting/{meeting.pk}/", cookie)
    assert connected, code
    return screen


async def projector(meeting: Meeting) -> Screen:
    connected, code, screen = await connect(f"/ws/projector/{meeting.projector_token}/")
    assert connected, code
    return screen


async def facilitator(meeting: Meeting, user: Any) -> Screen:
    cookie = await database_sync_to_async(_user_session)(user)
    connected, code, screen = await connect(f"/ws/meeting/{meeting.pk}/facilitator/", cookie)
    assert connected, code
    return screen


def _console_post(meeting: Meeting, user: Any, action: str, data: dict[str, Any]) -> int:
    client = Client()
    client.force_login(user)
    url = reverse("deliberation:console_action", args=[meeting.forum.slug, meeting.pk, action])
    return client.post(url, data).status_code


async def console_form(meeting: Meeting, user: Any, action: str, **data: Any) -> None:
    """Send one of the console's forms, as the facilitator's browser does."""
    status = await database_sync_to_async(_console_post)(meeting, user, action, data)
    assert status == 302, status


@pytest.fixture
def fast_tallies(settings):
    """Keep the coalescer's rates but make tests wait less for the phones' send."""
    settings.TALLY_INTERVAL_CONSOLE = 0.2
    settings.TALLY_INTERVAL_PHONE = 0.5


def state_of(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Return a snapshot without the server's clock reading, which is a time, not state."""
    return {key: value for key, value in snapshot.items() if key != "clock"}


async def settle() -> None:
    """Wait until this process's coalescers have sent what they hold."""
    await asyncio.wait_for(realtime.drain(), timeout=10)


@pytest.fixture(autouse=True)
async def _close_worker_connections():
    """Close the database connections of the thread that wrote this test's ballots.

    Through asgiref, not channels' database_sync_to_async: that one first checks the
    thread's kept connection (SQLite's are kept), which a test without database access
    may not touch.
    """
    yield
    from django.db import connections

    await sync_to_async(connections.close_all, thread_sensitive=True)()
