"""Accept a websocket only from a page of this site, by scheme, host and port.

Channels' AllowedHostsOriginValidator compares only the Origin's host with
ALLOWED_HOSTS, so a page served by anything else on the same host (another port, or
plain http beside https) could open a socket with the visitor's session cookie. Here
the Origin must equal the site's own origin, worked out as Django does for HTTP (the
Host header, the connection's scheme or the TLS proxy's header named in
SECURE_PROXY_SSL_HEADER), or be listed in CSRF_TRUSTED_ORIGINS.
"""

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers", [])
    }


def _allowed_hosts() -> list[str]:
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        # As Django's HttpRequest.get_host does in development.
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return allowed


def _scheme(scope: dict[str, Any], headers: dict[str, str]) -> str:
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        name, secure_value = proxy
        header = name.removeprefix("HTTP_").replace("_", "-").lower()
        if header in headers:
            # As Django's HttpRequest.is_secure: the first value the proxy set.
            return "https" if headers[header].split(",")[0].strip() == secure_value else "http"
    return "https" if scope.get("scheme") in ("wss", "https") else "http"


def _host(headers: dict[str, str]) -> str | None:
    if settings.USE_X_FORWARDED_HOST and "x-forwarded-host" in headers:
        return headers["x-forwarded-host"].split(",")[-1].strip()
    return headers.get("host")


def own_origin(scope: dict[str, Any]) -> tuple[str, str, int] | None:
    """Return the site's (scheme, host, port) for this connection, or None for a bad Host."""
    headers = _headers(scope)
    host = _host(headers)
    if not host:
        return None
    domain, port = split_domain_port(host)
    if not domain or not validate_host(domain, _allowed_hosts()):
        return None
    scheme = _scheme(scope, headers)
    if settings.USE_X_FORWARDED_PORT and "x-forwarded-port" in headers:
        port = headers["x-forwarded-port"]
    try:
        number = int(port) if port else DEFAULT_PORTS[scheme]
    except ValueError:
        return None
    return scheme, domain.strip("[]"), number


def _parse(origin: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def _trusted(origin: str, parsed: tuple[str, str, int]) -> bool:
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        if "*" in entry:
            # "https://*.example.com" trusts subdomains, as Django's CSRF check does.
            scheme, _sep, pattern = entry.partition("://")
            suffix = pattern.removeprefix("*")
            netloc = origin.partition("://")[2]
            if parsed[0] == scheme and netloc.lower().endswith(suffix.lower()):
                return True
        elif _parse(entry) == parsed:
            return True
    return False


def origin_allowed(scope: dict[str, Any]) -> bool:
    """Say whether a websocket's Origin is this site's own or a trusted one."""
    origin = _headers(scope).get("origin")
    if not origin:
        return False
    parsed = _parse(origin.strip())
    if parsed is None:
        return False
    own = own_origin(scope)
    if own is not None and parsed == (own[0], own[1].lower(), own[2]):
        return True
    return _trusted(origin.strip(), parsed)


class SameOriginValidator:
    """ASGI middleware: refuse the handshake of a websocket from another origin."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            # A bare refusal: the page asking is not ours, so it gets no message.
            return await WebsocketDenier()(scope, receive, send)
        return await self.app(scope, receive, send)
