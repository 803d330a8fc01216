"""The live meeting: what runs for a meeting while it happens, above the services.

Broadcasting (realtime.py) knows no service; the ballot batcher here calls one.
"""

import asyncio
import logging
from typing import Any

from channels.db import database_sync_to_async

from deliberation.realtime import IDLE_SECONDS, MeetingWorker
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
