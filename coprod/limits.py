"""Request size limits: a body over the limit gets 413 before it is read.

Two layers use the same limits (settings.MAX_REQUEST_BYTES, and the larger
MAX_UPLOAD_REQUEST_BYTES for forms with photos): `BodyLimit`, ASGI middleware that
protects the app under any server, and `coprod.server`, which makes daphne refuse
such a request as its headers or its body arrive, before daphne buffers it.
"""

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from functools import cache
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATUS = 413
REASON = b"Content Too Large"


def body_limit(content_type: bytes | None) -> int:
    """Return the largest body allowed for a request with this Content-Type."""
    kind = (content_type or b"").split(b";", 1)[0].strip().lower()
    if kind == b"multipart/form-data":
        return int(settings.MAX_UPLOAD_REQUEST_BYTES)
    return int(settings.MAX_REQUEST_BYTES)


def declared_length(value: bytes | None) -> int | None:
    """Return a Content-Length header's number, or None when it is missing or not one."""
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


@cache
def too_big_page() -> bytes:
    """Return the 413 page: the same plain words in English and in Welsh."""
    titles = []
    sections = []
    for language in ("en", "cy"):
        with translation.override(language):
            title = escape(_("Too big to send"))
            words = escape(
                _("This is too big to send. Please use a smaller photo, or fewer words.")
            )
        titles.append(title)
        sections.append(f'<section lang="{language}"><h1>{title}</h1><p>{words}</p></section>')
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{' / '.join(titles)}</title></head><body>{''.join(sections)}</body></html>"
    ).encode()


def too_big_headers() -> list[tuple[bytes, bytes]]:
    """Return the headers of the 413 page; the connection closes after it."""
    return [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(too_big_page())).encode()),
        (b"connection", b"close"),
    ]


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


async def send_too_big(send: Send) -> None:
    """Send the 413 page through ASGI."""
    await send({"type": "http.response.start", "status": STATUS, "headers": too_big_headers()})
    await send({"type": "http.response.body", "body": too_big_page()})


class BodyLimit:
    """ASGI middleware: answer 413 to an HTTP request whose body is over the limit.

    A Content-Length over the limit is refused before any of the body is read. A body
    without one is counted as it streams; once past the limit the app is told the
    client left (Django then stops reading) and the client gets the 413 page.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        limit = body_limit(_header(headers, b"content-type"))
        length = declared_length(_header(headers, b"content-length"))
        if length is not None and length > limit:
            await send_too_big(send)
            return
        received = 0
        over = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, watched_send)
        if over and not started:
            await send_too_big(send)
