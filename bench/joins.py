"""Join benchmark: N phones join one meeting over HTTP from their personal links.

Issue 12 measured 80–122 s for 1,000 joins on the embedded default. This starts the real
app (`python -m coprod.server`, as `make run` does) on a free port with a fresh SQLite
database (or PostgreSQL + Redis with `--services`), makes a forum with `--members`
members and an open meeting with an open vote, then has every member join as a phone
does, `--concurrency` at a time, from plain threads with urllib:

1. GET the personal link (`/i/<token>/`), which shows "Yes, this is me";
2. POST that form (with its CSRF token), which joins and redirects to
3. the phone page (`/m/<meeting>/`), which must answer 200 with the vote on it.

It prints joins per second, the p50/p95/max of one whole join, and the errors, beside
the goal (at least 200 joins a second, no error), then checks the database: every
member present, one `attendance.joined` audit event each, the audit chain intact.

Run with `make bench`, or `SECRET_KEY=bench .venv/bin/python bench/joins.py --help`.
Exit 0 when every join worked and the checks hold (the goal line does not change it),
1 otherwise, 2 when the run could not be set up. It is not part of the test suite.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as base  # noqa: E402  (bench/run.py: environment, migrate, daphne)

GOAL_JOINS_PER_SECOND = 200.0
TLS = ssl.create_default_context()  # never used: the bench speaks plain http
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--members", type=int, default=1000, help="members who join (1000)")
    p.add_argument("--concurrency", type=int, default=50, help="joins at once (50)")
    p.add_argument(
        "--services", action="store_true", help="PostgreSQL + Redis instead of the embedded default"
    )
    p.add_argument("--keep", action="store_true", help="keep the temp dir (logs, database)")
    p.add_argument("--no-baseline", action="store_true", help="skip plain daphne with fixed pages")
    args = p.parse_args(argv)
    args.debug = False  # bench_env() of run.py reads it
    if args.members < 1 or args.concurrency < 1:
        p.error("--members and --concurrency must be at least 1")
    return args


@dataclass
class Seed:
    forum_id: int
    meeting_id: int
    tokens: list[str]


def seed(n: int) -> Seed:
    """A forum with n members, an open meeting and an open yes/no vote; nobody joined yet."""
    from django.db import transaction

    from deliberation.models import Member, Role
    from deliberation.services import forums as forum_services
    from deliberation.services import meetings as meeting_services
    from deliberation.services import polls as poll_services

    forum = forum_services.forum_create(name="Bench Partnership Board", slug="bench-board")
    meeting = meeting_services.meeting_create(
        forum=forum, title="Bench meeting", agenda=["Welcome", "Day services"]
    )
    meeting = meeting_services.meeting_open(meeting=meeting)
    constituencies = ("lived_experience", "staff", "commissioner")
    with transaction.atomic():
        # Setup only: bulk rows. The joins themselves go through the app.
        Member.objects.bulk_create(
            Member(
                forum=forum,
                name=f"Bench person {i + 1:04d}",
                constituency=constituencies[i % 3],
                role=Role.PARTICIPANT,
            )
            for i in range(n)
        )
    tokens = list(
        Member.objects.filter(forum=forum, user__isnull=True)
        .order_by("pk")
        .values_list("invite_token", flat=True)
    )
    poll = poll_services.poll_create(
        forum=forum,
        meeting=meeting,
        question="Should the day centre open on Saturdays?",
        method="yes_no",
    )
    poll_services.poll_open(poll=poll)
    return Seed(forum_id=forum.pk, meeting_id=meeting.pk, tokens=tokens)


@dataclass
class Results:
    seconds: list[float] = field(default_factory=list)
    # Each step's own time: which of the three requests the slow joins wait in.
    steps: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def join_one(base_url: str, token: str, meeting_id: int, results: Results) -> None:
    """Join as one phone: open the personal link, press "Yes, this is me", see the phone page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPCookieProcessor(jar),
        NoRedirect(),
        # One TLS context for every phone: building urllib's default one reads the CA
        # files, 23 ms of this client's CPU per join (more than plain daphne's 1.5 ms).
        urllib.request.HTTPSHandler(context=TLS),
    )
    link = f"{base_url}/i/{token}/"
    phone = f"/m/{meeting_id}/"
    started = time.perf_counter()
    times: dict[str, float] = {}
    step = "GET link"
    try:
        with opener.open(link, timeout=60) as page:
            found = CSRF_FIELD.search(page.read().decode())
        if not found:
            raise ValueError("no CSRF token on the link's page")
        times[step] = time.perf_counter() - started
        step = "POST link"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": found.group(1)}).encode()
        try:
            opener.open(urllib.request.Request(link, data=body), timeout=60).close()
            raise ValueError("the join did not redirect")
        except urllib.error.HTTPError as exc:
            if exc.code != 302 or exc.headers.get("Location") != phone:
                raise
        times[step] = time.perf_counter() - started - sum(times.values())
        step = "GET phone"
        with opener.open(base_url + phone, timeout=60) as page:
            text = page.read().decode()
        if 'id="live-config"' not in text:
            raise ValueError("the phone page is not the live meeting")
        times[step] = time.perf_counter() - started - sum(times.values())
    except urllib.error.HTTPError as exc:
        with results.lock:
            results.errors.append(f"{step}: HTTP {exc.code}")
        return
    except (OSError, ValueError) as exc:
        with results.lock:
            results.errors.append(f"{step}: {exc}")
        return
    with results.lock:
        results.seconds.append(time.perf_counter() - started)
        for name, seconds in times.items():
            results.steps.setdefault(name, []).append(seconds)


def check_db(forum_id: int, meeting_id: int, n: int) -> list[str]:
    from deliberation import audit
    from deliberation.models import Attendance, AuditEvent, Forum

    problems = []
    present = Attendance.objects.filter(meeting_id=meeting_id, status="present").count()
    if present != n:
        problems.append(f"{present} of {n} members are present")
    joined = AuditEvent.objects.filter(forum_id=forum_id, kind="attendance.joined").count()
    if joined != n:
        problems.append(f"{joined} attendance.joined audit events for {n} joins")
    broken = audit.verify_forum(Forum.objects.get(pk=forum_id))
    if broken:
        problems.append(f"audit chain broken: {broken}")
    return problems


def join_all(base_url: str, tokens: list[str], meeting_id: int, concurrency: int) -> tuple:
    """Join every token, `concurrency` at a time; return (seconds, results)."""
    results = Results()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for token in tokens:
            pool.submit(join_one, base_url, token, meeting_id, results)
    return time.perf_counter() - started, results


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait until the server at url answers anything, or fail."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise base.SetupError(f"the baseline daphne exited with code {proc.returncode}")
        try:
            opener.open(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise base.SetupError(f"the baseline daphne did not answer on {url}")


def baseline(
    label: str,
    command: list[str],
    env: dict[str, str] | None,
    tokens: list[str],
    concurrency: int,
    tmp: Path,
) -> None:
    """The same joins against another app on this machine: see bare_join.py, django_floor.py."""
    import bare_join

    port = base.free_port()
    log = open(tmp / f"baseline-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", *command, "-b", base.HOST, "-p", str(port)],
        cwd=Path(__file__).resolve().parent,
        env=env,
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://{base.HOST}:{port}/", proc, timeout=30)
        cpu_before = base.proc_stat(proc.pid)
        elapsed, results = join_all(
            f"http://{base.HOST}:{port}", tokens, bare_join.MEETING, concurrency
        )
        cpu_after = base.proc_stat(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    rate = len(results.seconds) / elapsed if elapsed else 0.0
    cpu = cpu_after.cpu - cpu_before.cpu if cpu_before and cpu_after else float("nan")
    print(
        f"{label}: {rate:8.1f} joins/s, CPU {cpu * 1000 / max(1, len(tokens)):.1f} ms per join,"
        f" errors {len(results.errors)}"
    )


def baselines(env: dict[str, str], tokens: list[str], concurrency: int, tmp: Path) -> None:
    """Measure plain daphne with fixed pages, then Django as coprod runs it with trivial views."""
    baseline(
        "bare daphne, fixed pages (the same three requests, no Django)",
        ["daphne", "bare_join:application"],
        None,
        tokens,
        concurrency,
        tmp,
    )
    baseline(
        "Django as coprod runs it, three trivial views (bench/django_floor.py)",
        ["coprod.server", "django_floor:application"],
        env,
        tokens,
        concurrency,
        tmp,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="coprod-joins-"))
    env = base.bench_env(args, tmp)
    # Plain http on 127.0.0.1: cookies marked Secure would never come back.
    env["SECURE_COOKIES"] = "0"
    daphne = None
    ok = False
    try:
        base.raise_open_files(4 * args.concurrency + 256)
        if args.services:
            base.pg_create()
            base.redis_check()
        base.migrate(env)
        base.django_setup(env)
        started = time.perf_counter()
        data = seed(args.members)
        print(f"seeded {args.members} members in {time.perf_counter() - started:.1f} s")
        base.close_db()
        port = base.free_port()
        daphne = base.Daphne(env, tmp, port)
        daphne.wait_ready(60)
        base_url = f"http://{base.HOST}:{port}"
        cpu_before = daphne.stat()
        elapsed, results = join_all(base_url, data.tokens, data.meeting_id, args.concurrency)
        cpu_after = daphne.stat()
        rate = len(results.seconds) / elapsed if elapsed else 0.0
        problems = check_db(data.forum_id, data.meeting_id, args.members)
        base.close_db()
        engine = "PostgreSQL + Redis" if args.services else "SQLite + in-memory layer"
        print(f"{args.members} joins ({engine}), {args.concurrency} at a time: {elapsed:.1f} s")
        print(f"  joins/s      {rate:8.1f}   (goal >= {GOAL_JOINS_PER_SECOND:.0f})")
        if results.seconds:
            print(
                f"  one join     p50 {base.percentile(results.seconds, 50):.3f} s"
                f"   p95 {base.percentile(results.seconds, 95):.3f} s"
                f"   max {max(results.seconds):.3f} s"
            )
            for name, seconds in results.steps.items():
                print(
                    f"    {name:9s}  p50 {base.percentile(seconds, 50):.3f} s"
                    f"   p95 {base.percentile(seconds, 95):.3f} s   max {max(seconds):.3f} s"
                )
        if cpu_before and cpu_after:
            cpu = cpu_after.cpu - cpu_before.cpu
            per_join = cpu * 1000 / max(1, args.members)
            print(f"  daphne CPU   {cpu:.1f} s ({per_join:.1f} ms per join)")
        print(f"  errors       {len(results.errors):8d}   (goal 0)")
        counts: dict[str, int] = {}
        for error in results.errors:
            counts[error] = counts.get(error, 0) + 1
        for error, count in sorted(counts.items(), key=lambda kv: -kv[1])[:10]:
            print(f"    {count:5d} x {error}")
        for problem in problems:
            print(f"  CHECK FAILED: {problem}")
        log_problems = base.daphne_problems(daphne.stderr_text())
        for line in log_problems[:10]:
            print(f"  daphne: {line}")
        met = rate >= GOAL_JOINS_PER_SECOND and not results.errors
        print(
            f"goal (>= {GOAL_JOINS_PER_SECOND:.0f} joins/s, 0 errors):",
            "met" if met else "NOT met",
        )
        ok = not results.errors and not problems and not log_problems
        if not args.no_baseline:
            daphne.stop()
            daphne = None
            baselines(env, data.tokens, args.concurrency, tmp)
        return 0 if ok else 1
    except base.SetupError as exc:
        print(f"setup failed: {exc}", file=sys.stderr)
        return 2
    finally:
        if daphne is not None:
            daphne.stop()
        if args.services:
            base.pg_drop()
        if args.keep or not ok:
            print(f"kept {tmp}")
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
