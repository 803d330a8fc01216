"""Memory benchmark of one huge request: what a 300 MB POST costs the server.

Starts the server as `make run` does (`python -m coprod.server`, or plain `daphne` with
`--plain-daphne`, to compare) on a fresh SQLite database, then sends one anonymous
POST of `--megabytes` MB to a public page: once with a Content-Length (multipart, as a
form with a photo) and once chunked (no length). For each it prints the server's
resident memory before and after, its peak, the bytes it wrote to disk, the answer
and how much of the body the server took before it closed the connection.

Run with `make bench` (or `SECRET_KEY=bench .venv/bin/python bench/request_size.py`).
It exits 0 when both requests get 413 and the server's memory grew by less than
`--max-growth` MB, 1 otherwise, and 2 when the run could not be set up.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PIECE = 1024 * 1024


@dataclass
class Result:
    name: str
    rss_before: int
    rss_after: int
    peak: int
    disk_written: int
    status: str
    body_sent: int
    seconds: float


def proc_kib(pid: int, field: str) -> int:
    """Return a VmRSS / VmHWM figure of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not found")


def proc_written(pid: int) -> int:
    """Return the bytes a process has written to storage so far."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    return 0


def reset_peak(pid: int) -> None:
    """Start the process's peak memory figure again from its current size."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_for(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            print(f"the server exited with code {proc.returncode}:", file=sys.stderr)
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise SystemExit(2)
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    print(f"the server did not answer on port {port} within {timeout:.0f} s", file=sys.stderr)
    raise SystemExit(2)


def send_huge(port: int, megabytes: int, *, chunked: bool) -> tuple[str, int, float]:
    """POST a huge body; return the status line, the body bytes sent and the seconds taken."""
    total = megabytes * PIECE
    boundary = "benchboundary"
    if chunked:
        head = (
            f"POST /join/ HTTP/1.1\r\nHost: {HOST}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        )
        piece = b"%x\r\n" % PIECE + b"a" * PIECE + b"\r\n"
    else:
        head = (
            f"POST /join/ HTTP/1.1\r\nHost: {HOST}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {total}\r\n\r\n"
        )
        piece = b"a" * PIECE
    sent = 0
    started = time.monotonic()
    with socket.create_connection((HOST, port)) as sock:
        sock.sendall(head.encode())
        try:
            while sent < total:
                sock.sendall(piece)
                sent += PIECE
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(120)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
                if b"\r\n" in data:
                    break
        except (TimeoutError, ConnectionResetError):
            pass
    status = data.split(b"\r\n", 1)[0].decode(errors="replace") or "(connection closed)"
    return status, sent, time.monotonic() - started


def measure(pid: int, port: int, megabytes: int, *, chunked: bool) -> Result:
    time.sleep(0.5)
    reset_peak(pid)
    before = proc_kib(pid, "VmRSS")
    written = proc_written(pid)
    status, sent, seconds = send_huge(port, megabytes, chunked=chunked)
    time.sleep(1.0)
    return Result(
        name="chunked" if chunked else "Content-Length",
        rss_before=before,
        rss_after=proc_kib(pid, "VmRSS"),
        peak=proc_kib(pid, "VmHWM"),
        disk_written=proc_written(pid) - written,
        status=status,
        body_sent=sent,
        seconds=seconds,
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--megabytes", type=int, default=300, help="size of each POST (300)")
    p.add_argument(
        "--plain-daphne",
        action="store_true",
        help="start plain `daphne` instead of `python -m coprod.server`, to compare",
    )
    p.add_argument("--max-growth", type=float, default=8.0, help="MB the server may grow by (8)")
    args = p.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="coprod-bench-size-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "coprod.settings",
            # A throwaway key strong enough for asgi.py, which refuses a weak one (as
            # `make bench`'s SECRET_KEY=bench is) when DEBUG is off.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "ERROR",
            "SQLITE_PATH": str(tmp / "bench.sqlite3"),
            "MEDIA_ROOT": str(tmp / "media"),
            "TMPDIR": str(tmp),
        }
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    if args.plain_daphne:
        command = [str(Path(sys.executable).parent / "daphne")]
        server = "daphne (plain)"
    else:
        command = [sys.executable, "-m", "coprod.server"]
        server = "python -m coprod.server"
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [*command, "-b", HOST, "-p", str(port), "asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results: list[Result] = []
    try:
        wait_for(port, proc, tmp / "server.log")
        for chunked in (False, True):
            results.append(measure(proc.pid, port, args.megabytes, chunked=chunked))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)

    mb = 1024 * 1024
    print(f"server: {server}; one POST of {args.megabytes} MB each")
    ok = True
    for r in results:
        growth = (r.rss_after - r.rss_before) / mb
        peak_growth = (r.peak - r.rss_before) / mb
        print(
            f"  {r.name:15} {r.status!r}: RSS {r.rss_before / mb:.1f} -> {r.rss_after / mb:.1f} MB "
            f"(peak +{peak_growth:.1f} MB), disk written {r.disk_written / mb:.1f} MB, "
            f"body sent before the server stopped it {r.body_sent / mb:.0f} MB, {r.seconds:.2f} s"
        )
        ok = ok and " 413 " in f"{r.status} " and max(growth, peak_growth) <= args.max_growth
    print("result: " + ("refused, memory bounded" if ok else "NOT bounded"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
