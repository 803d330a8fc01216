"""Start coprod as `make run` does: the web server and the background worker together.

`python -m coprod.run -b 127.0.0.1 -p 8000` starts daphne (`coprod.server`, with these
options) and the worker (`manage.py db_worker`) side by side. Ctrl-C, or a TERM
signal, stops both; if either stops by itself, the other is stopped too, so a
worker never keeps running unseen after the server has gone (or the other way round).
In production run them as two services instead (README, "The background worker").
"""

import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10


def commands(server_args: list[str]) -> list[list[str]]:
    """Return the worker's command and the server's, both with this Python."""
    return [
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload"],
        [sys.executable, "-m", "coprod.server", *server_args, "asgi:application"],
    ]


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(server_args: list[str]) -> int:
    """Run the worker and the server until either stops or we are asked to stop."""
    asked: list[int] = []

    def ask_to_stop(signum: int, frame: FrameType | None) -> None:
        asked.append(signum)

    signal.signal(signal.SIGINT, ask_to_stop)
    signal.signal(signal.SIGTERM, ask_to_stop)
    # Fixed commands made of this Python and the project's own modules.
    processes = [subprocess.Popen(command, cwd=ROOT) for command in commands(server_args)]  # noqa: S603
    try:
        while not asked and all(p.poll() is None for p in processes):
            time.sleep(0.2)
    finally:
        _stop(processes)
    if asked:
        return 0
    return next((p.returncode for p in processes if p.returncode), 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
