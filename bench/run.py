"""Load benchmark of a live meeting: many phones, one burst of ballots, one daphne process.

DESIGN.md's target: 1,000 phones in one meeting and a burst of 1,000 ballots in one
second on one daphne process, with nothing lost. This script builds a fresh database,
seeds a forum, an open meeting, an open yes/no poll and one session per phone, starts
`daphne asgi:application`, connects a projector and N phones over real websockets
(session cookie + Origin, as a browser does), sends one `ballot.cast` from every phone
spread evenly over the burst, and measures acks, tallies and daphne's CPU and memory.
Then it checks the database: exactly N ballots, none lost or doubled, the audit chain
intact, and that resending 100 of the same messages changes nothing.

Run with `make bench` (or `SECRET_KEY=bench .venv/bin/python bench/run.py --help`).
It prints plain figures and exits 0 when every correctness check holds, 1 when one
fails and 2 when the run could not be set up. It is not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "coprod_bench"
PG_BENCH_URL = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
REDIS_BENCH_URL = "redis://127.0.0.1:6379/14"
CLK_TCK = os.sysconf("SC_CLK_TCK")


class SetupError(Exception):
    """The run could not be set up (exit code 2)."""


# -- options and environment -----------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--phones", type=int, default=1000, help="phones in the meeting (1000)")
    p.add_argument(
        "--burst-seconds",
        type=float,
        default=1.0,
        help="spread the ballots evenly over this many seconds (1.0)",
    )
    p.add_argument(
        "--services",
        action="store_true",
        help=f"PostgreSQL ({PG_BENCH_URL}) and Redis ({REDIS_BENCH_URL}) instead of "
        "SQLite and the in-memory channel layer",
    )
    p.add_argument("--resend", type=int, default=100, help="ballots resent to test idempotency")
    p.add_argument(
        "--connect-concurrency",
        type=int,
        default=50,
        help="websocket handshakes in flight at once while connecting (50)",
    )
    p.add_argument("--timeout", type=float, default=60.0, help="seconds each wait may take (60)")
    p.add_argument("--debug", action="store_true", help="run daphne with DEBUG=1 (default 0)")
    p.add_argument(
        "--py-spy",
        metavar="FILE",
        help="record a py-spy profile of daphne during the burst: FILE.svg a flame graph, "
        "FILE.txt collapsed stacks, FILE.json speedscope (needs py-spy in the venv or on PATH)",
    )
    p.add_argument(
        "--py-spy-phase",
        choices=("burst", "connect"),
        default="burst",
        help="which phase --py-spy records (burst)",
    )
    p.add_argument(
        "--settings",
        default="coprod.settings",
        help="DJANGO_SETTINGS_MODULE of daphne, to try a change without editing the app "
        "(put its directory on PYTHONPATH); the seeding always uses coprod.settings",
    )
    p.add_argument(
        "--dump",
        metavar="FILE",
        help="write every client's received messages (time after the first send, type, "
        "voters, duplicate) as JSON, to study delivery",
    )
    p.add_argument("--keep", action="store_true", help="keep the temp dir (logs, database)")
    args = p.parse_args(argv)
    if args.phones < 1:
        p.error("--phones must be at least 1")
    if args.burst_seconds < 0:
        p.error("--burst-seconds must not be negative")
    return args


def bench_env(args: argparse.Namespace, tmp: Path) -> dict[str, str]:
    """The environment of migrate, the seeding and daphne."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "CHANNEL_PREFIX", "SQLITE_PATH"):
        env.pop(name, None)
    env["DJANGO_SETTINGS_MODULE"] = "coprod.settings"
    # A throwaway key (the data are too), strong enough for asgi.py to serve with DEBUG off.
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DEBUG"] = "1" if args.debug else "0"
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    env["LOG_LEVEL"] = "WARNING"
    env["PYTHONPATH"] = str(ROOT) + (
        os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
    )
    env["PYTHONUNBUFFERED"] = "1"
    if args.services:
        env["DATABASE_URL"] = PG_BENCH_URL
        env["REDIS_URL"] = REDIS_BENCH_URL
        env["CHANNEL_PREFIX"] = "coprod-bench"
    else:
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    return env


def raise_open_files(needed: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return soft
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < needed:
        raise SetupError(
            f"{needed} open files are needed but the hard limit is {hard}; "
            "raise it (ulimit -Hn) or use fewer --phones"
        )
    return target


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# -- PostgreSQL database of the --services run --------------------------------------------


def pg_create() -> None:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    except psycopg.Error as exc:
        raise SetupError(f"PostgreSQL at {PG_ADMIN_URL} is not usable: {exc}") from exc


def pg_drop() -> None:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
    except psycopg.Error as exc:
        print(f"warning: could not drop {PG_BENCH_DB}: {exc}", file=sys.stderr)


def redis_check() -> None:
    import redis

    try:
        client = redis.Redis.from_url(REDIS_BENCH_URL, socket_timeout=5, socket_connect_timeout=5)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        raise SetupError(f"Redis at {REDIS_BENCH_URL} is not usable: {exc}") from exc


# -- setting up the data (in this process, after django.setup()) --------------------------


@dataclass
class Seed:
    forum_id: int
    meeting_id: int
    poll_id: int
    projector_token: str
    phones: list[tuple[int, str]]  # (member id, session key)
    seconds: float


def migrate(env: dict[str, str]) -> None:
    """Create the benchmark's database tables, in a child process with its environment."""
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise SetupError(f"migrate failed:\n{done.stderr[-3000:]}")


def django_setup(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)
    # This process only seeds and checks; nobody listens to its broadcasts, so it keeps
    # the in-memory channel layer even in a --services run.
    os.environ.pop("REDIS_URL", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def seed(n: int) -> Seed:
    """A forum, an open meeting, n present members with a session each, an open yes/no poll."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from deliberation import identity
    from deliberation.models import Attendance, Member, Role
    from deliberation.services import forums as forum_services
    from deliberation.services import meetings as meeting_services
    from deliberation.services import polls as poll_services

    started = time.perf_counter()
    forum = forum_services.forum_create(name="Bench Partnership Board", slug="bench-board")
    meeting = meeting_services.meeting_create(
        forum=forum, title="Bench meeting", agenda=["Welcome", "Day services"]
    )
    meeting = meeting_services.meeting_open(meeting=meeting)
    constituencies = ("lived_experience", "staff", "commissioner")
    with transaction.atomic():
        # Setup only: bulk rows, no audit events. The ballots go through the websocket.
        members = Member.objects.bulk_create(
            Member(
                forum=forum,
                name=f"Bench person {i + 1:04d}",
                constituency=constituencies[i % 3],
                role=Role.PARTICIPANT,
            )
            for i in range(n)
        )
        if any(m.pk is None for m in members):
            members = list(Member.objects.filter(forum=forum, user__isnull=True).order_by("pk"))
        tokens = [secrets.token_urlsafe(24) for _ in members]
        Attendance.objects.bulk_create(
            Attendance(
                meeting=meeting,
                member=member,
                status=Attendance.Status.PRESENT,
                via="invite",
                device_token=token,
            )
            for member, token in zip(members, tokens, strict=True)
        )
        phones = []
        for member, token in zip(members, tokens, strict=True):
            store = SessionStore()
            store[identity.SESSION_MEMBERS] = {str(meeting.pk): member.pk}
            store[identity.SESSION_DEVICE] = token
            store.create()
            phones.append((member.pk, str(store.session_key)))
    poll = poll_services.poll_create(
        forum=forum,
        meeting=meeting,
        question="Should the day centre open on Saturdays?",
        method="yes_no",
    )
    poll = poll_services.poll_open(poll=poll)
    return Seed(
        forum_id=forum.pk,
        meeting_id=meeting.pk,
        poll_id=poll.pk,
        projector_token=meeting.projector_token,
        phones=phones,
        seconds=time.perf_counter() - started,
    )


@dataclass
class DbState:
    ballots: int
    distinct_client_ids: int
    distinct_members: int
    client_ids: set[str]
    answers: dict[str, int]
    audit_ballot_events: int
    audit_break: str | None


def db_state(forum_id: int, poll_id: int) -> DbState:
    from django.db.models import Count

    from deliberation import audit
    from deliberation.models import AuditEvent, Ballot, Forum

    ballots = Ballot.objects.filter(poll_id=poll_id)
    agg = ballots.aggregate(
        n=Count("id"),
        cids=Count("client_id", distinct=True),
        members=Count("member", distinct=True),
    )
    answers: dict[str, int] = {}
    for answer in ballots.values_list("answer", flat=True):
        key = str(answer.get("choice")) if isinstance(answer, dict) else repr(answer)
        answers[key] = answers.get(key, 0) + 1
    audit_events = AuditEvent.objects.filter(
        forum_id=forum_id, kind__in=("ballot.cast", "ballot.changed"), payload__poll=poll_id
    ).count()
    broken = audit.verify_forum(Forum.objects.get(pk=forum_id))
    return DbState(
        ballots=agg["n"],
        distinct_client_ids=agg["cids"],
        distinct_members=agg["members"],
        client_ids={str(c) for c in ballots.values_list("client_id", flat=True)},
        answers=answers,
        audit_ballot_events=audit_events,
        audit_break=str(broken) if broken else None,
    )


def close_db() -> None:
    from django.db import connections

    connections.close_all()


# -- daphne ---------------------------------------------------------------------------------


@dataclass
class ProcStat:
    cpu: float  # user + system seconds
    rss_kb: int
    hwm_kb: int


def proc_stat(pid: int) -> ProcStat | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
    values = {}
    for line in status.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return ProcStat(cpu, values.get("VmRSS", 0), values.get("VmHWM", 0))


class Daphne:
    def __init__(self, env: dict[str, str], tmp: Path, port: int) -> None:
        self.port = port
        self.stdout_path = tmp / "daphne.stdout.log"
        self.stderr_path = tmp / "daphne.stderr.log"
        # daphne as `make run` starts it, with coprod's request size limits.
        command = [sys.executable, "-m", "coprod.server"]
        command += ["-b", HOST, "-p", str(port), "asgi:application"]
        self.stdout = open(self.stdout_path, "wb")  # noqa: SIM115
        self.stderr = open(self.stderr_path, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.stdout,
            stderr=self.stderr,
            stdin=subprocess.DEVNULL,
        )
        self.peak_hwm_kb = 0

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stat(self) -> ProcStat | None:
        stat = proc_stat(self.pid)
        if stat:
            self.peak_hwm_kb = max(self.peak_hwm_kb, stat.hwm_kb)
        return stat

    def wait_ready(self, timeout: float) -> float:
        started = time.perf_counter()
        deadline = started + timeout
        url = f"http://{HOST}:{self.port}/"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SetupError(
                    f"daphne exited with code {self.proc.returncode} before answering:\n"
                    + self.stderr_tail(30)
                )
            try:
                opener.open(url, timeout=2).close()
                return time.perf_counter() - started
            except urllib.error.HTTPError:
                return time.perf_counter() - started  # any HTTP answer will do
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise SetupError(f"daphne did not answer on {url} within {timeout:.0f} s")

    def stop(self, timeout: float = 15.0) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.stdout.close()
        self.stderr.close()
        return self.proc.returncode

    def stderr_text(self) -> str:
        if not self.stderr.closed:
            self.stderr.flush()
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def stderr_tail(self, lines: int) -> str:
        return "\n".join(self.stderr_text().splitlines()[-lines:])


def daphne_problems(text: str) -> list[str]:
    """Lines of daphne's stderr that report an error."""
    markers = ("Traceback", "ERROR", "Exception", "Error:", "CRITICAL", "took too long")
    return [line for line in text.splitlines() if any(m in line for m in markers)]


# -- websocket clients --------------------------------------------------------------------


@dataclass
class Client:
    index: int
    member_id: int | None
    session_key: str | None
    ws: Any = None
    connect_seconds: float = 0.0
    snapshot: dict[str, Any] | None = None
    log: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    closed: str | None = None
    reader: asyncio.Task[None] | None = None
    # The ballot
    client_id: str = ""
    text: str = ""
    answer: str = ""
    sent_at: float = 0.0
    acks: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    resent_at: float = 0.0


class Run:
    """Counters the readers update as messages arrive."""

    def __init__(self, expected_voters: int) -> None:
        self.expected_voters = expected_voters
        self.acks = 0
        self.errors: list[tuple[int, dict[str, Any]]] = []
        self.final_tally_at: float | None = None
        self.projector_tallies: list[tuple[float, int]] = []


async def read_messages(client: Client, run: Run, is_projector: bool) -> None:
    from websockets.exceptions import ConnectionClosed

    try:
        async for raw in client.ws:
            now = time.perf_counter()
            message = json.loads(raw)
            client.log.append((now, message))
            kind = message.get("type")
            if kind == "ballot.ack":
                client.acks.append((now, message))
                run.acks += 1
            elif kind == "error":
                run.errors.append((client.index, message))
            elif kind == "tally.updated" and is_projector:
                run.projector_tallies.append((now, message.get("voters", -1)))
                if run.final_tally_at is None and message.get("voters") == run.expected_voters:
                    run.final_tally_at = now
    except ConnectionClosed as exc:
        client.closed = f"closed: {exc}"
    except Exception as exc:  # noqa: BLE001 - recorded and reported as an error
        client.closed = f"reader failed: {exc!r}"


async def open_client(
    client: Client, url: str, origin: str, run: Run, is_projector: bool, timeout: float
) -> None:
    from websockets.asyncio.client import connect

    headers = {}
    if client.session_key:
        headers["Cookie"] = f"sessionid={client.session_key}"
    started = time.perf_counter()
    client.ws = await connect(
        url,
        origin=origin,  # type: ignore[arg-type]
        additional_headers=headers,
        compression=None,  # daphne does not offer permessage-deflate anyway
        proxy=None,
        open_timeout=timeout,
        ping_interval=None,  # daphne pings every 20 s; the library answers
        close_timeout=5,
        max_queue=None,
    )
    first = json.loads(await asyncio.wait_for(client.ws.recv(), timeout))
    client.connect_seconds = time.perf_counter() - started
    client.snapshot = first
    client.reader = asyncio.create_task(read_messages(client, run, is_projector))


async def wait_until(predicate: Any, timeout: float, step: float = 0.005) -> bool:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() >= deadline:
            return False
        await asyncio.sleep(step)
    return True


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


@dataclass
class Results:
    figures: dict[str, Any] = field(default_factory=dict)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        self.checks.append((name, ok, detail))


async def drive(
    args: argparse.Namespace,
    seed_data: Seed,
    daphne: Daphne,
    db: ThreadPoolExecutor,
    results: Results,
) -> None:
    loop = asyncio.get_running_loop()
    n = len(seed_data.phones)
    base = f"ws://{HOST}:{daphne.port}"
    origin = f"http://{HOST}:{daphne.port}"
    run = Run(expected_voters=n)
    fig = results.figures
    cpu_client0 = time.process_time()

    # -- connect ------------------------------------------------------------------------
    projector = Client(-1, None, None)
    await open_client(
        projector,
        f"{base}/ws/projector/{seed_data.projector_token}/",
        origin,
        run,
        True,
        args.timeout,
    )
    phones = [Client(i, m, key) for i, (m, key) in enumerate(seed_data.phones)]
    sem = asyncio.Semaphore(max(1, args.connect_concurrency))
    connect_failures: list[str] = []

    async def connect_phone(client: Client) -> None:
        async with sem:
            try:
                await open_client(
                    client,
                    f"{base}/ws/meeting/{seed_data.meeting_id}/",
                    origin,
                    run,
                    False,
                    args.timeout,
                )
            except Exception as exc:  # noqa: BLE001 - counted and reported
                connect_failures.append(f"phone {client.index}: {exc!r}")

    profiler = start_py_spy(args, daphne, results, "connect")
    stat0 = daphne.stat()
    t_connect = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(connect_phone(c) for c in phones)), args.timeout * 4)
    connect_time = time.perf_counter() - t_connect
    stat1 = daphne.stat()
    stop_py_spy(profiler, results)
    connected = [c for c in phones if c.snapshot is not None]
    fig["connect_seconds"] = connect_time
    per_conn = [c.connect_seconds for c in connected]
    fig["connect_each_p50"] = percentile(per_conn, 50)
    fig["connect_each_p95"] = percentile(per_conn, 95)
    fig["connect_each_max"] = max(per_conn) if per_conn else float("nan")
    fig["connect_failures"] = len(connect_failures)
    if stat0 and stat1:
        fig["daphne_cpu_connect"] = stat1.cpu - stat0.cpu
    results.check(
        "every phone connected and got its snapshot",
        len(connected) == n and not connect_failures,
        f"{len(connected)}/{n}"
        + (f"; first failure: {connect_failures[0]}" if connect_failures else ""),
    )
    bad_snapshots = [
        c.index
        for c in connected
        if (c.snapshot or {}).get("type") != "snapshot"
        or not any(
            p.get("id") == seed_data.poll_id and p.get("status") == "open"
            for p in (c.snapshot or {}).get("polls", [])
        )
    ]
    results.check(
        "every snapshot shows the open poll",
        not bad_snapshots and (projector.snapshot or {}).get("type") == "snapshot",
        f"{len(bad_snapshots)} phones without it" if bad_snapshots else "",
    )
    if not connected:
        return

    # -- burst ----------------------------------------------------------------------------
    for i, client in enumerate(connected):
        client.client_id = str(uuid.uuid4())
        client.answer = "yes" if i % 2 == 0 else "no"
        client.text = json.dumps(
            {
                "type": "ballot.cast",
                "poll": seed_data.poll_id,
                "client_id": client.client_id,
                "answer": {"choice": client.answer},
            }
        )
    run.expected_voters = len(connected)
    await asyncio.sleep(0.5)  # let the connect phase settle
    profiler = start_py_spy(args, daphne, results, "burst")
    stat2 = daphne.stat()
    interval = args.burst_seconds / len(connected)
    t0 = time.perf_counter() + 0.01
    for i, client in enumerate(connected):
        delay = t0 + i * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        client.sent_at = time.perf_counter()
        try:
            await client.ws.send(client.text)
        except Exception as exc:  # noqa: BLE001
            client.closed = f"send failed: {exc!r}"
    first_send = connected[0].sent_at
    last_send = max(c.sent_at for c in connected)
    fig["burst_seconds"] = last_send - first_send

    all_acked = await wait_until(lambda: run.acks >= len(connected), args.timeout)
    got_final = await wait_until(lambda: run.final_tally_at is not None, args.timeout)
    stat3 = daphne.stat()
    stop_py_spy(profiler, results)
    first_acks = [c.acks[0] for c in connected if c.acks]
    latencies = [t - c.sent_at for c in connected if c.acks for t in [c.acks[0][0]]]
    last_ack = max((t for t, _ in first_acks), default=float("nan"))
    fig["acks"] = len(first_acks)
    fig["ack_p50"] = percentile(latencies, 50)
    fig["ack_p95"] = percentile(latencies, 95)
    fig["ack_max"] = max(latencies) if latencies else float("nan")
    fig["last_ack_after_first_send"] = last_ack - first_send
    fig["last_ack_after_last_send"] = last_ack - last_send
    fig["ballots_per_second"] = len(first_acks) / (last_ack - first_send) if first_acks else 0
    fig["final_tally_after_first_send"] = (
        run.final_tally_at - first_send if run.final_tally_at else float("nan")
    )
    fig["final_tally_after_last_ack"] = (
        run.final_tally_at - last_ack if run.final_tally_at else float("nan")
    )
    if stat2 and stat3:
        fig["daphne_cpu_burst"] = stat3.cpu - stat2.cpu
        fig["daphne_cpu_per_ballot_ms"] = (stat3.cpu - stat2.cpu) / len(connected) * 1000

    # Phones get tallies at most once a second: give the last one time to arrive.
    phone_interval = 1.0
    await wait_until(
        lambda: all(
            any(
                m.get("type") == "tally.updated" and m.get("voters") == len(connected)
                for _, m in c.log[-3:]
            )
            for c in connected
        ),
        min(args.timeout, phone_interval * 5 + 2),
        step=0.05,
    )
    await asyncio.sleep(0.3)
    window_end = time.perf_counter()

    proj_tallies = [(t, v) for t, v in run.projector_tallies if t >= first_send]
    fig["projector_tallies"] = len(proj_tallies)
    fig["projector_first_tally_after_first_send"] = (
        proj_tallies[0][0] - first_send if proj_tallies else None
    )
    fig["projector_tallies_before_last_ack"] = sum(1 for t, _ in proj_tallies if t <= last_ack)
    if len(proj_tallies) >= 2:
        span = proj_tallies[-1][0] - proj_tallies[0][0]
        gaps = [b[0] - a[0] for a, b in zip(proj_tallies, proj_tallies[1:], strict=False)]
        fig["projector_tally_span"] = span
        fig["projector_tally_min_gap"] = min(gaps)
    fig["projector_last_voters"] = proj_tallies[-1][1] if proj_tallies else None

    burst_msgs = [[(t, m) for t, m in c.log if first_send <= t <= window_end] for c in connected]
    total_msgs = sum(len(b) for b in burst_msgs)
    tallies_per_phone = [
        sum(1 for _, m in b if m.get("type") == "tally.updated") for b in burst_msgs
    ]
    fig["phone_messages_total"] = total_msgs
    fig["phone_messages_mean"] = total_msgs / len(connected)
    fig["phone_tallies_mean"] = statistics.mean(tallies_per_phone)
    fig["phone_tallies_max"] = max(tallies_per_phone)
    phone_gaps = []
    for b in burst_msgs:
        times = [t for t, m in b if m.get("type") == "tally.updated"]
        phone_gaps += [y - x for x, y in zip(times, times[1:], strict=False)]
    fig["phone_tally_min_gap"] = min(phone_gaps) if phone_gaps else None
    other_types: dict[str, int] = {}
    for b in burst_msgs:
        for _, m in b:
            kind = str(m.get("type"))
            if kind not in ("ballot.ack", "tally.updated"):
                other_types[kind] = other_types.get(kind, 0) + 1
    fig["phone_other_messages"] = other_types
    phones_final = sum(
        1
        for b in burst_msgs
        if [m for _, m in b if m.get("type") == "tally.updated"]
        and [m for _, m in b if m.get("type") == "tally.updated"][-1].get("voters")
        == len(connected)
    )
    fig["phones_with_final_tally"] = phones_final

    results.check(
        "every ballot acknowledged once, none as a duplicate",
        all_acked
        and all(len(c.acks) == 1 and not c.acks[0][1].get("duplicate") for c in connected)
        and all(c.acks[0][1].get("client_id") == c.client_id for c in connected),
        f"{len(first_acks)}/{len(connected)} acked"
        + ("" if all_acked else f" within {args.timeout:.0f} s"),
    )
    results.check(
        "projector's tally reached every voter",
        got_final,
        f"last projector tally: voters={fig['projector_last_voters']}",
    )
    results.check(
        "every phone ended on the final tally",
        phones_final == len(connected),
        f"{phones_final}/{len(connected)}",
    )

    # -- the database, then resend the same messages -------------------------------------
    before = await loop.run_in_executor(db, db_state, seed_data.forum_id, seed_data.poll_id)
    sent_ids = {c.client_id for c in connected}
    want_yes = sum(1 for c in connected if c.answer == "yes")
    want_no = len(connected) - want_yes
    fig["db_ballots"] = before.ballots
    fig["db_answers"] = before.answers
    results.check(
        "database holds exactly one ballot per phone",
        before.ballots == len(connected)
        and before.distinct_client_ids == len(connected)
        and before.distinct_members == len(connected)
        and before.client_ids == sent_ids,
        f"{before.ballots} ballots, {before.distinct_client_ids} client ids, "
        f"{before.distinct_members} members, {len(sent_ids - before.client_ids)} sent ids missing",
    )
    results.check(
        "answers stored as sent",
        before.answers == {k: v for k, v in {"yes": want_yes, "no": want_no}.items() if v},
        f"{before.answers}",
    )
    results.check(
        "one audit event per ballot, chain intact",
        before.audit_ballot_events == len(connected) and before.audit_break is None,
        f"{before.audit_ballot_events} events"
        + (f"; {before.audit_break}" if before.audit_break else ""),
    )

    resend = connected[: max(0, min(args.resend, len(connected)))]
    errors_before = len(run.errors)
    for client in resend:
        client.resent_at = time.perf_counter()
        await client.ws.send(client.text)
    resent_ok = await wait_until(lambda: all(len(c.acks) >= 2 for c in resend), args.timeout)
    dup_acks = [c.acks[1] for c in resend if len(c.acks) >= 2]
    fig["resent"] = len(resend)
    fig["resend_duplicate_acks"] = sum(1 for _, m in dup_acks if m.get("duplicate") is True)
    if dup_acks:
        fig["resend_ack_max"] = max(c.acks[1][0] - c.resent_at for c in resend if len(c.acks) >= 2)
    after = await loop.run_in_executor(db, db_state, seed_data.forum_id, seed_data.poll_id)
    fig["db_ballots_after_resend"] = after.ballots
    results.check(
        f"resending {len(resend)} ballots is acknowledged as duplicates",
        resent_ok and fig["resend_duplicate_acks"] == len(resend),
        f"{fig['resend_duplicate_acks']}/{len(resend)} duplicate acks",
    )
    results.check(
        "resending changes nothing in the database",
        after.ballots == len(connected)
        and after.client_ids == sent_ids
        and after.answers == before.answers
        and after.audit_ballot_events == before.audit_ballot_events
        and after.audit_break is None,
        f"{after.ballots} ballots, {after.audit_ballot_events} audit events",
    )

    await asyncio.sleep(0.2)
    closed_early = [c for c in [projector, *connected] if c.closed]
    fig["errors_messages"] = len(run.errors)
    fig["connections_closed_early"] = len(closed_early)
    results.check(
        "no error messages and no dropped connections",
        not run.errors and not closed_early,
        (f"first error: {run.errors[0]}" if run.errors else "")
        + (f" first closed: {closed_early[0].closed}" if closed_early else ""),
    )
    if len(run.errors) > errors_before:
        results.notes.append(f"{len(run.errors) - errors_before} error messages after the resend")
    fig["client_cpu"] = time.process_time() - cpu_client0
    if args.dump:
        dump_timelines(args.dump, projector, connected, first_send)

    # -- close ------------------------------------------------------------------------------
    async def close(client: Client) -> None:
        try:
            await asyncio.wait_for(client.ws.close(), 10)
        except Exception:  # noqa: BLE001,S110 - the run is over
            pass
        if client.reader:
            client.reader.cancel()

    sem_close = asyncio.Semaphore(100)

    async def close_limited(client: Client) -> None:
        async with sem_close:
            await close(client)

    await asyncio.wait_for(
        asyncio.gather(
            *(close_limited(c) for c in [*connected, projector]), return_exceptions=True
        ),
        60,
    )


def dump_timelines(path: str, projector: Client, phones: list[Client], t0: float) -> None:
    def timeline(client: Client) -> list[list[Any]]:
        return [
            [round(t - t0, 4), m.get("type"), m.get("voters"), m.get("duplicate")]
            for t, m in client.log
        ]

    data = {
        "projector": timeline(projector),
        "phones": {
            str(c.member_id): {"sent_at": round(c.sent_at - t0, 4), "received": timeline(c)}
            for c in phones
        },
    }
    Path(path).write_text(json.dumps(data))


def start_py_spy(args: argparse.Namespace, daphne: Daphne, results: Results, phase: str) -> Any:
    if not args.py_spy or args.py_spy_phase != phase:
        return None
    exe = shutil.which("py-spy", path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if exe is None:
        results.notes.append("py-spy not found: no profile recorded")
        return None
    fmt = {".txt": "raw", ".json": "speedscope"}.get(Path(args.py_spy).suffix, "flamegraph")
    return subprocess.Popen(
        [
            exe,
            "record",
            "--pid",
            str(daphne.pid),
            "--output",
            args.py_spy,
            "--rate",
            "200",
            "--duration",
            str(int(args.timeout * 4)),
            "--idle",
            "--threads",
            "--format",
            fmt,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop_py_spy(profiler: Any, results: Results) -> None:
    if profiler is None:
        return
    profiler.send_signal(signal.SIGINT)
    try:
        _, err = profiler.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        profiler.kill()
        profiler.communicate(timeout=5)
        err = b""
    message = err.decode(errors="replace").strip().splitlines()
    results.notes.append(
        f"py-spy profile of daphne written to {profiler.args[5]}"
        + (f" ({message[-1]})" if message else "")
    )


# -- report --------------------------------------------------------------------------------


def fmt_s(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "n/a"
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def report(args: argparse.Namespace, results: Results, seed_data: Seed | None) -> None:
    f = results.figures
    mode = (
        "PostgreSQL + Redis (pub/sub layer)" if args.services else "SQLite (WAL) + in-memory layer"
    )
    print()
    print(
        f"coprod bench: {f.get('phones', args.phones)} phones, 1 daphne process, {mode}, "
        f"DEBUG={'1' if args.debug else '0'}, {os.cpu_count()} CPUs"
        + (f", settings {args.settings}" if args.settings != "coprod.settings" else "")
    )
    rows: list[tuple[str, str]] = []
    if seed_data:
        rows.append(
            (
                "setup (migrate / seed)",
                f"{f.get('migrate_seconds', 0):.1f} s / {seed_data.seconds:.1f} s",
            )
        )
    rows += [
        (
            "connect time (all phones)",
            f"{fmt_s(f.get('connect_seconds'))}  "
            f"(each: p50 {fmt_s(f.get('connect_each_p50'))}, "
            f"p95 {fmt_s(f.get('connect_each_p95'))}, "
            f"max {fmt_s(f.get('connect_each_max'))}; failures {f.get('connect_failures', 'n/a')})",
        ),
        ("burst: sends spread over", fmt_s(f.get("burst_seconds"))),
        ("ballot acks received", f"{f.get('acks', 'n/a')}"),
        (
            "ack latency p50 / p95 / max",
            f"{fmt_s(f.get('ack_p50'))} / {fmt_s(f.get('ack_p95'))} / {fmt_s(f.get('ack_max'))}",
        ),
        (
            "last ack after first send",
            f"{fmt_s(f.get('last_ack_after_first_send'))}  "
            f"({fmt_s(f.get('last_ack_after_last_send'))} after the last send; "
            f"{f.get('ballots_per_second', 0):.0f} ballots/s)",
        ),
        (
            "final tally on projector",
            f"{fmt_s(f.get('final_tally_after_first_send'))} after the "
            f"first send ({fmt_s(f.get('final_tally_after_last_ack'))} after the last ack)",
        ),
        (
            "projector tally messages",
            f"{f.get('projector_tallies', 'n/a')} over "
            f"{fmt_s(f.get('projector_tally_span'))} "
            f"(min gap {fmt_s(f.get('projector_tally_min_gap'))}; "
            f"first {fmt_s(f.get('projector_first_tally_after_first_send'))} after the first send, "
            f"{f.get('projector_tallies_before_last_ack', 'n/a')} before the last ack)",
        ),
        (
            "messages per phone (burst)",
            f"{f.get('phone_messages_mean', float('nan')):.2f} mean, "
            f"{f.get('phone_messages_total', 'n/a')} total; tallies/phone mean "
            f"{f.get('phone_tallies_mean', float('nan')):.2f}, "
            f"max {f.get('phone_tallies_max', 'n/a')}, "
            f"min gap {fmt_s(f.get('phone_tally_min_gap'))}"
            + (f"; other: {f['phone_other_messages']}" if f.get("phone_other_messages") else ""),
        ),
        (
            "ballots in DB (after resend)",
            f"{f.get('db_ballots', 'n/a')} ({f.get('db_ballots_after_resend', 'n/a')}) "
            f"{f.get('db_answers', '')}",
        ),
        (
            "resend of same client ids",
            f"{f.get('resend_duplicate_acks', 'n/a')}/{f.get('resent', 'n/a')} acked as duplicates",
        ),
        (
            "errors",
            f"{f.get('errors_messages', 'n/a')} error messages, "
            f"{f.get('connections_closed_early', 'n/a')} dropped connections, "
            f"{f.get('daphne_problem_lines', 'n/a')} error lines in daphne's stderr",
        ),
        (
            "daphne CPU",
            f"{f.get('daphne_cpu_total', float('nan')):.2f} s total; connect "
            f"{f.get('daphne_cpu_connect', float('nan')):.2f} s, "
            f"burst {f.get('daphne_cpu_burst', float('nan')):.2f} s "
            f"({f.get('daphne_cpu_per_ballot_ms', float('nan')):.2f} ms/ballot)",
        ),
        ("daphne RSS peak", f"{f.get('daphne_hwm_kb', 0) / 1024:.0f} MiB"),
        ("bench client CPU", f"{f.get('client_cpu', float('nan')):.2f} s"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    print("checks:")
    for name, ok, detail in results.checks:
        print(
            f"  [{'ok' if ok else 'FAIL'}] {name}" + (f" ({detail})" if detail and not ok else "")
        )
    target = (
        f.get("phones", 0) >= 1000
        and all(ok for _, ok, _ in results.checks)
        and f.get("last_ack_after_last_send", 99) <= 1.0
        and f.get("final_tally_after_last_ack", 99) <= 1.0
    )
    print(
        "target (1,000 phones, 1,000 ballots in 1 s, nothing lost; last ack and final tally "
        f"each within 1 s): {'met' if target else 'NOT met'}"
    )
    for note in results.notes:
        print(f"note: {note}")


# -- main ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = Results()
    results.figures["phones"] = args.phones
    tmp = Path(tempfile.mkdtemp(prefix="coprod-bench-"))
    env = bench_env(args, tmp)
    daphne: Daphne | None = None
    seed_data: Seed | None = None
    db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bench-db")
    code = 2
    created_pg = False
    try:
        raise_open_files(args.phones * 2 + 512)
        daphne_env = {**env, "DJANGO_SETTINGS_MODULE": args.settings}
        if args.services:
            redis_check()
            pg_create()
            created_pg = True
        started = time.perf_counter()
        migrate(env)
        results.figures["migrate_seconds"] = time.perf_counter() - started
        django_setup(env)
        seed_data = db.submit(seed, args.phones).result(timeout=600)
        db.submit(close_db).result(timeout=30)

        daphne = Daphne(daphne_env, tmp, free_port())
        daphne.wait_ready(timeout=60)
        stat_start = daphne.stat()
        try:
            asyncio.run(drive(args, seed_data, daphne, db, results))
        except TimeoutError:
            results.check("the run finished within its time limits", False, "timed out")
        stat_end = daphne.stat()
        if stat_start and stat_end:
            results.figures["daphne_cpu_total"] = stat_end.cpu
        results.figures["daphne_hwm_kb"] = daphne.peak_hwm_kb
        alive = daphne.proc.poll() is None
        results.check("daphne still running at the end", alive)
        code = 0 if all(ok for _, ok, _ in results.checks) else 1
    except SetupError as exc:
        print(f"bench: setup failed: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        code = 130
    except Exception as exc:  # noqa: BLE001 - report, clean up, exit non-zero
        import traceback

        traceback.print_exc()
        print(f"bench: failed: {exc!r}", file=sys.stderr)
        code = 1
    finally:
        if daphne is not None:
            daphne.stop()
            problems = daphne_problems(daphne.stderr_text())
            results.figures["daphne_problem_lines"] = len(problems)
            if problems and code == 0:
                results.check("no errors in daphne's stderr", False, problems[0][:200])
                code = 1
            if problems:
                print("daphne stderr (error lines, first 15):", file=sys.stderr)
                for line in problems[:15]:
                    print(f"  {line[:300]}", file=sys.stderr)
        try:
            db.submit(close_db).result(timeout=30)
        except Exception:  # noqa: BLE001,S110 - Django may not be set up
            pass
        db.shutdown(wait=False)
        if code != 2:
            report(args, results, seed_data)
        if created_pg and not args.keep:
            pg_drop()
        if args.keep or code not in (0, 130):
            print(f"logs and database kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
