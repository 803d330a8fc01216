"""Limits on what one websocket, and one person's websockets, may cost a meeting.

Found on main: 2,000 messages in 2 s from one socket were all processed, and 500
sockets of one person were all accepted, slowing every other phone. The buckets and
the registry are bookkeeping; the consumer decides what to say and when to close.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Hashable
from http.cookies import CookieError, SimpleCookie
from typing import Any

from django.conf import settings

# The close code of a person or session connecting too often (the consumer uses it too).
CLOSE_TOO_MANY_CONNECTS = 4429


class TokenBucket:
    """Allow a burst of `burst` messages, then `rate` a second on average."""

    def __init__(self, burst: int, rate: float, now: float) -> None:
        self.burst = burst
        self.rate = rate
        self.tokens = float(burst)
        self.stamp = now

    def take(self, now: float) -> bool:
        """Spend one token if there is one; say whether the message may go ahead."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def full(self) -> bool:
        return self.tokens >= self.burst - 1


class OpenSockets:
    """The open sockets of each person in each meeting, oldest first, in this process.

    Per process: with several daphne processes a person may hold this many in each.
    That still bounds the cost, and needs no shared store on every connect.
    """

    def __init__(self) -> None:
        self._open: dict[Hashable, OrderedDict[str, None]] = {}
        # One bucket per person and meeting seen by this process; small, and kept so a
        # person cannot reset their limit by closing every socket.
        self._connects: dict[Hashable, TokenBucket] = {}
        self._messages: dict[Hashable, TokenBucket] = {}

    def clear(self) -> None:
        """Forget everything (tests reuse ids between tests)."""
        self._open.clear()
        self._connects.clear()
        self._messages.clear()

    def messages(self, key: Hashable, now: float, burst: int, rate: float) -> TokenBucket:
        """Return the message bucket this person's sockets in this meeting share.

        Shared, so a flooder gains nothing by closing a socket and opening a new one.
        """
        bucket = self._messages.get(key)
        if bucket is None:
            bucket = self._messages[key] = TokenBucket(burst, rate, now)
        return bucket

    def may_connect(self, key: Hashable, now: float, burst: int, rate: float) -> bool:
        """Spend one of this person's connects; say whether this one may go ahead."""
        bucket = self._connects.get(key)
        if bucket is None:
            bucket = self._connects[key] = TokenBucket(burst, rate, now)
        return bucket.take(now)

    def add(self, key: Hashable, channel_name: str, limit: int) -> list[str]:
        """Note a new socket; return the oldest ones to close so at most `limit` stay open."""
        sockets = self._open.setdefault(key, OrderedDict())
        sockets[channel_name] = None
        excess = []
        while len(sockets) > limit:
            oldest, _none = sockets.popitem(last=False)
            excess.append(oldest)
        return excess

    def remove(self, key: Hashable, channel_name: str) -> None:
        """Forget a closed socket."""
        sockets = self._open.get(key)
        if sockets is None:
            return
        sockets.pop(channel_name, None)
        if not sockets:
            del self._open[key]

    def count(self, key: Hashable) -> int:
        return len(self._open.get(key, ()))


class SessionConnectThrottle:
    """ASGI middleware: refuse a session that opens sockets in a loop, before any query.

    The consumer limits connects per person too, but only after loading the session and
    working out who is connecting; here a session reconnecting in a loop is turned away
    by its cookie alone, so the loop costs the database nothing.
    """

    MAX_TRACKED = 20_000

    def __init__(self, app: Any) -> None:
        self.app = app
        self.buckets: dict[str, TokenBucket] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            cookie = _cookie(scope, settings.SESSION_COOKIE_NAME)
            if cookie and not self._take(cookie, asyncio.get_running_loop().time()):
                await receive()  # the websocket.connect
                # Accepted, then closed: a refused handshake reaches a browser as a bare 1006.
                await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": CLOSE_TOO_MANY_CONNECTS})
                return None
        return await self.app(scope, receive, send)

    def _take(self, key: str, now: float) -> bool:
        burst, rate = settings.WS_CONNECT_BURST, settings.WS_CONNECT_PER_SECOND
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= self.MAX_TRACKED:
                # Made-up cookies must not grow this without end: forget the idle ones.
                self.buckets = {
                    k: b
                    for k, b in self.buckets.items()
                    if b.tokens + (now - b.stamp) * rate < burst
                }
            bucket = self.buckets[key] = TokenBucket(burst, rate, now)
        return bucket.take(now)


def _cookie(scope: dict[str, Any], name: str) -> str | None:
    for header, value in scope.get("headers", []):
        if header.lower() == b"cookie":
            cookies = SimpleCookie()
            try:
                cookies.load(value.decode("latin-1"))
            except CookieError:
                return None
            if name in cookies:
                return cookies[name].value
    return None
