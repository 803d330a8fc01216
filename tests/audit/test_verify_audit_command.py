"""`python manage.py verify_audit` as a person runs it, against a database changed by hand.

The record is committed (a transactional test), then checked by the real command in a
child process; one row is then changed through a separate connection, as someone with
the `sqlite3` or `psql` tool could, and the command must fail naming that event.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from deliberation.models import AuditEvent
from tests.audit.conftest import AUDIT_TABLE, build_record

pytestmark = pytest.mark.django_db(transaction=True)

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def database_env() -> dict[str, str]:
    """Point a child process at this run's test database."""
    settings = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env["SECRET_KEY"] = "test-only"
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(settings["NAME"])
    else:
        user = quote(settings["USER"] or "")
        password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
        host = settings["HOST"] or "127.0.0.1"
        port = settings["PORT"] or 5432
        env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    return env


def run_verify_audit() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MANAGE), "verify_audit"],
        env=database_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def change_by_hand(event: AuditEvent, payload: dict) -> None:
    """Change one event's payload through a connection of our own, not Django's."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        with sqlite3.connect(settings["NAME"]) as db:
            db.execute(
                f"UPDATE {AUDIT_TABLE} SET payload = ? WHERE id = ?",
                (json.dumps(payload), event.pk),
            )
        return
    import psycopg

    url = database_env()["DATABASE_URL"]
    with psycopg.connect(url) as db:
        # As a superuser could: fire no ordinary triggers, so the append-only one sleeps.
        db.execute("SET session_replication_role = replica")
        db.execute(
            f"UPDATE {AUDIT_TABLE} SET payload = %s::jsonb WHERE id = %s",
            (json.dumps(payload), event.pk),
        )


def test_verify_audit_passes_then_names_the_row_changed_by_hand(forum, meeting, people):
    build_record(forum, meeting, people)

    intact = run_verify_audit()
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("Audit record intact: ")
    assert len(intact.stdout.strip().splitlines()) == 1

    event = AuditEvent.objects.filter(forum=forum, kind="ballot.cast").order_by("seq")[2]
    change_by_hand(event, {**event.payload, "answer": {"choice": "no"}})

    broken = run_verify_audit()
    assert broken.returncode == 1
    assert f"event #{event.seq} (ballot.cast): its content was changed" in broken.stderr
