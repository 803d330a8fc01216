"""Rate limits on the doors people guess at: join codes, personal links, sign-in, guests.

One decorator, `throttle(*rules)`, is used by every view it protects. Counts live in
Django's cache (local memory for one process, Redis with REDIS_URL, so several daphne
processes share them), in a window that starts at a key's first counted request. A
client over a limit gets a plain page (or JSON) with HTTP 429 and Retry-After, for
every try, right or wrong, so a guesser learns nothing more until the window ends.

The client is `REMOTE_ADDR`. Behind a reverse proxy, run daphne with `--proxy-headers`
so that it is the address the proxy saw (README: "Behind a proxy"); otherwise every
phone would share the proxy's address.
"""

import functools
import hashlib
import ipaddress
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from deliberation.forms.base import normalise_code

logger = logging.getLogger(__name__)

# Set on a request by a view whose try failed (an unknown code, say), for rules that
# count only failures.
_FAILED = "_throttle_failed"

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
KeyFunction = Callable[[HttpRequest, dict[str, Any]], str | None]
CountFunction = Callable[[HttpRequest, HttpResponseBase], bool]


def client(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    """Key a request by its client address; IPv6 by its /64, which one household holds."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def failed(request: HttpRequest) -> None:
    """Mark this request's try as failed, for rules that count only failures."""
    setattr(request, _FAILED, True)


def is_failure(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Say whether a guess failed: the view said so, or nothing was found (404).

    Other mistakes (a name already taken, a form half filled in) are not guesses.
    """
    return bool(getattr(request, _FAILED, False)) or response.status_code == 404


def is_post(request: HttpRequest, response: HttpResponseBase) -> bool:
    return request.method == "POST"


def always(request: HttpRequest, response: HttpResponseBase) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """At most `limit` counted requests per `seconds` for each key."""

    name: str
    limit: int
    seconds: int
    key: KeyFunction = client
    counts: CountFunction = always


def _cache_key(rule: Rule, key: str) -> str:
    # Hashed: keys hold addresses and codes, which need not sit in Redis in clear.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"throttle:{rule.name}:{digest}"


def _over(rule: Rule, key: str) -> int:
    """Return the seconds to wait if this key is over its limit, else 0."""
    name = _cache_key(rule, key)
    values = cache.get_many([name, name + ":until"])
    if values.get(name, 0) < rule.limit:
        return 0
    until = values.get(name + ":until", time.time() + rule.seconds)
    return max(1, int(until - time.time()))


def _count(rule: Rule, key: str) -> None:
    """Count one request; a key's window starts at its first counted request."""
    name = _cache_key(rule, key)
    # add() then incr() is atomic in Redis and in local memory, so processes never lose a count.
    if cache.add(name, 1, timeout=rule.seconds):
        cache.set(name + ":until", time.time() + rule.seconds, timeout=rule.seconds)
        return
    try:
        cache.incr(name)
    except ValueError:  # expired between the two calls: start a new window
        _count(rule, key)


def too_many(request: HttpRequest, wait: int, *, as_json: bool = False) -> HttpResponse:
    """Answer a client over a limit: HTTP 429 with Retry-After, in plain words."""
    message = _("Too many tries. Please wait a minute.")
    response: HttpResponse
    if as_json:
        response = JsonResponse({"error": message}, status=429)
    else:
        response = render(request, "deliberation/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = str(max(1, wait))
    return response


def _count_all(
    keys: list[tuple[Rule, str | None]], request: HttpRequest, response: HttpResponseBase
) -> None:
    try:
        for rule, key in keys:
            if key is not None and rule.counts(request, response):
                _count(rule, key)
    except RedisError:
        logger.warning("Rate limits are off: the cache cannot be reached")


def throttle(*rules: Rule, as_json: bool = False) -> Callable[[View], View]:
    """Refuse a client over any of these limits; count its requests the rules count."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            keys = [(rule, rule.key(request, kwargs)) for rule in rules]
            try:
                wait = max((_over(rule, key) for rule, key in keys if key is not None), default=0)
            except RedisError:
                # A cache outage must not lock everyone out of a meeting: let them in.
                logger.warning("Rate limits are off: the cache cannot be reached")
                return view(request, *args, **kwargs)
            if wait:
                return too_many(request, wait, as_json=as_json)
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                # get_object_or_404 answers outside the view: count it as the 404 it becomes.
                _count_all(keys, request, HttpResponseNotFound())
                raise
            _count_all(keys, request, response)
            return response

        return cast(View, wrapper)

    return decorate


def by_code(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    """Key a request by the meeting code in its address."""
    code = kwargs.get("code")
    return normalise_code(str(code)) if code else None


# The numbers. A meeting's code is on the projector, and a whole room may join from one
# wifi address within a minute, so per-client limits on codes count only FAILED tries:
# 60 honest people who typed the code right are never counted. A person mistyping the
# code tries 2 or 3 times; 20 failures in 10 minutes from one address is a guesser
# (a 27-bit code then takes years to find, not hours). Guests are limited per meeting
# code: a room rarely has more than 40 new people arriving in one minute, and the
# facilitator lets each one in by hand, so 40 a minute is plenty and a flood of fake
# guests stops at 40. Per client, 60 guest requests a minute allows a room on one wifi.
JOIN_CODE_FAILURES = Rule("join-code-failures", 20, 600, client, is_failure)
JOIN_CODE_TRIES = Rule("join-code", 300, 60, by_code, is_post)
GUESTS_PER_CODE = Rule("guests-code", 40, 60, by_code, is_post)
GUESTS_PER_CLIENT = Rule("guests-client", 60, 60, client, is_post)
# Personal links are 144-bit tokens, so only failures count: a room of people scanning
# their cards is never stopped, and 20 wrong links in 10 minutes is nobody's mistake.
INVITE_FAILURES = Rule("invite-failures", 20, 600, client, is_failure)
# Failed sign-ins (the form shown again) per address: 10 in 10 minutes.
LOGIN_FAILURES = Rule(
    "login-failures",
    10,
    600,
    client,
    lambda request, response: request.method == "POST" and response.status_code == 200,
)


def by_writer(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    """Key a request by the signed-in user or the browser's session, else its address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    session_key = request.session.session_key
    return f"session:{session_key}" if session_key else f"client:{client(request, kwargs)}"


# The easy-read check runs as someone types, at most once per pause (easyread.js waits
# for a pause of typing): 120 a minute is more than anyone types; a script is stopped.
EASYREAD_CHECKS = Rule("easyread-check", 120, 60, by_writer)
EASYREAD_CHECKS_PER_CLIENT = Rule("easyread-check-client", 600, 60, client)
# Hands up and cards from a phone without JavaScript, per phone (its session): a person
# puts a hand up or down or shows a card a few times a meeting, so 30 presses a minute
# is far more than anyone makes; a flood stops there and writes no more audit events.
# Keyed by session, not by address, so a room on one wifi never shares one limit.
EQUALS_PRESSES = Rule("equals-presses", 30, 60, by_writer, is_post)
# Telling the facilitators about a comment, per person: someone may report a few
# comments in a day; 10 in 10 minutes is a flood, and each report writes an event.
COMMENT_REPORTS = Rule("comment-reports", 10, 600, by_writer, is_post)
