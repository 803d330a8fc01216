"""Group names, broadcasts after commit, and coalescing of tally updates.

Measured on this kind of machine, one daphne process delivers only 1,500–2,000
websocket messages a second, so a ballot is never broadcast on its own: it marks its
poll dirty, and one coalescing task per meeting per process sends the tally to the
projector and facilitator at most 5 times a second, and to phones at most once a
second and only while results are visible or the poll waits for everyone here to vote
(then with how many have voted, and no answer). Each broadcast is serialised once.

With several daphne processes, each runs its own coalescer for the ballots it took,
and each tally carries its poll's number (tally_changed), so screens keep the newest
whichever process sent it and all end on the exact final count (tests/integration/
test_scale_out.py runs two processes, and one behind nginx killed mid-burst).
"""

import asyncio
import contextvars
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, Self, cast

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import F

from deliberation.models import Poll
from deliberation.selectors import meetings as meeting_selectors

logger = logging.getLogger(__name__)

# Seconds a coalescer waits with nothing to do before it stops.
IDLE_SECONDS = 30.0
# Seconds before a tally the channel layer could not take is sent again.
SEND_RETRY_SECONDS = 1.0
# After the layer comes back, a retried tally is sent once more this much later.
RESEND_AFTER_SECONDS = 3.0


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


def member_group(meeting_id: int, member_id: int) -> str:
    """Return the group of the phones that joined a meeting as one member (one, normally)."""
    return f"meeting.{meeting_id}.member.{member_id}"


# How many changes this process has seen per meeting: a broadcast sent or received, or a
# tally marked. A snapshot shared by many screens is good only while this stays the same.
_changes: dict[int, int] = {}


def meeting_of(group: str) -> int | None:
    """Return the meeting a group belongs to ("meeting.42.phones" -> 42), if any."""
    parts = group.split(".")
    if len(parts) > 1 and parts[0] == "meeting" and parts[1].isdigit():
        return int(parts[1])
    return None


def changed(meeting_id: int | None) -> None:
    """Note that a meeting changed, so snapshots shared before now are not used again."""
    if meeting_id is not None:
        _changes[meeting_id] = _changes.get(meeting_id, 0) + 1


def changes(meeting_id: int) -> int:
    """Return how many changes of a meeting this process has seen."""
    return _changes.get(meeting_id, 0)


def encode(event: dict[str, Any]) -> str:
    """Serialise an event once, for every consumer that will send it."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


async def send_group(group: str, event: dict[str, Any]) -> None:
    """Send one event to a group, serialised once."""
    layer = get_channel_layer()
    if layer is None:
        return
    # Before the send: a screen that joins after this must not start from an older snapshot.
    changed(meeting_of(group))
    await layer.group_send(group, {"type": "broadcast", "text": encode(event)})


# Which screens an announcement goes to: the group for each broadcast audience (not the
# selectors' snapshot AUDIENCES, which say how much of a meeting a screen may see).
BROADCAST_GROUPS = {
    "all": meeting_group,
    "console": console_group,
    "facilitator": facilitator_group,
}


def announce(meeting_id: int, event: dict[str, Any], *, audience: str = "all") -> None:
    """Broadcast a change to a meeting's screens once the transaction commits."""
    group = BROADCAST_GROUPS[audience](meeting_id)

    def send() -> None:
        _run_async(send_group, group, event)

    # Robust: the change is committed whatever happens to its broadcast (Redis down,
    # say), so a failed send is logged, never shown to the person who made the change.
    # Screens that missed it catch up from the next heartbeat (MeetingHeartbeat).
    transaction.on_commit(send, robust=True)


def announce_built(build: Callable[[], list[tuple[str, dict[str, Any]]]]) -> None:
    """Build events from the database once the transaction commits, then send each.

    For state sent whole (the speaking queue and cards): read after the commit, the last
    of several quick changes always sends the state as it ended, whatever order their
    transactions committed in. `build` returns (group, event) pairs.
    """

    def send() -> None:
        for group, event in build():
            _run_async(send_group, group, event)

    transaction.on_commit(send, robust=True)


async def _send_close(group: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    await layer.group_send(group, {"type": "identity.revoked"})


def close_member_sockets(meeting_id: int, member_id: int) -> None:
    """Close the phones of a member in a meeting once the transaction commits.

    For a name released or given to another phone, a member made inactive or an
    observer: their open socket must not go on voting as them.
    """
    group = member_group(meeting_id, member_id)
    transaction.on_commit(lambda: _run_async(_send_close, group))


def tally_changed(meeting_id: int, poll_id: int) -> None:
    """Number a change of a poll's tally now, and mark the tally changed once committed.

    Precondition: inside the transaction that made the change. The number
    (Poll.tally_seq) goes up in that transaction, so the database orders the tallies
    of every daphne process: two changes are numbered in the order they commit (the
    second waits for the first's row lock), and a tally read after a commit carries
    that commit's number or a later one (selectors.one_moment reads a count and its
    number together). Each process's coalescer sends what it read; a screen keeps the
    highest number it has seen, so it ends on the count read after the last change,
    which the process that committed that change always sends.
    """
    Poll.objects.filter(pk=poll_id).update(tally_seq=F("tally_seq") + 1)
    transaction.on_commit(lambda: _mark_from_any_thread(meeting_id, poll_id), robust=True)


def attendance_changed(meeting_id: int) -> None:
    """Mark a meeting's attendance as changed once the transaction commits.

    The counts and the facilitator's list of everyone here are built after commit by the
    meeting's AttendanceCoalescer, at most ATTENDANCE_INTERVAL apart, so a join costs the
    same whether 10 or 1,000 people are already here.
    """
    transaction.on_commit(lambda: _attendance_from_any_thread(meeting_id), robust=True)


# -- the coalescer ---------------------------------------------------------------

_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def bind_loop() -> None:
    """Remember the running event loop, where coalescers live in this process."""
    global _loop
    loop = asyncio.get_running_loop()
    with _lock:
        if _loop is not loop:
            _loop = loop
            MeetingWorker.forget_all()


def forget_process_state() -> None:
    """Forget the event loop, workers and changes seen: a process starting afresh."""
    global _loop
    with _lock:
        _loop = None
        MeetingWorker.forget_all()
        _changes.clear()


def _run_async(func: Callable[..., Any], *args: Any) -> None:
    """Run a coroutine function from sync code, on the process's loop if there is one."""
    loop = _loop
    try:
        running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if loop is not None and loop.is_running():
        if running is loop:
            loop.create_task(func(*args))
        else:
            asyncio.run_coroutine_threadsafe(func(*args), loop).result(timeout=10)
    elif running is not None:
        # Another framework's loop runs in this thread (a browser-test driver, say),
        # where async_to_sync cannot run: send from a short-lived thread instead.
        with ThreadPoolExecutor(max_workers=1) as executor:
            executor.submit(async_to_sync(func), *args).result(timeout=10)
    else:
        async_to_sync(func)(*args)


def _mark_from_any_thread(meeting_id: int, poll_id: int) -> None:
    loop = _loop
    if loop is not None and loop.is_running():
        # A fresh context: the caller's would carry asgiref's per-task executor state
        # into the coalescer, which outlives the request that woke it.
        loop.call_soon_threadsafe(mark_dirty, meeting_id, poll_id, context=contextvars.Context())
    else:
        # No event loop serves this process (a management command): nothing to coalesce.
        _run_async(send_tally_now, meeting_id, poll_id)


def mark_dirty(meeting_id: int, poll_id: int) -> None:
    """Note that a poll's tally changed; must run on the bound loop."""
    changed(meeting_id)
    TallyCoalescer.for_meeting(meeting_id).mark(poll_id)


def _attendance_from_any_thread(meeting_id: int) -> None:
    loop = _loop
    if loop is not None and loop.is_running():
        loop.call_soon_threadsafe(mark_attendance, meeting_id, context=contextvars.Context())
    else:
        # No event loop serves this process (a management command): send it now.
        _run_async(send_attendance_now, meeting_id)


def mark_attendance(meeting_id: int) -> None:
    """Note that a meeting's attendance changed; must run on the bound loop."""
    AttendanceCoalescer.for_meeting(meeting_id).mark()


async def _attendance_events(meeting_id: int) -> list[tuple[str, dict[str, Any]]]:
    return await database_sync_to_async(
        meeting_selectors.attendance_events, thread_sensitive=False
    )(meeting_id)


async def send_attendance_now(meeting_id: int) -> None:
    """Send who is here straight away (used where no coalescer runs)."""
    for audience, event in await _attendance_events(meeting_id):
        await send_group(BROADCAST_GROUPS[audience](meeting_id), event)


async def _tally_event(poll_id: int) -> dict[str, Any] | None:
    # Off the writers' thread: a tally must not wait behind a burst of ballots.
    return await database_sync_to_async(meeting_selectors.tally_event, thread_sensitive=False)(
        poll_id
    )


class MeetingWorker:
    """One task per meeting per process, made when first needed, gone when idle."""

    _registry: ClassVar[dict[tuple[type, int], "MeetingWorker"]] = {}

    def __init__(self, meeting_id: int) -> None:
        self.meeting_id = meeting_id
        self.finished = False
        # A fresh context: the caller's would carry asgiref's per-task executor state
        # into a task that outlives the request that made it.
        self.task = asyncio.get_running_loop().create_task(
            self._main(), context=contextvars.Context()
        )

    @classmethod
    def for_meeting(cls, meeting_id: int) -> Self:
        """Return this process's worker for a meeting, starting one if needed."""
        worker = MeetingWorker._registry.get((cls, meeting_id))
        if worker is None or worker.finished:
            worker = MeetingWorker._registry[(cls, meeting_id)] = cls(meeting_id)
        return cast(Self, worker)

    @classmethod
    def forget_all(cls) -> None:
        MeetingWorker._registry.clear()

    @classmethod
    def running(cls) -> list["MeetingWorker"]:
        return [w for w in MeetingWorker._registry.values() if not w.finished]

    async def _main(self) -> None:
        try:
            await self.run()
        except Exception:
            logger.exception("%s for meeting %s stopped", type(self).__name__, self.meeting_id)
            raise
        finally:
            self.finished = True
            key = (type(self), self.meeting_id)
            if MeetingWorker._registry.get(key) is self:
                del MeetingWorker._registry[key]

    async def run(self) -> None:
        raise NotImplementedError

    def busy(self) -> bool:
        return False


async def send_tally_now(meeting_id: int, poll_id: int) -> None:
    """Send one tally straight away (used where no coalescer runs)."""
    event = await _tally_event(poll_id)
    if event is None:
        return
    await send_group(console_group(meeting_id), event)
    if event.get("phones"):
        await send_group(phones_group(meeting_id), event)


class TallyCoalescer(MeetingWorker):
    """Send a meeting's tallies at a bounded rate, always ending on the final count."""

    def __init__(self, meeting_id: int) -> None:
        self.dirty: set[int] = set()
        self.phone_pending: dict[int, str] = {}
        # What each audience was last sent, so an unchanged tally is not sent again.
        self.last_sent: dict[tuple[str, int], str] = {}
        self.wake = asyncio.Event()
        self.last_console = 0.0
        self.last_phone = 0.0
        super().__init__(meeting_id)

    def mark(self, poll_id: int) -> None:
        self.dirty.add(poll_id)
        self.wake.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        layer = get_channel_layer()
        console_interval = settings.TALLY_INTERVAL_CONSOLE
        phone_interval = settings.TALLY_INTERVAL_PHONE
        failed: set[int] = set()
        recovering: set[int] = set()
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
                    if self.last_sent.get(("console", poll_id)) != text:
                        if await self._send(layer, console_group(self.meeting_id), text):
                            self.last_sent[("console", poll_id)] = text
                            if poll_id in recovering:
                                # Just back: screens may not have subscribed again yet,
                                # so say it once more a moment later.
                                recovering.discard(poll_id)
                                self.last_sent.pop(("console", poll_id), None)
                                self.last_sent.pop(("phone", poll_id), None)
                                loop.call_later(RESEND_AFTER_SECONDS, self.mark, poll_id)
                        else:
                            failed.add(poll_id)
                    if event.get("phones") and self.last_sent.get(("phone", poll_id)) != text:
                        self.phone_pending[poll_id] = text
                self.last_console = loop.time()
            else:
                self.wake.clear()
            if self.phone_pending and loop.time() - self.last_phone >= phone_interval:
                pending, self.phone_pending = self.phone_pending, {}
                for poll_id, text in pending.items():
                    if await self._send(layer, phones_group(self.meeting_id), text):
                        self.last_sent[("phone", poll_id)] = text
                    else:
                        self.phone_pending.setdefault(poll_id, text)
                self.last_phone = loop.time()
            if failed:
                # The layer is away (Redis restarting): keep these tallies and try again,
                # so the screens still end on the exact final count.
                self.dirty |= failed
                recovering |= failed
                failed = set()
                await asyncio.sleep(SEND_RETRY_SECONDS)
                self.wake.set()

    async def _send(self, layer: Any, group: str, text: str) -> bool:
        changed(self.meeting_id)
        try:
            await layer.group_send(group, {"type": "broadcast", "text": text})
        except Exception:
            logger.warning("Tally for meeting %s not sent; will try again", self.meeting_id)
            return False
        return True

    def busy(self) -> bool:
        return bool(self.dirty or self.phone_pending)


# Seconds between two sends of a meeting's attendance to its console screens.
ATTENDANCE_INTERVAL = 0.5


class AttendanceCoalescer(MeetingWorker):
    """Send a meeting's attendance at a bounded rate, always ending on who is here now.

    The first change is sent at once; changes arriving within ATTENDANCE_INTERVAL of a
    send wait and go together in the next, read from the database after they committed.
    """

    def __init__(self, meeting_id: int) -> None:
        self.dirty = False
        self.wake = asyncio.Event()
        self.last_sent = 0.0
        super().__init__(meeting_id)

    def mark(self) -> None:
        self.dirty = True
        self.wake.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self.dirty:
                try:
                    await asyncio.wait_for(self.wake.wait(), IDLE_SECONDS)
                except TimeoutError:
                    if not self.dirty:
                        return
            delay = self.last_sent + ATTENDANCE_INTERVAL - loop.time()
            if delay > 0:
                # Joins that arrive meanwhile go in this send.
                await asyncio.sleep(delay)
            self.wake.clear()
            self.dirty = False
            self.last_sent = loop.time()
            try:
                events = await _attendance_events(self.meeting_id)
                for audience, event in events:
                    await send_group(BROADCAST_GROUPS[audience](self.meeting_id), event)
            except Exception:
                # The layer or the database is away for a moment: try again, so the
                # console still ends on who is here.
                logger.warning("Attendance of meeting %s not sent; will try again", self.meeting_id)
                self.dirty = True
                await asyncio.sleep(SEND_RETRY_SECONDS)

    def busy(self) -> bool:
        return self.dirty


ScreenSend = Callable[..., Awaitable[None]]


class MeetingHeartbeat(MeetingWorker):
    """Tell this process's screens of a meeting its version every few seconds.

    A broadcast lost on the way (Redis restarting, say) leaves screens behind; the
    heartbeat lets each one see that and ask for a snapshot. It costs one query per
    meeting per interval, whatever the number of screens, and goes straight to the
    sockets of this process, not through the channel layer, so it works while Redis
    is away.
    """

    def __init__(self, meeting_id: int) -> None:
        self.screens: set[ScreenSend] = set()
        self.changed = asyncio.Event()
        super().__init__(meeting_id)

    def add(self, send: ScreenSend) -> None:
        self.screens.add(send)

    def remove(self, send: ScreenSend) -> None:
        self.screens.discard(send)
        if not self.screens:
            self.changed.set()  # stop now rather than at the next beat

    async def run(self) -> None:
        version_of = database_sync_to_async(
            meeting_selectors.meeting_version, thread_sensitive=False
        )
        while self.screens:
            try:
                await asyncio.wait_for(self.changed.wait(), settings.HEARTBEAT_SECONDS)
            except TimeoutError:
                pass
            self.changed.clear()
            if not self.screens:
                return
            version = await version_of(self.meeting_id)
            if version is None:
                return
            text = encode({"type": "meeting.heartbeat", "version": version})
            for send in list(self.screens):
                try:
                    await send(text_data=text)
                except Exception:
                    # A socket closing meanwhile: it leaves on disconnect.
                    logger.debug("Heartbeat not sent to a closing screen", exc_info=True)


def heartbeat_join(meeting_id: int, send: ScreenSend) -> None:
    """Give a connected screen the meeting's heartbeat; must run on the bound loop."""
    MeetingHeartbeat.for_meeting(meeting_id).add(send)


def heartbeat_leave(meeting_id: int, send: ScreenSend) -> None:
    """Stop a screen's heartbeat when it disconnects."""
    worker = MeetingWorker._registry.get((MeetingHeartbeat, meeting_id))
    if isinstance(worker, MeetingHeartbeat):
        worker.remove(send)


async def drain() -> None:
    """Wait until every worker in this process has done what it holds (for tests)."""
    while any(worker.busy() for worker in MeetingWorker.running()):
        await asyncio.sleep(0.05)


class LoopBinder:
    """ASGI middleware: bind the serving loop, so ballots cast over HTTP are coalesced too."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if _loop is None or not _loop.is_running():
            bind_loop()
        return await self.app(scope, receive, send)
