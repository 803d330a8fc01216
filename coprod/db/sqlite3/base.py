"""Django's SQLite backend, with the process's writers let in one after another.

Every transaction here starts with BEGIN IMMEDIATE, which takes SQLite's write lock. A
writer that finds the lock taken is not told when it is free: SQLite's busy handler
sleeps and tries again, waiting up to 100 ms between tries, so under many writers some
keep losing. With 1,000 phones joining 50 at a time, the join's POST had p50 0.27 s and
p95 3.0 s, max 8.7 s (bench/joins.py). Here the threads of one process wait in a queue
of their own before BEGIN IMMEDIATE and are woken in turn when the writer before them
commits or rolls back; SQLite's own lock still guards against other processes (the task
worker, `manage.py`), with its busy timeout.
"""

import collections
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)


class WriterQueue:
    """A lock handed to its waiters in the order they came (first in, first out).

    A holder is a thread inside a transaction, which Django ends (commit, rollback or
    close) before the thread goes on. Should a thread end without that, SQLite frees its
    lock once the connection goes; so does this queue: the next writer to look finds the
    holder gone and passes its place on, rather than waiting for a release that will
    never come.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._owner: threading.Thread | None = None
        self._waiters: collections.deque[threading.Lock] = collections.deque()

    def acquire(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the lock; say whether it was taken."""
        me = threading.current_thread()
        deadline = time.monotonic() + timeout
        with self._mutex:
            self._free_if_holder_gone()
            if not self._held and not self._waiters:
                self._held, self._owner = True, me
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        while True:
            wait = min(max(0.0, deadline - time.monotonic()), HOLDER_CHECK_SECONDS)
            handed = waiter.acquire(timeout=wait)
            with self._mutex:
                if not handed and waiter in self._waiters:
                    self._free_if_holder_gone()
                if waiter not in self._waiters:  # handed over by release()
                    self._owner = me
                    return True
                if time.monotonic() >= deadline:
                    self._waiters.remove(waiter)
                    return False

    def release(self) -> None:
        """Hand the lock to the longest waiter, or free it."""
        with self._mutex:
            self._release()

    def _release(self) -> None:
        self._owner = None
        if self._waiters:
            self._waiters.popleft().release()
        else:
            self._held = False

    def _free_if_holder_gone(self) -> None:
        owner = self._owner
        if self._held and owner is not None and not owner.is_alive():
            logger.warning(
                "Thread %s ended inside a database transaction; the next writer goes on",
                owner.name,
            )
            self._release()


# How often a waiting writer looks whether the holder's thread still runs.
HOLDER_CHECK_SECONDS = 1.0


# One queue per database file in this process.
_QUEUES: dict[str, WriterQueue] = {}
_QUEUES_LOCK = threading.Lock()


def _forget_queues() -> None:
    # A forked child: the parent's waiting threads were not copied.
    global _QUEUES_LOCK
    _QUEUES.clear()
    _QUEUES_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_forget_queues)


def writer_queue(name: str) -> WriterQueue:
    """Return this process's queue of writers to the database file `name`."""
    with _QUEUES_LOCK:
        queue = _QUEUES.get(name)
        if queue is None:
            queue = _QUEUES[name] = WriterQueue()
        return queue


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite, whose transactions wait in this process's writer queue before beginning.

    The methods overridden are Django's own hooks for a backend (not in django-stubs).
    """

    transaction_mode: str | None  # set by Django's SQLite backend from OPTIONS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue_held: WriterQueue | None = None

    def _start_transaction_under_autocommit(self) -> None:
        if self.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE"):
            # A DEFERRED transaction reads from one snapshot and takes no lock until it
            # writes (selectors.meetings.one_moment): it does not wait for the writers.
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in django-stubs
            return
        queue = writer_queue(str(self.settings_dict["NAME"]))
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        if not queue.acquire(timeout):
            raise OperationalError("database is locked")
        self._queue_held = queue
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in django-stubs
        except BaseException:
            self._leave_queue()
            raise

    def _leave_queue(self) -> None:
        queue, self._queue_held = self._queue_held, None
        if queue is not None:
            queue.release()

    def _commit(self) -> None:
        self._end(super()._commit)  # type: ignore[misc]  # private in django-stubs

    def _rollback(self) -> None:
        self._end(super()._rollback)  # type: ignore[misc]  # private in django-stubs

    def _close(self) -> None:
        self._end(super()._close)  # type: ignore[misc]  # private in django-stubs

    def _end(self, end: Callable[[], None]) -> None:
        """End the transaction (commit, roll back or close), then let the next writer in."""
        try:
            end()
        finally:
            self._leave_queue()
