"""Keep secret tokens in web addresses out of the logs.

Personal links (/i/<token>/), projector links (/p/<token>/, /ws/projector/<token>/) and
unsubscribe links (/unsubscribe/<token>/) are secrets: whoever reads one can act as
that person or see that screen. Django logs the path of every 4xx/5xx answer
("Not Found: /i/<token>/") and daphne's access log prints every path, so both go
through `redact`.
"""

import datetime
import functools
import logging
import re
from typing import Any

from daphne.access import AccessLogGenerator

# The segment after one of these prefixes is a secret.
_SECRET_PATH = re.compile(r"(/(?:i|p|ws/projector|unsubscribe)/)[^/?#\s\"']+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """Replace every secret token in the paths of a text."""
    return _SECRET_PATH.sub(lambda m: m.group(1) + REDACTED, text)


class RedactTokens(logging.Filter):
    """A logging filter that redacts secret tokens from a record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # Django's request logger also attaches the request, which some formatters print.
        if hasattr(record, "request"):
            record.request = _RedactedRequest(record.request)
        return True


class _RedactedRequest:
    """A request as a log record shows it: its path without the token."""

    def __init__(self, request: object) -> None:
        self._request = request

    def __repr__(self) -> str:
        return redact(repr(self._request))

    def __str__(self) -> str:
        return redact(str(self._request))

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._request, name)
        return redact(value) if isinstance(value, str) else value


def redact_daphne_access_log() -> None:
    """Make daphne's access log (on by default at verbosity 1) print redacted paths.

    daphne writes it straight to a stream, not through logging, so no filter sees it:
    its one writer is wrapped instead.
    """
    write_entry = AccessLogGenerator.write_entry
    if hasattr(write_entry, "__wrapped__"):  # wrapped already, below
        return

    @functools.wraps(write_entry)
    def redacted_write_entry(
        self: AccessLogGenerator,
        host: object,
        date: datetime.datetime,
        request: str,
        **kwargs: object,
    ) -> None:
        write_entry(self, host, date, redact(request), **kwargs)

    AccessLogGenerator.write_entry = redacted_write_entry
