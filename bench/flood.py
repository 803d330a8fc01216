"""Flood benchmark: honest phones' ack times with and without one flooding phone beside them.

Found on main: 2,000 messages in 2 s from one socket were all processed, and one
member's extra sockets slowed every other phone. This starts `daphne asgi:application`
on a fresh database (as bench/run.py does, and with its helpers), connects N honest
phones that each change their vote every `--interval` seconds (a pace no rate limit
should touch), and measures each ballot's time to its `ballot.ack`:

1. baseline: the honest phones alone;
2. flood: the same, while one more phone sends ballots as fast as it can on
   `--flood-sockets` sockets, opening a new socket whenever one is closed;
3. with `--unlimited` (as `make bench` runs it), the flood again on a daphne whose
   websocket limits are lifted through the environment, as on main.

Run with `make bench`, or `SECRET_KEY=bench .venv/bin/python bench/flood.py --help`.
Exit 0 when every honest ballot was acknowledged without an error, 1 otherwise, 2 when
the run could not be set up. It is not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
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

UNLIMITED = {
    "WS_RATE_BURST": "1000000",
    "WS_RATE_PER_SECOND": "1000000",
    "WS_MAX_SOCKETS_PER_PERSON": "1000000",
    "WS_CONNECT_BURST": "1000000",
    "WS_CONNECT_PER_SECOND": "1000000",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--phones", type=int, default=30, help="honest phones (30)")
    p.add_argument("--ballots", type=int, default=15, help="ballots each honest phone sends (15)")
    p.add_argument(
        "--interval", type=float, default=0.4, help="seconds between a phone's ballots (0.4)"
    )
    p.add_argument("--flood-sockets", type=int, default=20, help="the flooder's sockets (20)")
    p.add_argument(
        "--flood-rate",
        type=float,
        default=1000.0,
        help="messages a second the flooder sends over all its sockets (1000; the bench "
        "client shares the CPU with daphne, so an unpaced flood would slow daphne itself)",
    )
    p.add_argument("--unlimited", action="store_true", help="also flood with the limits lifted")
    p.add_argument("--services", action="store_true", help="PostgreSQL + Redis, as bench/run.py")
    p.add_argument("--timeout", type=float, default=60.0, help="limit of each wait (60)")
    p.add_argument("--keep", action="store_true", help="keep the temp dir and daphne's logs")
    p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


@dataclass
class Phone:
    member_id: int
    session_key: str
    ws: Any = None
    sent: dict[str, float] = field(default_factory=dict)
    acked: dict[str, float] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Flood:
    sent: int = 0
    acked: int = 0
    rate_limited: int = 0
    other_errors: int = 0
    sockets_opened: int = 0
    closes: dict[int, int] = field(default_factory=dict)


async def open_ws(url: str, origin: str, session_key: str, timeout: float) -> Any:
    from websockets.asyncio.client import connect

    ws = await connect(
        url,
        origin=origin,  # type: ignore[arg-type]
        additional_headers={"Cookie": f"sessionid={session_key}"},
        compression=None,
        proxy=None,
        open_timeout=timeout,
        ping_interval=None,
        close_timeout=2,
        max_queue=None,
    )
    await asyncio.wait_for(ws.recv(), timeout)  # the snapshot
    return ws


def ballot(poll_id: int, n: int) -> tuple[str, str]:
    client_id = str(uuid.uuid4())
    text = json.dumps(
        {
            "type": "ballot.cast",
            "poll": poll_id,
            "client_id": client_id,
            "answer": {"choice": "yes" if n % 2 else "no"},
        }
    )
    return client_id, text


async def honest(phone: Phone, poll_id: int, args: argparse.Namespace, offset: float) -> None:
    """Change this phone's vote every interval; note when each ballot is acknowledged."""

    async def read() -> None:
        async for raw in phone.ws:
            message = json.loads(raw)
            if message.get("type") == "ballot.ack":
                phone.acked.setdefault(message["client_id"], time.perf_counter())
            elif message.get("type") == "error":
                phone.errors.append(message)

    reader = asyncio.create_task(read())
    await asyncio.sleep(offset)
    for n in range(args.ballots):
        client_id, text = ballot(poll_id, n)
        phone.sent[client_id] = time.perf_counter()
        await phone.ws.send(text)
        await asyncio.sleep(args.interval)
    await base.wait_until(lambda: len(phone.acked) >= len(phone.sent), args.timeout, 0.01)
    reader.cancel()


async def flood_socket(
    url: str, origin: str, key: str, poll_id: int, flood: Flood, stop: Any, pause: float
) -> None:
    """Send ballots at a flood's pace on one socket; when it is closed, open another."""
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    while not stop.is_set():
        try:
            ws = await open_ws(url, origin, key, 10)
        except ConnectionClosed as exc:
            # Accepted, then closed before the snapshot: refused for connecting too often.
            code = exc.rcvd.code if exc.rcvd else 0
            flood.closes[code] = flood.closes.get(code, 0) + 1
            await asyncio.sleep(0.05)
            continue
        except (InvalidStatus, OSError, TimeoutError):
            await asyncio.sleep(0.05)
            continue
        flood.sockets_opened += 1

        async def read(ws: Any = ws) -> None:
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "ballot.ack":
                    flood.acked += 1
                elif message.get("code") == "rate_limited":
                    flood.rate_limited += 1
                elif message.get("type") == "error":
                    flood.other_errors += 1

        reader = asyncio.create_task(read())
        try:
            n = 0
            while not stop.is_set():
                await ws.send(ballot(poll_id, n)[1])
                flood.sent += 1
                n += 1
                await asyncio.sleep(pause)
        except ConnectionClosed:
            # Closed by the server: note how, then open another.
            code = ws.close_code or 0
            flood.closes[code] = flood.closes.get(code, 0) + 1
        await ws.close()
        await asyncio.gather(reader, return_exceptions=True)


async def phase(
    args: argparse.Namespace, seed: Any, port: int, *, flooding: bool
) -> tuple[list[float], int, Flood]:
    base_url = f"ws://{base.HOST}:{port}"
    origin = f"http://{base.HOST}:{port}"
    url = f"{base_url}/ws/meeting/{seed.meeting_id}/"
    flooder_key = seed.phones[-1][1]
    phones = [Phone(m, k) for m, k in seed.phones[: args.phones]]
    for phone in phones:
        phone.ws = await open_ws(url, origin, phone.session_key, args.timeout)
    flood, stop = Flood(), asyncio.Event()
    flooders = []
    pause = args.flood_sockets / args.flood_rate
    if flooding:
        flooders = [
            asyncio.create_task(
                flood_socket(url, origin, flooder_key, seed.poll_id, flood, stop, pause)
            )
            for _ in range(args.flood_sockets)
        ]
        await asyncio.sleep(1.0)  # the flood is under way before the honest phones vote
    spread = args.interval / max(1, len(phones))
    await asyncio.wait_for(
        asyncio.gather(*(honest(p, seed.poll_id, args, i * spread) for i, p in enumerate(phones))),
        args.timeout * 2,
    )
    stop.set()
    await asyncio.wait_for(asyncio.gather(*flooders, return_exceptions=True), args.timeout)
    for phone in phones:
        await phone.ws.close()
    acks = [p.acked[c] - t for p in phones for c, t in p.sent.items() if c in p.acked]
    missing = sum(len(p.sent) - len(p.acked) for p in phones)
    errors = sum(len(p.errors) for p in phones)
    return acks, missing + errors, flood


def audit_events(forum_id: int) -> int:
    from deliberation.models import AuditEvent

    return AuditEvent.objects.filter(forum_id=forum_id).count()


def ms(values: list[float], q: float) -> str:
    return f"{base.percentile(values, q) * 1000:.0f}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="coprod-flood-"))
    env = base.bench_env(args, tmp)
    db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="flood-db")
    daphne: base.Daphne | None = None
    rows: list[tuple[str, list[float], int, Flood, int]] = []
    code = 2
    created_pg = False
    try:
        base.raise_open_files(args.phones * 2 + args.flood_sockets * 4 + 512)
        if args.services:
            base.redis_check()
            base.pg_create()
            created_pg = True
        base.migrate(env)
        base.django_setup(env)
        seed = db.submit(base.seed, args.phones + 1).result(timeout=600)
        db.submit(base.close_db).result(timeout=30)
        runs = [("honest phones alone", {}, False), ("one phone flooding", {}, True)]
        if args.unlimited:
            runs.append(("flooding, limits lifted (as main)", UNLIMITED, True))
        code = 0
        for name, extra_env, flooding in runs:
            logs = tmp / name.split(",")[0].replace(" ", "-")
            logs.mkdir()
            daphne = base.Daphne({**env, **extra_env}, logs, base.free_port())
            daphne.wait_ready(timeout=60)
            before = db.submit(audit_events, seed.forum_id).result(timeout=60)
            acks, failures, flood = asyncio.run(phase(args, seed, daphne.port, flooding=flooding))
            db.submit(base.close_db).result(timeout=30)
            events = db.submit(audit_events, seed.forum_id).result(timeout=60) - before
            daphne.stop()
            problems = base.daphne_problems(daphne.stderr_text())
            daphne = None
            rows.append((name, acks, failures, flood, events))
            if failures or problems:
                code = 1
            for line in problems[:10]:
                print(f"daphne ({name}): {line[:300]}", file=sys.stderr)
    except base.SetupError as exc:
        print(f"flood bench: setup failed: {exc}", file=sys.stderr)
        code = 2
    finally:
        if daphne is not None:
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
    print(
        f"flood bench: {args.phones} honest phones x {args.ballots} ballots, one every "
        f"{args.interval} s; flooder: {args.flood_rate:.0f} messages/s on "
        f"{args.flood_sockets} sockets"
    )
    print(
        f"{'run':36} {'acks':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'failed':>6}"
        f" {'flood sent':>10} {'flood acked':>11} {'limited':>8} {'sockets':>8} {'events':>7}"
    )
    for name, acks, failures, flood, events in rows:
        print(
            f"{name:36} {len(acks):5} {ms(acks, 50):>7} {ms(acks, 95):>7} {ms(acks, 100):>7}"
            f" {failures:6} {flood.sent:10} {flood.acked:11} {flood.rate_limited:8}"
            f" {flood.sockets_opened:8} {events:7}"
        )
        if flood.closes:
            codes = dict(sorted(flood.closes.items()))
            print(f"  {'':34} flooder's sockets closed with codes: {codes}")
    return code


if __name__ == "__main__":
    sys.exit(main())
