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
import os
import threading
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class WriterQueue:
    """A lock handed to its waiters in the order they came (first in, first out)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: collections.deque[threading.Lock] = collections.deque()

    def acquire(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the lock; say whether it was taken."""
        with self._mutex:
            if not self._held and not self._waiters:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=timeout):
            return True  # handed over by release()
        with self._mutex:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
                return False
        return True  # handed over between the timeout and this check

    def release(self) -> None:
        """Hand the lock to the longest waiter, or free it."""
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False


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
        try:
            super()._commit()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._leave_queue()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._leave_queue()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._leave_queue()
