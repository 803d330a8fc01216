"""The backends this run uses are the ones it claims, and they work for real."""

import os
import subprocess
import sys

import pytest
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

from tests.conftest import services_expected


def test_services_run_really_uses_postgresql_and_redis():
    if not services_expected():
        assert connection.vendor == "sqlite"
        assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "deliberation.layers.InMemoryLayer"
        return
    assert connection.vendor == "postgresql"
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == (
        "channels_redis.pubsub.RedisPubSubChannelLayer"
    )


@pytest.mark.django_db
def test_the_database_is_set_up_for_concurrent_ballots():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            assert int(cursor.fetchone()[0]) >= 130000
        return
    # SQLite: ballots arriving together wait for each other instead of failing.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA journal_mode")
        # The test database is a file, so WAL applies as it does in `make run`.
        assert cursor.fetchone()[0].lower() == "wal"


async def test_a_group_message_goes_through_the_channel_layer():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("meeting.999999", channel)
    await layer.group_send("meeting.999999", {"type": "broadcast", "text": "hello"})
    message = await layer.receive(channel)
    assert message == {"type": "broadcast", "text": "hello"}
    await layer.group_discard("meeting.999999", channel)


@pytest.mark.parametrize("debug", ["0", ""])
def test_production_refuses_to_start_without_a_secret_key(debug):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    if debug:
        env["DEBUG"] = debug
    run = subprocess.run(
        [sys.executable, "-c", "import coprod.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "SECRET_KEY must be set" in run.stderr


def test_development_starts_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DEBUG"] = "1"
    run = subprocess.run(
        [sys.executable, "-c", "import coprod.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
