"""Group names, broadcasts after commit, and coalescing of tally updates.

Measured on this kind of machine, one daphne process delivers only 1,500–2,000
websocket messages a second, so a ballot is never broadcast on its own: it marks its
poll dirty, and one coalescing task per meeting per process sends the tally to the
projector and facilitator at most 5 times a second, and to phones at most once a
second and only while results are visible. Each broadcast is serialised once.
"""

import asyncio
import contextvars
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# Seconds a coalescer waits with nothing to do before it stops.
IDLE_SECONDS = 30.0


def meeting_group(meeting_id: int) -> str:
    """Return the group every screen of a meeting listens to."""
    return f"meeting.{meeting_id}"


def console_group(meeting_id: int) -> str:
    """Return the group of the projector and facilitator screens."""
    return f"meeting.{meeting_id}.console"


def facilitator_group(meeting_id: int) -> str:
    """Return the group of the facilitator screens (names and needs go only here)."""
    return f"meeting.{meeting_id}.facilitator"


def phones_group(meeting_id: int) -> str:
    """Return the group of the participants' phones."""
    return f"meeting.{meeting_id}.phones"


def encode(event: dict[str, Any]) -> str:
    """Serialise an event once, for every consumer that will send it."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


async def send_group(group: str, event: dict[str, Any]) -> None:
    """Send one event to a group, serialised once."""
    layer = get_channel_layer()
    if layer is None:
        return
    await layer.group_send(group, {"type": "broadcast", "text": encode(event)})


AUDIENCES = {
    "all": meeting_group,
    "console": console_group,
    "facilitator": facilitator_group,
}


def announce(meeting_id: int, event: dict[str, Any], *, audience: str = "all") -> None:
    """Broadcast a change to a meeting's screens once the transaction commits."""
    group = AUDIENCES[audience](meeting_id)

    def send() -> None:
        _run_async(send_group, group, event)

    transaction.on_commit(send)


def tally_changed(meeting_id: int, poll_id: int) -> None:
    """Mark a poll's tally as changed once the transaction commits."""
    transaction.on_commit(lambda: _mark_from_any_thread(meeting_id, poll_id))


# -- the coalescer ---------------------------------------------------------------

_loop: asyncio.AbstractEventLoop | None = None
_coalescers: dict[int, "TallyCoalescer"] = {}
_lock = threading.Lock()


def bind_loop() -> None:
    """Remember the running event loop, where coalescers live in this process."""
    global _loop
    loop = asyncio.get_running_loop()
    with _lock:
        if _loop is not loop:
            _loop = loop
            _coalescers.clear()


def _run_async(func: Callable[..., Any], *args: Any) -> None:
    """Run a coroutine function from sync code, on the process's loop if there is one."""
    loop = _loop
    if loop is not None and loop.is_running():
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            loop.create_task(func(*args))
        else:
            asyncio.run_coroutine_threadsafe(func(*args), loop).result(timeout=10)
        return
    async_to_sync(func)(*args)


def _mark_from_any_thread(meeting_id: int, poll_id: int) -> None:
    loop = _loop
    if loop is not None and loop.is_running():
        # A fresh context: the caller's would carry asgiref's per-task executor state
        # into the coalescer, which outlives the request that woke it.
        loop.call_soon_threadsafe(mark_dirty, meeting_id, poll_id, context=contextvars.Context())
    else:
        # No event loop in this process (a management command): nothing to coalesce with.
        async_to_sync(send_tally_now)(meeting_id, poll_id)


def mark_dirty(meeting_id: int, poll_id: int) -> None:
    """Note that a poll's tally changed; must run on the bound loop."""
    coalescer = _coalescers.get(meeting_id)
    if coalescer is None or coalescer.finished:
        coalescer = _coalescers[meeting_id] = TallyCoalescer(meeting_id)
    coalescer.mark(poll_id)


async def _tally_event(poll_id: int) -> dict[str, Any] | None:
    from deliberation import selectors

    return await database_sync_to_async(selectors.tally_event)(poll_id)


async def send_tally_now(meeting_id: int, poll_id: int) -> None:
    """Send one tally straight away (used where no coalescer runs)."""
    event = await _tally_event(poll_id)
    if event is None:
        return
    await send_group(console_group(meeting_id), event)
    if event.get("visible"):
        await send_group(phones_group(meeting_id), event)


class TallyCoalescer:
    """Send a meeting's tallies at a bounded rate, always ending on the final count."""

    def __init__(self, meeting_id: int) -> None:
        self.meeting_id = meeting_id
        self.dirty: set[int] = set()
        self.phone_pending: dict[int, str] = {}
        self.wake = asyncio.Event()
        self.last_console = 0.0
        self.last_phone = 0.0
        self.finished = False
        self.task = asyncio.get_running_loop().create_task(
            self.run(), context=contextvars.Context()
        )

    def mark(self, poll_id: int) -> None:
        self.dirty.add(poll_id)
        self.wake.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        layer = get_channel_layer()
        console_interval = settings.TALLY_INTERVAL_CONSOLE
        phone_interval = settings.TALLY_INTERVAL_PHONE
        try:
            while True:
                if self.phone_pending:
                    timeout = max(0.0, self.last_phone + phone_interval - loop.time())
                else:
                    timeout = IDLE_SECONDS
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout)
                except TimeoutError:
                    if not self.dirty and not self.phone_pending:
                        return
                if self.dirty:
                    delay = self.last_console + console_interval - loop.time()
                    if delay > 0:
                        # Ballots that arrive meanwhile join this send.
                        await asyncio.sleep(delay)
                    self.wake.clear()
                    dirty, self.dirty = self.dirty, set()
                    for poll_id in sorted(dirty):
                        event = await _tally_event(poll_id)
                        if event is None:
                            continue
                        text = encode(event)
                        await layer.group_send(
                            console_group(self.meeting_id), {"type": "broadcast", "text": text}
                        )
                        if event.get("visible"):
                            self.phone_pending[poll_id] = text
                    self.last_console = loop.time()
                else:
                    self.wake.clear()
                if self.phone_pending and loop.time() - self.last_phone >= phone_interval:
                    pending, self.phone_pending = self.phone_pending, {}
                    for text in pending.values():
                        await layer.group_send(
                            phones_group(self.meeting_id), {"type": "broadcast", "text": text}
                        )
                    self.last_phone = loop.time()
        except Exception:
            logger.exception("Tally coalescer for meeting %s stopped", self.meeting_id)
            raise
        finally:
            self.finished = True
            if _coalescers.get(self.meeting_id) is self:
                del _coalescers[self.meeting_id]


async def drain() -> None:
    """Wait until every coalescer in this process has sent what it holds (for tests)."""
    while True:
        busy = [c for c in _coalescers.values() if c.dirty or c.phone_pending]
        if not busy:
            return
        await asyncio.sleep(0.05)


class LoopBinder:
    """ASGI middleware: bind the serving loop, so ballots cast over HTTP are coalesced too."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if _loop is None or not _loop.is_running():
            bind_loop()
        return await self.app(scope, receive, send)
