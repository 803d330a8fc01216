"""A websocket is accepted only from a page of this site: same scheme, host and port.

Found on main: channels' AllowedHostsOriginValidator ignores port and scheme, so a page
on the same host but another port could open a socket with the visitor's cookie.
Each case goes through the full `asgi.application`.
"""

import pytest
from channels.testing import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)


async def handshake(headers: list[tuple[bytes, bytes]], scheme: str = "ws") -> bool:
    """Return whether the handshake got past the origin check (our consumer then answers)."""
    from asgi import application

    communicator = WebsocketCommunicator(application, "/ws/projector/no-such-token/", headers)
    communicator.scope["scheme"] = scheme
    connected, _code = await communicator.connect(timeout=5)
    await communicator.disconnect()
    # Past the origin check, our consumer accepts and then closes with 4403 (no such
    # projector); refused by the origin check, the handshake itself is refused.
    return connected


def h(**values: str) -> list[tuple[bytes, bytes]]:
    return [(k.replace("_", "-").encode(), v.encode()) for k, v in values.items()]


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["coprod.example", "localhost"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://forum.partner.example", "https://*.nhs.example"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.parametrize(
    ("headers", "scheme"),
    [
        (h(host="coprod.example", origin="http://coprod.example"), "ws"),
        (h(host="coprod.example:8000", origin="http://coprod.example:8000"), "ws"),
        (h(host="coprod.example", origin="https://coprod.example"), "wss"),
        (h(host="coprod.example", origin="https://coprod.example:443"), "wss"),
        # Behind a TLS proxy that says so, as SECURE_PROXY_SSL_HEADER describes.
        (
            h(host="coprod.example", origin="https://coprod.example", x_forwarded_proto="https"),
            "ws",
        ),
        (h(host="coprod.example", origin="https://forum.partner.example"), "wss"),
        (h(host="coprod.example", origin="https://board.nhs.example"), "wss"),
        (h(host="LOCALHOST:8000", origin="http://localhost:8000"), "ws"),
    ],
)
async def test_a_page_of_this_site_or_a_trusted_one_may_connect(headers, scheme):
    assert await handshake(headers, scheme)


@pytest.mark.parametrize(
    ("headers", "scheme"),
    [
        # The same host on another port: what channels' validator let through.
        (h(host="coprod.example:8000", origin="http://coprod.example:9999"), "ws"),
        (h(host="coprod.example", origin="http://coprod.example:8080"), "ws"),
        # Plain http beside https, and https claimed over a plain connection.
        (h(host="coprod.example", origin="http://coprod.example"), "wss"),
        (h(host="coprod.example", origin="https://coprod.example"), "ws"),
        (
            h(host="coprod.example", origin="https://coprod.example", x_forwarded_proto="http"),
            "wss",
        ),
        (h(host="coprod.example", origin="http://evil.example"), "ws"),
        (h(host="coprod.example", origin="http://forum.partner.example"), "ws"),
        (h(host="coprod.example", origin="https://nhs.example.evil"), "wss"),
        (h(host="coprod.example", origin="null"), "ws"),
        (h(host="coprod.example"), "ws"),
        # A Host this site does not serve.
        (h(host="evil.example", origin="http://evil.example"), "ws"),
        (h(origin="http://coprod.example"), "ws"),
    ],
)
async def test_a_page_from_anywhere_else_is_refused(headers, scheme):
    assert not await handshake(headers, scheme)
