"""Phones benchmark: a thousand phones connecting, reconnecting at once, and voting.

Issue 12: with 1,000 phones in one meeting, connecting them all (50 handshakes at a time)
took 12–21 s, and after all of them dropped at once only some came back, after minutes.
This starts the real app (`python -m coprod.server`, as `make run` does) on a fresh
database with one open meeting, N members present and an open yes/no poll (bench/run.py's
setup), and an independent load client (the `websockets` package) measures:

a. connect: N phones connect and read their snapshot, `--concurrency` handshakes at a time;
b. storm: every socket is dropped at once (no close handshake, as on a Wi-Fi drop), and
   each phone comes back as the page does (static/coprod/connection.mjs: full-jitter
   exponential back-off, capped, never giving up), until it holds a fresh snapshot;
c. burst: every phone casts one ballot over `--burst-seconds`; acks, lost, doubled, ack p95.

(a) and (b) also run against a bare `websockets` server in a child process that sends the
same snapshot text, as the baseline of what the machine can do.

Run with `make bench`, or `SECRET_KEY=bench .venv/bin/python bench/phones.py --phones 100`.
Exit 0 when every phone connected, came back and had its ballot acknowledged once, and
daphne logged no error; 1 otherwise; 2 when the run could not be set up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as base  # noqa: E402  (bench/run.py: setup, seeding and daphne)

# The page's back-off (static/coprod/connection.mjs): full jitter up to 1 s, 2 s, 4 s...
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0
GOAL_CONNECT = 3.0
GOAL_STORM = 5.0
GOAL_STORM_SCALED = 3.0  # with two daphne processes (PostgreSQL + Redis)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--phones", type=int, default=1000, help="phones in the meeting (1000)")
    p.add_argument(
        "--concurrency", type=int, default=50, help="handshakes at a time while connecting (50)"
    )
    p.add_argument("--burst-seconds", type=float, default=1.0, help="ballots spread over (1.0)")
    p.add_argument("--timeout", type=float, default=120.0, help="limit of each phase (120 s)")
    p.add_argument("--services", action="store_true", help="PostgreSQL + Redis (as run.py)")
    p.add_argument(
        "--processes",
        type=int,
        default=1,
        help="daphne processes, phones shared between them in turn (needs --services)",
    )
    p.add_argument("--no-baseline", action="store_true", help="skip the bare websockets server")
    p.add_argument(
        "--py-spy",
        metavar="FILE",
        help="record daphne with py-spy during the storm (.txt: collapsed stacks)",
    )
    p.add_argument("--keep", action="store_true", help="keep the temp dir (logs, database)")
    p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    p.add_argument("--bare-snapshot", metavar="FILE", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.phones < 1 or args.concurrency < 1 or args.processes < 1:
        p.error("--phones, --concurrency and --processes must be at least 1")
    if args.processes > 1 and not args.services:
        p.error("several daphne processes share a meeting only through Redis: add --services")
    return args


# -- the load client ------------------------------------------------------------------------


@dataclass
class Target:
    url: str
    origin: str


@dataclass
class Phone:
    index: int
    session_key: str
    target: Target
    ws: Any = None
    snapshot_text: str = ""
    reader: asyncio.Task[None] | None = None
    acks: list[float] = field(default_factory=list)
    ack_ids: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    failed_handshakes: int = 0


async def handshake(phone: Phone, timeout: float) -> None:
    """Open one socket to the phone's server and read until the snapshot."""
    from websockets.asyncio.client import connect

    phone.ws = await connect(
        phone.target.url,
        origin=phone.target.origin,  # type: ignore[arg-type]
        additional_headers={"Cookie": f"sessionid={phone.session_key}"},
        compression=None,
        proxy=None,
        open_timeout=timeout,
        ping_interval=None,
        close_timeout=2,
        max_queue=None,
    )
    while True:
        text = await asyncio.wait_for(phone.ws.recv(), timeout)
        if json.loads(text).get("type") == "snapshot":
            phone.snapshot_text = text
            return


async def read(phone: Phone) -> None:
    from websockets.exceptions import ConnectionClosed

    try:
        async for raw in phone.ws:
            message = json.loads(raw)
            if message.get("type") == "ballot.ack":
                phone.acks.append(time.perf_counter())
                phone.ack_ids.append(str(message.get("client_id")))
            elif message.get("type") == "error":
                phone.errors.append(message)
    except ConnectionClosed:
        pass


async def come_back(phone: Phone, deadline: float) -> float | None:
    """Reconnect as the page does, until a snapshot came or the deadline passed."""
    attempt = 0
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)
        await asyncio.sleep(random.random() * ceiling)  # noqa: S311 - jitter, not a secret
        attempt += 1
        try:
            await handshake(phone, timeout=max(1.0, deadline - time.perf_counter()))
        except Exception:  # noqa: BLE001 - any failure is one more try, as on a phone
            phone.failed_handshakes += 1
            if phone.ws is not None:
                phone.ws.transport.abort()
                phone.ws = None
            continue
        phone.reader = asyncio.create_task(read(phone))
        return time.perf_counter() - started
    return None


async def connect_all(phones: list[Phone], concurrency: int, timeout: float) -> tuple[float, int]:
    """Phase (a): connect every phone, `concurrency` at a time; return (seconds, failed)."""
    gate = asyncio.Semaphore(concurrency)
    failed = 0

    async def one(phone: Phone) -> None:
        nonlocal failed
        async with gate:
            try:
                await handshake(phone, timeout)
            except Exception:  # noqa: BLE001 - counted
                failed += 1
                return
        phone.reader = asyncio.create_task(read(phone))

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(one(p) for p in phones)), timeout * 2)
    return time.perf_counter() - started, failed


async def storm(phones: list[Phone], timeout: float) -> dict[str, Any]:
    """Phase (b): drop every socket at once, then wait until every phone is back."""
    for phone in phones:
        if phone.ws is not None:
            phone.ws.transport.abort()  # no close frame: the network went away
    await asyncio.gather(*(p.reader for p in phones if p.reader), return_exceptions=True)
    old = {p.index: p.snapshot_text for p in phones}
    for phone in phones:
        phone.ws, phone.reader, phone.snapshot_text = None, None, ""
    started = time.perf_counter()
    deadline = started + timeout
    times = await asyncio.gather(*(come_back(p, deadline) for p in phones))
    back = [t for t in times if t is not None]
    return {
        "seconds": time.perf_counter() - started,
        "back": len(back),
        "p50": base.percentile(back, 50),
        "p95": base.percentile(back, 95),
        "failed_handshakes": sum(p.failed_handshakes for p in phones),
        "fresh": sum(1 for p in phones if p.snapshot_text and p.snapshot_text is not old[p.index]),
    }


async def burst(phones: list[Phone], poll_id: int, seconds: float, timeout: float) -> dict:
    """Phase (c): every phone casts one ballot; the sends are spread over `seconds`."""
    sent: dict[int, tuple[float, str]] = {}
    started = time.perf_counter()
    step = seconds / max(1, len(phones))
    for i, phone in enumerate(phones):
        delay = started + i * step - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        client_id = str(uuid.uuid4())
        answer = {"choice": "yes" if i % 2 == 0 else "no"}
        message = {"type": "ballot.cast", "poll": poll_id, "answer": answer, "client_id": client_id}
        sent[phone.index] = (time.perf_counter(), client_id)
        await phone.ws.send(json.dumps(message))
    last_send = time.perf_counter()
    await base.wait_until(lambda: all(p.acks for p in phones), timeout, step=0.02)
    latencies = [p.acks[0] - sent[p.index][0] for p in phones if p.acks]
    return {
        "acks": sum(1 for p in phones if p.acks),
        "lost": sum(1 for p in phones if not p.acks),
        "doubled": sum(1 for p in phones if len(p.acks) > 1),
        "wrong_id": sum(1 for p in phones if p.ack_ids and p.ack_ids[0] != sent[p.index][1]),
        "p50": base.percentile(latencies, 50),
        "p95": base.percentile(latencies, 95),
        "last_ack_after_last_send": max((p.acks[0] for p in phones if p.acks), default=0)
        - last_send,
        "errors": sum(len(p.errors) for p in phones),
    }


async def close_all(phones: list[Phone]) -> None:
    for phone in phones:
        if phone.ws is not None:
            phone.ws.transport.abort()
    await asyncio.gather(*(p.reader for p in phones if p.reader), return_exceptions=True)


async def drive(
    args: argparse.Namespace,
    targets: list[Target],
    keys: list[str],
    poll_id: int | None,
    cpu: Any,
) -> dict[str, Any]:
    """Run (a), (b) and (c); phone i talks to targets[i % len(targets)]."""
    phones = [Phone(i, key, targets[i % len(targets)]) for i, key in enumerate(keys)]
    out: dict[str, Any] = {}
    cpu_before = cpu()
    connected = await connect_all(phones, args.concurrency, args.timeout)
    out["connect"], out["connect_failed"] = connected
    out["connect_cpu"] = cpu() - cpu_before
    out["snapshot_bytes"] = max((len(p.snapshot_text) for p in phones), default=0)
    out["sample_snapshot"] = next((p.snapshot_text for p in phones if p.snapshot_text), "")
    await asyncio.sleep(0.5)
    cpu_before = cpu()
    out["storm"] = await storm(phones, args.timeout)
    out["storm_cpu"] = cpu() - cpu_before
    if poll_id is not None and out["storm"]["back"] == len(phones):
        out["burst"] = await burst(phones, poll_id, args.burst_seconds, args.timeout)
    await close_all(phones)
    return out


# -- the bare websockets baseline -----------------------------------------------------------


def bare_server(port: int, snapshot_file: str) -> None:
    """Serve a snapshot to every socket, then answer each ballot with an ack (baseline)."""
    from websockets.asyncio.server import serve

    # Sockets dropped on purpose in the storm are not errors here.
    logging.getLogger("websockets").setLevel(logging.CRITICAL)
    snapshot = Path(snapshot_file).read_text()

    async def handler(ws: Any) -> None:
        await ws.send(snapshot)
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") == "ballot.cast":
                ack = {"type": "ballot.ack", "client_id": message.get("client_id")}
                await ws.send(json.dumps(ack))

    async def main() -> None:
        async with serve(handler, base.HOST, port, compression=None, ping_interval=None):
            print("ready", flush=True)
            await asyncio.Future()

    asyncio.run(main())


def start_bare(tmp: Path, snapshot: str) -> tuple[subprocess.Popen[str], int]:
    path = tmp / "snapshot.json"
    path.write_text(snapshot)
    port = base.free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--bare-server", str(port), "--bare-snapshot", str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        raise base.SetupError("the bare websockets server did not start")
    return proc, port


def process_cpu(*pids: int) -> Any:
    """Return a function giving the CPU seconds of these processes together."""

    def read() -> float:
        stats = [base.proc_stat(pid) for pid in pids]
        return sum(stat.cpu for stat in stats if stat)

    return read


# -- report ---------------------------------------------------------------------------------


def goal(value: float, limit: float) -> str:
    return "met" if value <= limit else "NOT met"


def report(args: argparse.Namespace, coprod: dict[str, Any], bare: dict[str, Any] | None) -> bool:
    n = args.phones
    ok = True
    servers = "one daphne process" if args.processes == 1 else f"{args.processes} daphne processes"
    print(f"phones bench: {n} phones in one meeting, {servers}")
    db = "PostgreSQL + Redis" if args.services else "SQLite + in-memory layer"
    rows = [("coprod (" + db + ")", coprod)]
    if bare is not None:
        rows.append(("bare websockets server", bare))
    storm_goal = GOAL_STORM if args.processes == 1 else GOAL_STORM_SCALED
    for name, r in rows:
        s = r["storm"]
        print(f"== {name}")
        print(
            f"  (a) connect + snapshot, {args.concurrency} at a time: {r['connect']:.2f} s "
            f"(goal <= {GOAL_CONNECT:.0f} s: {goal(r['connect'], GOAL_CONNECT)}), "
            f"failed {r['connect_failed']}, server CPU {r['connect_cpu'] * 1000 / n:.2f} ms/phone, "
            f"snapshot {r['snapshot_bytes']} bytes"
        )
        print(
            f"  (b) storm, all dropped at once: {s['back']}/{n} back with a fresh snapshot in "
            f"{s['seconds']:.2f} s (goal <= {storm_goal:.0f} s: {goal(s['seconds'], storm_goal)}), "
            f"p50 {s['p50']:.2f} s, p95 {s['p95']:.2f} s, failed handshakes "
            f"{s['failed_handshakes']}, gave up {n - s['back']} (goal 0), "
            f"server CPU {r['storm_cpu'] * 1000 / n:.2f} ms/phone"
        )
        if r["connect_failed"] or s["back"] != n or s["fresh"] != n:
            ok = False
        b = r.get("burst")
        if b is not None:
            print(
                f"  (c) burst of {n} ballots over {args.burst_seconds:.1f} s: acks {b['acks']}, "
                f"lost {b['lost']}, doubled {b['doubled']}, errors {b['errors']}, "
                f"ack p50 {b['p50']:.2f} s, p95 {b['p95']:.2f} s, last ack "
                f"{b['last_ack_after_last_send']:.2f} s after the last send"
            )
            if name.startswith("coprod") and (b["lost"] or b["doubled"] or b["wrong_id"]):
                ok = False
    return ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.bare_server:
        bare_server(args.bare_server, args.bare_snapshot)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="coprod-phones-"))
    env = base.bench_env(args, tmp)
    db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phones-db")
    daphnes: list[base.Daphne] = []
    bare_proc: subprocess.Popen[str] | None = None
    profiler: subprocess.Popen[bytes] | None = None
    code = 2
    created_pg = False
    try:
        base.raise_open_files(args.phones * 3 + 512)
        if args.services:
            base.redis_check()
            base.pg_create()
            created_pg = True
        base.migrate(env)
        base.django_setup(env)
        seed = db.submit(base.seed, args.phones).result(timeout=900)
        db.submit(base.close_db).result(timeout=30)
        keys = [key for _member, key in seed.phones]
        for i in range(args.processes):
            logs = tmp / f"daphne-{i + 1}"
            logs.mkdir()
            daphnes.append(base.Daphne(env, logs, base.free_port()))
        for daphne in daphnes:
            daphne.wait_ready(timeout=60)
        if args.py_spy:
            spy = shutil.which("py-spy") or str(base.VENV_BIN / "py-spy")
            # --gil: only the thread holding the GIL, so the profile shows where CPU goes.
            command = [spy, "record", "-p", str(daphnes[0].pid), "-r", "100", "--threads", "--gil"]
            command += ["-f", "raw", "-o", args.py_spy, "--nonblocking"]
            profiler = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        targets = [
            Target(
                f"ws://{base.HOST}:{d.port}/ws/meeting/{seed.meeting_id}/",
                f"http://{base.HOST}:{d.port}",
            )
            for d in daphnes
        ]
        cpu = process_cpu(*(d.pid for d in daphnes))
        coprod = asyncio.run(drive(args, targets, keys, seed.poll_id, cpu))
        if profiler is not None:
            profiler.send_signal(2)
            profiler.wait(timeout=60)
            profiler = None
        problems = []
        for daphne in daphnes:
            daphne.stop()
            problems += base.daphne_problems(daphne.stderr_text())
        daphnes = []
        for line in problems[:10]:
            print(f"daphne: {line[:300]}", file=sys.stderr)
        bare = None
        if not args.no_baseline:
            bare_proc, port = start_bare(tmp, coprod["sample_snapshot"] or "{}")
            bare_target = Target(f"ws://{base.HOST}:{port}/", f"http://{base.HOST}:{port}")
            cpu = process_cpu(bare_proc.pid)
            bare = asyncio.run(drive(args, [bare_target], keys, seed.poll_id, cpu))
        code = 0 if report(args, coprod, bare) and not problems else 1
    except base.SetupError as exc:
        print(f"phones bench: setup failed: {exc}", file=sys.stderr)
        code = 2
    finally:
        if profiler is not None:
            profiler.kill()
        if bare_proc is not None:
            bare_proc.kill()
            bare_proc.wait(timeout=10)
        for daphne in daphnes:
            daphne.stop()
        try:
            db.submit(base.close_db).result(timeout=30)
        except Exception:  # noqa: BLE001,S110 - Django may not be set up
            pass
        db.shutdown(wait=False)
        if created_pg:
            base.pg_drop()
        if args.keep or code == 1:
            print(f"logs kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
