"""A storm of reconnecting phones must not make daphne drop handshakes it could serve.

daphne's command line gives an application 5 s to accept a websocket and then refuses
it; a phone refused so tries again, so a busy server dropping handshakes only gets
busier (issue 12: 1,000 phones reconnecting took minutes). `python -m coprod.server`
waits longer.
"""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.realtime.slow_accept_app import ACCEPT_AFTER_SECONDS

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.timeout(60)
def test_a_handshake_accepted_late_is_not_dropped(tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "daphne.log").open("wb")
    env = {**os.environ, "SECRET_KEY": "test-only", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "coprod.server", "-b", "127.0.0.1", "-p", str(port)]
        + ["tests.realtime.slow_accept_app:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "daphne.log").read_text()) from None
                time.sleep(0.1)

        async def handshake() -> str:
            async with connect(f"ws://127.0.0.1:{port}/ws/", open_timeout=30, proxy=None) as ws:
                return str(await asyncio.wait_for(ws.recv(), 10))

        started = time.monotonic()
        assert asyncio.run(handshake()) == "hello"
        assert time.monotonic() - started >= ACCEPT_AFTER_SECONDS
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
