"""A huge request body is refused with 413 before it is read, by daphne and by the app."""

import http.cookiejar
import io
import re
import socket
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from asgi import application
from deliberation.models import ProposalPhoto
from tests import factories, servers
from tests.proposals.conftest import make_proposal

HUGE = 300 * 1024 * 1024
# The daphne process under test gets small limits, so "over the limit" is cheap to send.
SMALL_LIMIT = 64 * 1024
UPLOAD_LIMIT = 2 * 1024 * 1024


# -- the ASGI middleware (any server) ----------------------------------------------------


async def call_app(
    headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> tuple[list[dict[str, Any]], int]:
    """Run the ASGI app on a POST; return what it sent and how many chunks it read."""
    sent: list[dict[str, Any]] = []
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read < len(chunks):
            read += 1
            return {
                "type": "http.request",
                "body": chunks[read - 1],
                "more_body": read < len(chunks),
            }
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await application(servers.http_scope("/", "POST", headers), receive, send)
    return sent, read


async def test_app_refuses_a_declared_length_over_the_limit_without_reading(settings):
    settings.MAX_REQUEST_BYTES = SMALL_LIMIT
    sent, read = await call_app(
        [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"314572800"),
        ],
        [b"x" * 1024] * 10,
    )
    assert read == 0
    assert sent[0]["status"] == 413
    assert b"too big to send" in sent[1]["body"]
    assert b'lang="cy"' in sent[1]["body"]


async def test_app_stops_reading_a_streamed_body_once_over_the_limit(settings):
    settings.MAX_REQUEST_BYTES = SMALL_LIMIT
    chunks = [b"x" * 16 * 1024] * 100  # 1.6 MB, no Content-Length
    sent, read = await call_app([(b"content-type", b"text/plain")], chunks)
    assert read <= SMALL_LIMIT // (16 * 1024) + 1
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [413]


# -- a real daphne process, started as `make run` starts it ------------------------------


def server_env(media: Path) -> dict[str, str]:
    """The environment of a server sharing this test's database, with small limits."""
    return servers.server_env(
        media,
        MAX_REQUEST_BYTES=str(SMALL_LIMIT),
        MAX_UPLOAD_REQUEST_BYTES=str(UPLOAD_LIMIT),
    )


@pytest.fixture
def server(transactional_db: Any, tmp_path: Path) -> Iterator[str]:
    """Start `python -m coprod.server` (what `make run` runs) on a free port."""
    port = servers.free_port()
    daphne = servers.Daphne(server_env(tmp_path / "media"), tmp_path / "daphne.log", port=port)
    daphne.start()
    try:
        daphne.ready(timeout=30)
        yield f"127.0.0.1:{port}"
    finally:
        daphne.stop()


def read_response(sock: socket.socket) -> bytes:
    """Read until the server closes the connection (or 5 s pass)."""
    sock.settimeout(5)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return data


@pytest.mark.timeout(60)
def test_daphne_refuses_a_declared_huge_body_when_only_the_headers_are_in(server):
    host, port = server.split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            b"POST /join/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: %d\r\n\r\n" % HUGE
        )
        # Not one byte of the body is sent: the answer comes from the headers alone.
        response = read_response(sock)
    assert response.startswith(b"HTTP/1.1 413 ")
    assert b"This is too big to send" in response
    assert b'lang="cy"' in response


@pytest.mark.timeout(60)
def test_daphne_cuts_off_a_chunked_body_once_over_the_limit(server):
    host, port = server.split(":")
    sent = 0
    cut_off = False
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            b"POST /join/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"%x\r\n%s\r\n" % (16384, b"a" * 16384)
        try:
            while sent < 64 * 1024 * 1024:
                sock.sendall(chunk)
                sent += 16384
        except (BrokenPipeError, ConnectionResetError):
            cut_off = True
        response = read_response(sock) if cut_off else b""
    # The server stopped taking the body long before 64 MB (socket buffers hold a few).
    assert cut_off, "the whole 64 MB chunked body was taken"
    assert sent < 16 * 1024 * 1024
    assert response == b"" or response.startswith(b"HTTP/1.1 413 ")


def small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (20, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def multipart(fields: dict[str, str], file_field: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="bus.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.timeout(60)
def test_a_normal_photo_upload_still_works_through_daphne(server):
    forum = factories.forum()
    author = factories.member(forum, "lived_experience", name="Alice")
    proposal = make_proposal(forum, author)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://{server}"
    # Sign in as the person does: open their link and press "Yes, this is me" (a POST).
    link = base + reverse("deliberation:invite", args=[author.invite_token])
    found = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', opener.open(link).read().decode()
    )
    assert found is not None
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": found.group(1), "next": "proposals"})
    opener.open(urllib.request.Request(link, data=form.encode(), headers={"Referer": link})).read()
    page = base + reverse("deliberation:proposal", args=[forum.slug, proposal.pk])
    html = opener.open(page).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    body, content_type = multipart(
        {"csrfmiddlewaretoken": token.group(1), "photo_description": "Our bus stop"},
        "photo",
        small_jpeg() + b"\0" * (SMALL_LIMIT * 2),  # bigger than a words-only form may be
    )
    request = urllib.request.Request(
        base + reverse("deliberation:proposal_action", args=[forum.slug, proposal.pk, "photo"]),
        data=body,
        headers={"Content-Type": content_type, "Referer": page},
    )
    with opener.open(request) as response:
        assert response.status == 200
    assert ProposalPhoto.objects.filter(proposal=proposal).count() == 1


def test_settings_fit_the_largest_form_with_photos():
    assert settings.MAX_UPLOAD_REQUEST_BYTES > 4 * settings.PROPOSAL_PHOTO_MAX_BYTES
    assert settings.MAX_REQUEST_BYTES < settings.MAX_UPLOAD_REQUEST_BYTES
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.MAX_REQUEST_BYTES
