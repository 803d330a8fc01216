"""Several daphne processes serve one meeting, for real: two of them, then nginx in front.

Runs in the PostgreSQL + Redis half of `make test` (the processes share the database and
Redis; the in-memory layer of the embedded run cannot cross processes). The first test
shows that each process's own tally coalescer is enough: screens on both processes end
on the exact final count and never show an older count after a newer one. The second
runs deploy/nginx.conf (the file README shows) in front of two daphnes, joins phones
through it, kills one daphne mid-burst and checks that no acknowledged ballot is lost
and that every phone ends on the exact count through the survivor.
"""

import asyncio
import http.cookiejar
import json
import logging
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from deliberation import protocol
from deliberation.models import Ballot, Poll
from tests import factories
from tests.conftest import services_expected
from tests.realtime.conftest import (  # noqa: F401 (an autouse fixture)
    _close_worker_connections,
    _phone_session,
    _user_session,
)
from tests.servers import ROOT, Daphne, free_port, server_env

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not services_expected(),
        reason="needs PostgreSQL and Redis shared by several processes (make test-services)",
    ),
]

logger = logging.getLogger(__name__)

NGINX_CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None
)


def two_daphnes(tmp_path: Path, **bind: Any) -> list[Daphne]:
    """Start two daphne processes on this test's database and Redis, in parallel."""
    env = server_env(tmp_path / "media", SECURE_COOKIES="0")
    processes = [
        Daphne(env, tmp_path / f"daphne{n}.log", **{k: v[n] for k, v in bind.items()})
        for n in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.ready()
    return processes


@dataclass
class Follower:
    """A screen's state as the page script keeps it, and what it saw on the way."""

    state: dict[str, Any] | None = None
    applied: list[tuple[int, int]] = field(default_factory=list)  # (tally_seq, voters)
    arrived: list[int] = field(default_factory=list)  # tally_seq of each tally, as it came

    def take(self, message: dict[str, Any]) -> bool:
        """Apply one message; return True if a snapshot is needed."""
        if message["type"] == "snapshot":
            self.state = message
            return False
        if self.state is None or message["type"] in ("error", "ballot.ack"):
            return False
        if protocol.needs_snapshot(self.state, message):
            return True
        if message["type"] == "tally.updated":
            self.arrived.append(message["tally_seq"])
            self.state = protocol.apply_event(self.state, message)
            poll = next(p for p in self.state["polls"] if p["id"] == message["poll"])
            if not self.applied or self.applied[-1] != (poll["tally_seq"], poll["voters"]):
                self.applied.append((poll["tally_seq"], poll["voters"]))
        elif message["type"] != "meeting.heartbeat":
            self.state = protocol.apply_event(self.state, message)
        return False

    def voters(self, poll_id: int) -> int | None:
        if self.state is None:
            return None
        poll = next((p for p in self.state["polls"] if p["id"] == poll_id), None)
        return None if poll is None else poll["voters"]


async def follow_until(
    ws: ClientConnection, follower: Follower, done: Any, timeout: float = 30
) -> None:
    """Receive and apply messages until done() holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not done():
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError(f"no convergence: {follower.state and follower.state['polls']}")
        message = json.loads(await asyncio.wait_for(ws.recv(), left))
        if follower.take(message):
            await ws.send(json.dumps({"type": "snapshot.request"}))


def ballot(poll_id: int, client_id: str) -> str:
    return json.dumps(
        {
            "type": "ballot.cast",
            "poll": poll_id,
            "client_id": client_id,
            "answer": {"choice": "yes"},
        }
    )


def make_room(size: int) -> dict[str, Any]:
    """A meeting open with `size` members on the list, a facilitator, and a live yes/no vote."""
    forum = factories.forum()
    lead = factories.facilitator(forum)
    meeting = factories.open_meeting(forum, actor=lead)
    members = [factories.member(forum, ("lived_experience", "staff", "commissioner")[n % 3])
               for n in range(size)]  # fmt: skip
    return {"forum": forum, "lead": lead, "meeting": meeting, "members": members}


# -- two processes, each with its own coalescer -------------------------------------------


async def test_screens_on_two_processes_end_on_the_exact_count_and_never_go_back(tmp_path):
    size = 40
    room = await database_sync_to_async(make_room)(size)
    meeting, members = room["meeting"], room["members"]
    for member in members:
        await database_sync_to_async(factories.join)(meeting, member)
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", options=())
    ports = [free_port(), free_port()]
    daphnes = await asyncio.to_thread(two_daphnes, tmp_path, port=ports)
    try:
        cookies = [await database_sync_to_async(_phone_session)(meeting, m) for m in members]
        lead_cookie = await database_sync_to_async(_user_session)(room["lead"])

        def uri(n: int, path: str) -> tuple[str, str]:
            return f"ws://127.0.0.1:{ports[n % 2]}{path}", f"http://127.0.0.1:{ports[n % 2]}"

        screens: list[tuple[ClientConnection, Follower]] = []
        for n in range(2):
            for path, cookie in (
                (f"/ws/projector/{meeting.projector_token}/", None),
                (f"/ws/meeting/{meeting.pk}/facilitator/", lead_cookie),
            ):
                address, origin = uri(n, path)
                headers = {"Cookie": cookie.decode()} if cookie else {}
                ws = await connect(address, origin=origin, additional_headers=headers, proxy=None)
                screens.append((ws, Follower()))
        phones = []
        for n, cookie in enumerate(cookies):
            address, origin = uri(n, f"/ws/meeting/{meeting.pk}/")
            ws = await connect(
                address, origin=origin, additional_headers={"Cookie": cookie.decode()}, proxy=None
            )
            phones.append((ws, Follower()))
        for ws, follower in screens + phones:
            await follow_until(ws, follower, lambda f=follower: f.state is not None)

        async def vote(ws: ClientConnection, follower: Follower) -> None:
            client_id = str(uuid.uuid4())
            await ws.send(ballot(poll.pk, client_id))
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if message["type"] == "ballot.ack" and message["client_id"] == client_id:
                    return
                assert message["type"] != "error", message
                follower.take(message)

        started = time.monotonic()
        await asyncio.gather(*(vote(ws, f) for ws, f in phones))
        everyone = screens + phones
        await asyncio.gather(
            *(follow_until(ws, f, lambda f=f: f.voters(poll.pk) == size) for ws, f in everyone)
        )
        converged = time.monotonic() - started
        count = await database_sync_to_async(Ballot.objects.filter(poll=poll).count)()
        assert count == size
        seq = await database_sync_to_async(Poll.objects.values_list("tally_seq", flat=True).get)(
            pk=poll.pk
        )
        for _ws, follower in everyone:
            # Never an older count after a newer one, and the last one is the final count.
            seqs = [s for s, _v in follower.applied]
            voters = [v for _s, v in follower.applied]
            assert seqs == sorted(seqs) and voters == sorted(voters), follower.applied
            # Every screen ends on the tally read after the last ballot, whichever of the
            # two coalescers sent it.
            assert follower.applied[-1] == (seq, size), follower.applied
        late = sum(
            any(b < a for a, b in zip(f.arrived, f.arrived[1:], strict=False)) for _, f in everyone
        )
        logger.info(
            "%s ballots on 2 processes: every screen exact after %.2fs; %s of %s screens got "
            "an older tally after a newer one",
            size, converged, late, len(everyone),
        )  # fmt: skip
        for ws, _f in everyone:
            await ws.close()
    finally:
        for daphne in daphnes:
            daphne.stop()


# -- nginx in front of two processes, one killed mid-burst -------------------------------


@dataclass
class Nginx:
    port: int
    process: subprocess.Popen[bytes]
    prefix: Path

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"


def render_site(conf: str, prefix: Path, port: int, cert: Path, key: Path) -> str:
    """deploy/nginx.conf as this test runs it: its own port, sockets and certificate."""
    replaced = conf
    for old, new in (
        ("/run/coprod/", f"{prefix}/run/"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;"),
        ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
        ("/etc/letsencrypt/live/coprod.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/coprod.example.org/privkey.pem", str(key)),
    ):
        assert old in replaced, old
        replaced = replaced.replace(old, new)
    return replaced


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[Nginx]:
    """Debian's nginx, as the current user, running deploy/nginx.conf on a free port."""
    if NGINX is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is needed for the scale-out test: run `make nginx`")
        pytest.skip("nginx is not installed: run `make nginx`")
    prefix = tmp_path / "nginx"
    (prefix / "run").mkdir(parents=True)
    cert, key = prefix / "cert.pem", prefix / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    (prefix / "coprod.conf").write_text(
        render_site(NGINX_CONF.read_text(), prefix, port, cert, key)
    )
    # Root only: workers would otherwise drop to "nobody" and could not use the sockets.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/error.log info;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n  access_log {prefix}/access.log;\n  include {prefix}/coprod.conf;\n}}\n"
    )
    check = subprocess.run(
        [NGINX, "-t", "-e", str(prefix / "error.log"), "-p", str(prefix), "-c",
         str(prefix / "nginx.conf")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [
            NGINX,
            "-e",
            str(prefix / "error.log"),
            "-p",
            str(prefix),
            "-c",
            str(prefix / "nginx.conf"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Nginx(port, process, prefix)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((prefix / "error.log").read_text()) from None
                time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE


def join_through(origin: str, code: str, member_id: int) -> str:
    """Join a meeting by name as a phone does, through nginx; return the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=TLS),
        urllib.request.HTTPCookieProcessor(jar),
        urllib.request.ProxyHandler({}),
    )
    url = f"{origin}/join/{code}/"
    page = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page[:500]
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "member": member_id}
    ).encode()
    request = urllib.request.Request(url, data=form, headers={"Origin": origin, "Referer": url})
    opener.open(request, timeout=30).read()
    cookies = {c.name: c.value for c in jar}
    assert settings.SESSION_COOKIE_NAME in cookies, cookies
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


@dataclass
class Phone:
    cookie: str
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    acked: bool = False
    duplicate: bool | None = None
    reconnects: int = 0
    follower: Follower = field(default_factory=Follower)


async def test_nginx_and_two_daphnes_lose_no_acknowledged_ballot_when_one_is_killed(
    tmp_path, nginx
):
    size = 40
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    room = await database_sync_to_async(make_room)(size)
    meeting, members = room["meeting"], room["members"]
    sockets = [nginx.prefix / "run" / "daphne0.sock", nginx.prefix / "run" / "daphne1.sock"]
    env_extra = {"PROXY_SSL_HEADER": "X-Forwarded-Proto", "SECURE_COOKIES": "1"}
    env = server_env(tmp_path / "media", **env_extra)
    daphnes = [
        Daphne(env, tmp_path / f"daphne{n}.log", unix=sockets[n], options=("--proxy-headers",))
        for n in range(2)
    ]
    for daphne in daphnes:
        daphne.start()
    try:
        for daphne in daphnes:
            await asyncio.to_thread(daphne.ready)
        timings["start"] = time.monotonic() - t0

        # Phones join by name through nginx (pages and forms over HTTPS).
        t = time.monotonic()
        doors = asyncio.Semaphore(8)

        async def join(member_id: int) -> Phone:
            async with doors:
                code = meeting.join_code
                return Phone(await asyncio.to_thread(join_through, nginx.origin, code, member_id))

        phones = list(await asyncio.gather(*(join(m.pk) for m in members)))
        timings["join"] = time.monotonic() - t
        poll = await database_sync_to_async(factories.poll)(meeting, "yes_no", options=())
        wss = f"wss://127.0.0.1:{nginx.port}/ws/meeting/{meeting.pk}/"

        async def open_socket(phone: Phone) -> ClientConnection:
            while True:
                try:
                    ws = await connect(
                        wss,
                        origin=nginx.origin,  # type: ignore[arg-type]
                        additional_headers={"Cookie": phone.cookie},
                        ssl=TLS,
                        proxy=None,
                        open_timeout=10,
                    )
                    await follow_until(ws, phone.follower, lambda: phone.follower.state is not None)
                    return ws
                except (OSError, InvalidStatus, ConnectionClosed, TimeoutError):
                    phone.reconnects += 1
                    await asyncio.sleep(0.2)

        sockets_open = [await open_socket(phone) for phone in phones]
        killed = asyncio.Event()

        async def run_phone(n: int, phone: Phone) -> None:
            ws = sockets_open[n]
            # The burst: a phone every 40 ms; one daphne dies half way through.
            await asyncio.sleep(n * 0.04)
            while True:
                try:
                    if not phone.acked:
                        await ws.send(ballot(poll.pk, phone.client_id))
                    while not phone.acked or phone.follower.voters(poll.pk) != size:
                        message = json.loads(await asyncio.wait_for(ws.recv(), 30))
                        assert message["type"] != "error", message
                        if message["type"] == "ballot.ack":
                            assert message["client_id"] == phone.client_id
                            phone.acked, phone.duplicate = True, message["duplicate"]
                        elif phone.follower.take(message):
                            await ws.send(json.dumps({"type": "snapshot.request"}))
                    await ws.close()
                    return
                except ConnectionClosed:
                    # The page script reconnects (through nginx, to the survivor), reads a
                    # snapshot and sends its unacknowledged ballot again, same client id.
                    phone.follower.state = None
                    phone.reconnects += 1
                    ws = await open_socket(phone)

        async def kill_mid_burst() -> None:
            await asyncio.sleep(size * 0.04 / 2)
            await asyncio.to_thread(daphnes[0].kill)
            killed.set()
            timings["acked_before_kill"] = sum(phone.acked for phone in phones)

        t = time.monotonic()
        await asyncio.wait_for(
            asyncio.gather(kill_mid_burst(), *(run_phone(n, p) for n, p in enumerate(phones))),
            timeout=120,
        )
        timings["burst_to_converged"] = time.monotonic() - t
        assert killed.is_set()
        # Mid-burst: some ballots were in, others still to come.
        assert 0 < timings["acked_before_kill"] < size

        # No acknowledged ballot is lost: every one is in the database, and counted.
        acked = {phone.client_id for phone in phones if phone.acked}
        assert len(acked) == size
        rows = Ballot.objects.filter(poll=poll).values_list("client_id", flat=True)
        stored = {str(c) for c in await database_sync_to_async(list)(rows)}
        assert stored == acked
        # The kill mattered: phones on the killed process lost their socket and came back.
        assert sum(1 for phone in phones if phone.reconnects) >= 1
        # Every phone ends on the exact count.
        assert all(phone.follower.voters(poll.pk) == size for phone in phones)
        timings["total"] = time.monotonic() - t0
        moved = sum(1 for phone in phones if phone.reconnects)
        logger.info(
            "nginx + 2 daphnes, %s phones, one daphne killed mid-burst: %s phones reconnected; %s",
            size, moved, ", ".join(f"{k} {v:.2f}" for k, v in timings.items()),
        )  # fmt: skip
    finally:
        for daphne in daphnes:
            daphne.stop()
