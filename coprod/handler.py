"""Django's ASGI handler, with each request served in one crossing to a kept thread.

Every coprod view is synchronous, and so are most of Django's middleware. In its async
mode Django runs each such middleware's `process_request` and `process_response`
through `sync_to_async`, a sync-only middleware (WhiteNoise) splits the chain, the
request signals cross once more each, and every request starts (and stops) a thread of
its own. One page crossed between the event loop and a thread about twenty times: with
1,000 phones joining a meeting (bench/joins.py) those crossings and thread starts took
more of daphne's CPU than the pages did.

Here a request borrows one thread, runs `request_started`, the whole middleware chain
(built in Django's sync mode), the view and, for a response already in memory,
`request_finished`, there in one crossing, and gives the thread back for the next
request. The thread keeps its database connection between requests (`CONN_MAX_AGE`);
`request_started` and `request_finished` close it there when it is worn out or broken,
as they would in a WSGI server's thread. A streaming response is closed after it is
sent, on the same thread.
"""

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import IO, Any

import django
from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import connections
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.urls import set_script_prefix

# Idle request threads kept for the next requests; more are started while more
# requests are in the view at once, and those beyond this many stop when done.
KEEP_IDLE_THREADS = 32


class RequestThreads:
    """Single-thread executors, each lent to one request at a time and kept for the next."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.idle: list[ThreadPoolExecutor] = []
        self.lock = threading.Lock()

    def borrow(self) -> ThreadPoolExecutor:
        with self.lock:
            if self.idle:
                # The most recently used: its connection is the least likely to be worn out.
                return self.idle.pop()
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="coprod-request")

    def give_back(self, executor: ThreadPoolExecutor) -> None:
        """Keep an executor whose thread has finished the request's work."""
        with self.lock:
            if len(self.idle) < self.keep:
                self.idle.append(executor)
                return
        self._retire(executor)

    def give_back_when_idle(self, executor: ThreadPoolExecutor) -> None:
        """Keep an executor whose thread may still be in a view (its request was cancelled)."""
        loop = asyncio.get_running_loop()

        def back(_: object) -> None:
            try:
                loop.call_soon_threadsafe(self.give_back, executor)
            except RuntimeError:  # the loop has stopped: the server is going
                self._retire(executor)

        executor.submit(lambda: None).add_done_callback(back)

    def close_idle(self) -> None:
        """Stop every idle thread, closing its database connections first."""
        with self.lock:
            idle, self.idle = self.idle, []
        for executor in idle:
            self._retire(executor)
            executor.shutdown(wait=True)

    def forget(self) -> None:
        """In a forked child: the parent's threads were not copied, so none is idle here."""
        self.idle = []
        self.lock = threading.Lock()

    @staticmethod
    def _retire(executor: ThreadPoolExecutor) -> None:
        executor.submit(connections.close_all)
        executor.shutdown(wait=False)


THREADS = RequestThreads(KEEP_IDLE_THREADS)
os.register_at_fork(after_in_child=THREADS.forget)


class _Served(Exception):
    """The response went out: stop listening for the client going away."""


class OneThreadASGIHandler(ASGIHandler):
    """Serve HTTP over ASGI, running each request's sync stack in one borrowed thread."""

    def load_middleware(self, is_async: bool = False) -> None:
        # The sync chain, whatever ASGIHandler asks for: it is only called in a thread.
        super().load_middleware(is_async=False)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        with closing(body_file):
            # A thread only once the whole body is in: a slow sender holds none.
            executor = THREADS.borrow()
            try:
                await self._handle(scope, receive, send, body_file, executor)
            except BaseException:
                THREADS.give_back_when_idle(executor)
                raise
            THREADS.give_back(executor)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        """Run the sync chain in a thread (for callers of Django's async API)."""
        response: HttpResponseBase = await sync_to_async(self.get_response)(request)
        return response

    async def _handle(
        self,
        scope: dict[str, Any],
        receive: Any,
        send: Any,
        body_file: IO[bytes],
        executor: ThreadPoolExecutor,
    ) -> None:
        def in_thread(func: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
            return sync_to_async(func, thread_sensitive=False, executor=executor)

        set_script_prefix(get_script_prefix(scope))
        response: HttpResponseBase | None = None
        made: list[HttpResponseBase] = []
        try:
            try:
                # As Django's handler: a client gone before the response is sent
                # stops the wait (its view still finishes in the thread).
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(self.listen_for_disconnect(receive))
                    response = await in_thread(self._respond)(scope, body_file, made)
                    await self.send_response(response, send)
                    raise _Served
            except* (_Served, RequestAborted):
                pass
        except BaseExceptionGroup as group:
            if len(group.exceptions) == 1:
                raise group.exceptions[0] from None
            raise
        if response is None:
            # The client went away first. This waits for the view, if it is still
            # running (the same thread), then closes what it made.
            await in_thread(self._close_unsent)(made)
        elif response.streaming:
            await in_thread(response.close)()

    def _close_unsent(self, made: list[HttpResponseBase]) -> None:
        if not made:
            signals.request_finished.send(sender=self.__class__)
        elif made[0].streaming:
            made[0].close()
        # Otherwise _respond closed it already.

    def _respond(
        self, scope: dict[str, Any], body_file: IO[bytes], made: list[HttpResponseBase]
    ) -> HttpResponseBase:
        """Make the request and its response, in the request's thread."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        assert response is not None
        made.append(response)
        if not response.streaming:
            # Its content is already in memory: request_finished (which closes a worn
            # connection) runs here, in the thread that used the connection.
            response.close()
        return response


def get_asgi_application() -> OneThreadASGIHandler:
    """Set Django up and return the HTTP handler (as django.core.asgi does)."""
    django.setup(set_prefix=False)
    return OneThreadASGIHandler()
