"""Real daphne processes for tests, started as `make run` and the systemd unit start them.

`python -m coprod.server` serves the test's own database (and, in the PostgreSQL +
Redis run, the same Redis, so several processes serve one meeting together).
"""

import gc
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def close_connections_before_fork() -> None:
    """Close this process's database connections, before forking a daphne from it.

    SQLite must not be open across a fork: its locks belong to the process, and the
    child would share the parent's lock bookkeeping for the file (sqlite.org, "How To
    Corrupt An SQLite Database File", 2.6). SQLite connections are kept, one per thread
    that used one: this thread's, the thread-sensitive executor's, the kept request
    threads' (coprod.handler), and those of threads already gone, whose connections are
    closed when collected.
    """
    from asgiref.sync import SyncToAsync
    from django.db import connections

    from coprod.handler import THREADS

    connections.close_all()
    THREADS.close_idle()
    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)
    gc.collect()
    # PostgreSQL's pool: its sockets would be shared with the child, and its threads are
    # not copied; the child makes its own.
    for conn in connections.all(initialized_only=True):
        if conn.vendor == "postgresql":
            conn.close_pool()


def forked_application(**kwargs: Any) -> Any:
    """Make the ASGI app in a daphne forked from this test process, as a fresh daphne.

    For daphne.testing.DaphneProcess, which forks and then calls this in the child. A
    fork copies the memory of every thread but runs only the forking one, so what the
    tests before left behind must not be used there:
    - asgiref's one thread for thread-sensitive sync code (ballots are written through it)
      was started by earlier live-meeting tests; in the child its executor still counts
      that thread, which never runs there, so every ballot waited forever;
    - the live meeting's per-process state (workers, shared snapshots, open sockets)
      belongs to the parent's event loops and sockets.
    """
    from asgiref.sync import SyncToAsync
    from channels.testing.live import make_application

    from deliberation import consumers, live, realtime
    from deliberation.selectors import meetings

    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
    realtime.forget_process_state()
    live.SHARED_SNAPSHOTS.entries.clear()
    meetings._phone_shared.clear()
    consumers.OPEN_SOCKETS.clear()
    return make_application(**kwargs)


def http_scope(
    path: str = "/", method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None
) -> dict[str, Any]:
    """The ASGI scope daphne gives an HTTP request from 127.0.0.1, for calling an app directly."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), *(headers or [])],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(media: Path, **extra: str) -> dict[str, str]:
    """The environment of a server sharing this test's database (and Redis, if any)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["SQLITE_PATH"] = str(db["NAME"])
    else:
        password = urllib.parse.quote(db["PASSWORD"] or "")
        user = db["USER"] + (f":{password}" if password else "")
        env["DATABASE_URL"] = f"postgres://{user}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "coprod.settings",
            "SECRET_KEY": "test-only",
            "DEBUG": "0",
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "MEDIA_ROOT": str(media),
        }
    )
    env.update(extra)
    return env


class Daphne:
    """One `python -m coprod.server` process, on a TCP port or a unix socket."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        *,
        port: int | None = None,
        unix: Path | None = None,
        options: tuple[str, ...] = (),
    ) -> None:
        assert (port is None) != (unix is None), "a port or a unix socket"
        self.env = env
        self.log_path = log
        self.port = port
        self.unix = unix
        self.options = options
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> None:
        """Start the process; ready() waits until it listens."""
        bind = ["-b", "127.0.0.1", "-p", str(self.port)] if self.port else ["-u", str(self.unix)]
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coprod.server", *bind, *self.options, "asgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def _listening(self) -> bool:
        try:
            if self.unix is not None:
                with socket.socket(socket.AF_UNIX) as s:
                    s.settimeout(1)
                    s.connect(str(self.unix))
            else:
                socket.create_connection(("127.0.0.1", self.port or 0), timeout=1).close()
        except OSError:
            return False
        return True

    def ready(self, timeout: float = 60) -> None:
        """Wait until the process accepts connections, or fail with its log."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while not self._listening():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(self.log_path.read_text(errors="replace"))
            time.sleep(0.1)

    def kill(self) -> None:
        """Kill the process at once (SIGKILL), as a crash or the OOM killer would."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL) and close its log."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
