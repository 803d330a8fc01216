"""coprod's HTTP handler: one thread per request, kept for the next, and nothing lost on the way.

Through the real middleware, as daphne calls it (ASGI messages), with test views that
note the thread they ran on.
"""

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core import signals
from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from coprod.handler import THREADS, OneThreadASGIHandler
from tests import servers

pytestmark = pytest.mark.django_db(transaction=True)

SEEN: list[tuple[str, int]] = []
RELEASE = threading.Event()
IN_VIEW = threading.Event()


def note(what: str) -> None:
    SEEN.append((what, threading.get_ident()))


def plain(request: HttpRequest) -> HttpResponse:
    note("view")
    connection.ensure_connection()
    return HttpResponse(f"connection {id(connection.connection)}")


def slow(request: HttpRequest) -> HttpResponse:
    note("view")
    IN_VIEW.set()
    assert RELEASE.wait(10), "the test never let the view finish"
    note("view done")
    return HttpResponse("late")


def broken(request: HttpRequest) -> HttpResponse:
    note("view")
    raise RuntimeError("a bug in a view")


def streamed(request: HttpRequest) -> StreamingHttpResponse:
    def parts() -> Iterator[bytes]:
        for n in range(3):
            note(f"part {n}")
            yield f"part {n};".encode()

    note("view")
    return StreamingHttpResponse(parts())


@csrf_exempt
def echo(request: HttpRequest) -> HttpResponse:
    note("view")
    return HttpResponse(f"{len(request.body)} bytes")


urlpatterns = [
    path("echo/", echo),
    path("plain/", plain),
    path("slow/", slow),
    path("broken/", broken),
    path("streamed/", streamed),
]


@pytest.fixture
def handler(settings: Any) -> Iterator[OneThreadASGIHandler]:
    settings.ROOT_URLCONF = __name__
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    THREADS.close_idle()  # none kept from tests before
    SEEN.clear()
    RELEASE.clear()
    IN_VIEW.clear()

    def started(**kwargs: Any) -> None:
        note("request_started")

    def finished(**kwargs: Any) -> None:
        note("request_finished")

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield OneThreadASGIHandler()
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)
    RELEASE.set()
    THREADS.close_idle()


async def get(app: OneThreadASGIHandler, url: str) -> tuple[int, bytes]:
    """Send one GET as daphne would and return the status and whole body."""
    talk = ApplicationCommunicator(app, servers.http_scope(url))
    await talk.send_input({"type": "http.request", "body": b""})
    start = await talk.receive_output(10)
    body = b""
    while True:
        message = await talk.receive_output(10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await talk.wait(10)
    return start["status"], body


def threads_of(what: str) -> list[int]:
    return [thread for name, thread in SEEN if name == what]


async def test_a_request_runs_its_signals_and_view_on_one_thread_kept_for_the_next(handler):
    first = await get(handler, "/plain/")
    second = await get(handler, "/plain/")

    assert first[0] == second[0] == 200
    names = [name for name, _ in SEEN]
    assert names == ["request_started", "view", "request_finished"] * 2
    # One thread did all of both requests (one after the other: the kept thread).
    assert len({thread for _, thread in SEEN}) == 1
    assert threading.get_ident() not in {thread for _, thread in SEEN}
    if connection.settings_dict["CONN_MAX_AGE"]:
        # SQLite keeps a connection per thread: the second request used the first's.
        assert first[1] == second[1]


async def test_requests_at_once_each_have_a_thread_and_none_waits_for_another(handler):
    slow_one = asyncio.ensure_future(get(handler, "/slow/"))
    assert await asyncio.to_thread(IN_VIEW.wait, 10)

    # While one view is busy, others are answered.
    answers = await asyncio.gather(*(get(handler, "/plain/") for _ in range(3)))

    assert [status for status, _ in answers] == [200, 200, 200]
    assert not slow_one.done()
    RELEASE.set()
    assert await slow_one == (200, b"late")
    slow_thread = threads_of("view done")[0]
    assert slow_thread not in threads_of("view")[1:]


async def test_a_client_gone_mid_view_leaves_the_thread_to_finish_before_it_is_lent_again(handler):
    talk = ApplicationCommunicator(handler, servers.http_scope("/slow/"))
    await talk.send_input({"type": "http.request", "body": b""})
    assert await asyncio.to_thread(IN_VIEW.wait, 10)
    await talk.send_input({"type": "http.disconnect"})
    [slow_thread] = threads_of("view")

    # The next requests do not queue behind the unfinished view.
    assert (await get(handler, "/plain/"))[0] == 200
    assert (await get(handler, "/plain/"))[0] == 200
    assert slow_thread not in threads_of("view")[1:]

    RELEASE.set()
    await talk.wait(10)
    # The view finished, then its request was closed on its own thread; nothing was sent.
    ordered = [name for name, thread in SEEN if thread == slow_thread]
    assert ordered == ["request_started", "view", "view done", "request_finished"]
    assert await talk.receive_nothing()


async def test_a_view_that_fails_gives_the_error_page_and_the_next_request_is_served(handler):
    status, _ = await get(handler, "/broken/")

    assert status == 500
    assert (await get(handler, "/plain/"))[0] == 200
    assert len({thread for _, thread in SEEN}) == 1


async def test_a_streamed_response_is_sent_whole_then_closed_on_its_thread(handler):
    status, body = await get(handler, "/streamed/")

    assert (status, body) == (200, b"part 0;part 1;part 2;")
    names = [name for name, _ in SEEN]
    assert names == [
        "request_started",
        "view",
        "part 0",
        "part 1",
        "part 2",
        "request_finished",
    ]
    [view_thread] = threads_of("view")
    assert threads_of("request_finished") == [view_thread]


async def test_a_slow_sender_holds_no_thread_until_its_body_is_in(handler):
    await get(handler, "/plain/")
    assert len(THREADS.idle) == 1
    kept = THREADS.idle[0]

    talk = ApplicationCommunicator(handler, servers.http_scope("/echo/", "POST"))
    await talk.send_input({"type": "http.request", "body": b"x" * 1000, "more_body": True})
    await asyncio.sleep(0.2)
    assert THREADS.idle == [kept], "a request took a thread before its body arrived"

    await talk.send_input({"type": "http.request", "body": b"y" * 24, "more_body": False})
    start = await talk.receive_output(10)
    body = await talk.receive_output(10)
    await talk.wait(10)
    assert (start["status"], body["body"]) == (200, b"1024 bytes")
    assert THREADS.idle == [kept]
