"""Limits on what one websocket, and one person's websockets, may cost a meeting.

Found on main: 2,000 messages in 2 s from one socket were all processed, and 500
sockets of one person were all accepted, slowing every other phone. Pure bookkeeping
here; the consumer decides what to say and when to close.
"""

from collections import OrderedDict
from collections.abc import Hashable


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
