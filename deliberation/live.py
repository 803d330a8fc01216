"""The live meeting: what runs for a meeting while it happens, above the services.

Broadcasting (realtime.py) knows no service; the ballot batcher here calls one.
"""

import asyncio
import contextvars
import logging
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from django.utils import translation

from deliberation import realtime
from deliberation.realtime import IDLE_SECONDS, MeetingWorker
from deliberation.selectors import meetings as meeting_selectors
from deliberation.selectors.equals import SpeakingRead
from deliberation.services.ballots import ballots_cast

logger = logging.getLogger(__name__)


class BallotBatcher(MeetingWorker):
    """Write a meeting's ballots from all its phones in batches, then answer each phone.

    While one batch is being written, the ballots that arrive meanwhile queue up and go
    together in the next one. Each phone is answered only after its batch committed.
    """

    MAX_BATCH = 500

    def __init__(self, meeting_id: int) -> None:
        self.pending: list[tuple[int, Any, asyncio.Future[Any]]] = []
        self.wake = asyncio.Event()
        super().__init__(meeting_id)

    async def cast(self, poll_id: int, request: Any) -> Any:
        """Queue one ballot and return its CastResult once written (or raise its error)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending.append((poll_id, request, future))
        self.wake.set()
        outcome = await future
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def busy(self) -> bool:
        return bool(self.pending)

    async def run(self) -> None:
        write = database_sync_to_async(ballots_cast)
        while True:
            if not self.pending:
                try:
                    await asyncio.wait_for(self.wake.wait(), IDLE_SECONDS)
                except TimeoutError:
                    if not self.pending:
                        return
            self.wake.clear()
            batch, self.pending = self.pending[: self.MAX_BATCH], self.pending[self.MAX_BATCH :]
            by_poll: dict[int, list[tuple[int, Any, asyncio.Future[Any]]]] = {}
            for item in batch:
                by_poll.setdefault(item[0], []).append(item)
            for poll_id, items in by_poll.items():
                try:
                    outcomes = await write(
                        poll_id=poll_id,
                        requests=[request for _p, request, _f in items],
                        meeting_id=self.meeting_id,
                    )
                except Exception as exc:
                    # Nothing of this batch was written or acknowledged; phones resend.
                    logger.exception("Writing %s ballots failed", len(items))
                    outcomes = [exc] * len(items)
                for (_p, _r, future), outcome in zip(items, outcomes, strict=True):
                    if not future.done():  # the phone may have gone meanwhile
                        future.set_result(outcome)


# A shared snapshot is used again for at most this long, even with no change seen here:
# with several processes (Redis), a change made in another may reach no screen of this
# one, so this bounds how stale a snapshot can start.
SHARED_SNAPSHOT_SECONDS = 2.0


@dataclass
class _Shared:
    changes: int
    started: float
    task: "asyncio.Task[SharedPhoneSnapshot]"


@dataclass(frozen=True)
class SharedPhoneSnapshot:
    """The shared part as JSON text without its closing brace, and the speaking read."""

    text: str
    speaking: SpeakingRead
    version: int  # the meeting's version it was built at


class SharedSnapshots:
    """The part of a phone's snapshot every phone of a meeting shares, built once for all.

    A thousand phones coming back after a Wi-Fi drop would otherwise read and count the
    whole meeting a thousand times. One build serves every phone that asks until this
    process sees the meeting change (realtime.changed: a broadcast, a tally) or
    SHARED_SNAPSHOT_SECONDS pass; phones asking while it is built wait for it. A phone
    joins its groups before it asks, so what changes after the build reaches it as an
    event. Kept as JSON text, serialised once; each phone's own part is added to it.
    """

    def __init__(self) -> None:
        self.entries: dict[tuple[int, str, str], _Shared] = {}
        self.loop: asyncio.AbstractEventLoop | None = None

    async def get(
        self, meeting_id: int, *, at_least: int = 0, code: str = ""
    ) -> SharedPhoneSnapshot:
        """Return the shared part of a meeting's phone snapshots, built once for many.

        `at_least` is the meeting's version the phone has read: a build older than that
        missed a change made in another process (whose broadcast this one has not seen
        yet), and is built again. `code` is the meeting's join code: a meeting's id can
        come again (a test database emptied, SQLite reusing the last id), its code not.
        """
        shared = await self._get(meeting_id, code)
        if shared.version < at_least:
            realtime.changed(meeting_id)
            shared = await self._get(meeting_id, code)
        return shared

    async def _get(self, meeting_id: int, code: str) -> SharedPhoneSnapshot:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            # A build belongs to the loop it ran on (a new one in each test, say).
            self.entries.clear()
            self.loop = loop
        now = loop.time()
        language = translation.get_language() or ""
        key = (meeting_id, code, language)
        changes = realtime.changes(meeting_id)
        entry = self.entries.get(key)
        if (
            entry is None
            or entry.changes != changes
            or now - entry.started > SHARED_SNAPSHOT_SECONDS
            or (entry.task.done() and (entry.task.cancelled() or entry.task.exception()))
        ):
            self._forget_old(now)
            # A fresh context: the build outlives the socket that asked for it.
            task = loop.create_task(
                self._build(meeting_id, language), context=contextvars.Context()
            )
            entry = self.entries[key] = _Shared(changes, now, task)
        # Shielded: a phone that goes away while waiting must not cancel the others' build.
        return await asyncio.shield(entry.task)

    async def _build(self, meeting_id: int, language: str) -> SharedPhoneSnapshot:
        # Off the writers' thread, as the other reads of the live meeting.
        shared = await database_sync_to_async(_build_shared, thread_sensitive=False)(
            meeting_id, language
        )
        return SharedPhoneSnapshot(
            realtime.encode(shared.snapshot)[:-1], shared.speaking, shared.snapshot["version"]
        )

    def _forget_old(self, now: float) -> None:
        if len(self.entries) > 100:
            self.entries = {
                key: entry
                for key, entry in self.entries.items()
                if now - entry.started <= SHARED_SNAPSHOT_SECONDS
            }


def _build_shared(meeting_id: int, language: str) -> meeting_selectors.PhoneShared:
    with translation.override(language or None):
        return meeting_selectors.phone_shared_snapshot(meeting_id)


SHARED_SNAPSHOTS = SharedSnapshots()
