"""SQLite writers of one process go in turn: first come, first in; never left waiting by a
transaction that ended, however it ended."""

import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction

from coprod.db.sqlite3.base import WriterQueue, writer_queue
from deliberation.models import Forum
from deliberation.selectors.meetings import one_moment
from tests import factories

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the writer queue is SQLite's (PostgreSQL locks rows)"
)


def wait_for(check, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.005)


def test_waiters_get_the_lock_in_the_order_they_came():
    queue = WriterQueue()
    assert queue.acquire(1)
    order: list[int] = []

    def writer(n: int) -> None:
        assert queue.acquire(5)
        order.append(n)
        queue.release()

    threads = []
    for n in range(8):
        thread = threading.Thread(target=writer, args=(n,))
        thread.start()
        threads.append(thread)
        wait_for(lambda n=n: len(queue._waiters) == n + 1)
    queue.release()
    for thread in threads:
        thread.join(5)

    assert order == list(range(8))


def test_a_holder_whose_thread_ended_does_not_hold_up_the_writers(monkeypatch):
    monkeypatch.setattr("coprod.db.sqlite3.base.HOLDER_CHECK_SECONDS", 0.05)
    queue = WriterQueue()
    # A thread that ends inside its transaction (never committed, rolled back or closed).
    got: list[bool] = []
    gone_first = threading.Thread(target=lambda: got.append(queue.acquire(1)))
    gone_first.start()
    gone_first.join(5)
    assert got == [True]

    # The next writer goes on at once: it does not wait at all.
    assert queue.acquire(0)
    queue.release()

    # And one already waiting when the holder's thread ends is let in too.
    holder_may_end = threading.Event()

    def hold_then_end() -> None:
        assert queue.acquire(1)
        holder_may_end.wait(5)

    holder = threading.Thread(target=hold_then_end)
    holder.start()
    wait_for(lambda: queue._owner is holder)
    waited: list[bool] = []
    waiting = threading.Thread(target=lambda: waited.append(queue.acquire(5)))
    waiting.start()
    wait_for(lambda: len(queue._waiters) == 1)
    holder_may_end.set()
    holder.join(5)
    waiting.join(5)
    assert waited == [True], "the waiter never got the lock its holder left"


def test_a_waiter_that_gives_up_leaves_the_queue_working():
    queue = WriterQueue()
    assert queue.acquire(1)
    assert queue.acquire(0.05) is False
    queue.release()

    # Nobody holds it now: the next writer gets it at once, and again after a release.
    assert queue.acquire(0)
    queue.release()
    assert queue.acquire(0)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_every_way_a_transaction_ends_lets_the_next_writer_in():
    name = str(connection.settings_dict["NAME"])
    queue = writer_queue(name)

    with transaction.atomic():
        Forum.objects.create(name="Committed", slug="committed")
    assert queue.acquire(0), "a commit left the writers' queue held"
    queue.release()

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Forum.objects.create(name="Rolled back", slug="rolled-back")
        1 / 0  # noqa: B018
    assert queue.acquire(0), "a rollback left the writers' queue held"
    queue.release()

    block = transaction.atomic()
    block.__enter__()
    Forum.objects.create(name="Never committed", slug="never-committed")
    assert not queue.acquire(0), "a transaction did not hold the writers' queue"
    connection.close()  # a connection closed mid-transaction
    assert queue.acquire(0), "a closed connection left the writers' queue held"
    queue.release()
    block.__exit__(None, None, None)
    assert list(Forum.objects.values_list("slug", flat=True)) == ["committed"]


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_many_threads_writing_at_once_all_write_and_none_is_refused():
    forum = factories.forum()
    errors: list[BaseException] = []
    started = threading.Barrier(20)

    def write(n: int) -> None:
        try:
            started.wait(5)
            with transaction.atomic():
                factories.member(forum, name=f"Writer {n}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # One writer holds the lock a while, as a long transaction would.
    with transaction.atomic():
        factories.member(forum, name="First")
        threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert forum.members.count() == 21


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_writer_past_the_timeout_gets_sqlites_own_error_and_writes_after(monkeypatch):
    queue = writer_queue(str(connection.settings_dict["NAME"]))
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.05)
    assert queue.acquire(0)  # another writer, for longer than the timeout
    try:
        with pytest.raises(OperationalError, match="database is locked"), transaction.atomic():
            Forum.objects.create(name="Too late", slug="too-late")
    finally:
        queue.release()

    with transaction.atomic():
        Forum.objects.create(name="In time", slug="in-time")
    assert list(Forum.objects.values_list("slug", flat=True)) == ["in-time"]


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_read_of_one_moment_does_not_wait_for_the_writers(monkeypatch):
    Forum.objects.create(name="Read me", slug="read-me")
    queue = writer_queue(str(connection.settings_dict["NAME"]))
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.05)
    assert queue.acquire(0)  # a writer in the middle of its transaction
    try:
        # DEFERRED (selectors.meetings.one_moment): reads, never waits in the queue.
        with one_moment():
            assert list(Forum.objects.values_list("slug", flat=True)) == ["read-me"]
    finally:
        queue.release()
