"""`make run` starts the web server and the worker together (`python -m coprod.run`)."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from deliberation import tasks
from tests.servers import ROOT, free_port, server_env


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.2)


@pytest.fixture
def launched(transactional_db: Any, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "coprod.run", "-b", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=server_env(tmp_path / "media"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def listening() -> bool:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                return False
            return True

        wait_for(listening, 60, "the web server")
        # The worker started the timed work and ran its first run.
        wait_for(
            lambda: DBTaskResult.objects.filter(
                task_path=tasks.scheduler.module_path, status=TaskResultStatus.SUCCESSFUL
            ).exists(),
            60,
            "the worker",
        )
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_ctrl_c_stops_the_server_and_the_worker(launched):
    process, _port = launched
    pids = children(process.pid)
    assert len(pids) == 2
    os.kill(process.pid, signal.SIGINT)
    assert process.wait(timeout=20) == 0
    assert not any(alive(pid) for pid in pids)


def test_if_the_worker_stops_the_server_stops_too(launched):
    process, port = launched
    pids = children(process.pid)
    worker = next(p for p in pids if b"db_worker" in Path(f"/proc/{p}/cmdline").read_bytes())
    os.kill(worker, signal.SIGKILL)
    assert process.wait(timeout=20) != 0
    assert not any(alive(pid) for pid in pids)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
