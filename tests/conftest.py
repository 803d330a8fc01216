"""Shared fixtures: data made through the services, and the backends under test."""

import os
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.management.base import CommandError
from django.db import OperationalError
from django.test import Client, TransactionTestCase

from deliberation.models import Member
from tests import factories


def pytest_configure(config: pytest.Config) -> None:
    """Say which backends this run uses, at the top of the output."""
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    config.stash[BACKENDS] = f"{db} + {layer}"


BACKENDS = pytest.StashKey[str]()


def pytest_report_header(config: pytest.Config) -> str:
    return f"coprod backends: {config.stash[BACKENDS]}"


def _flush_again_after_a_deadlock(flush: Callable[[Any], None]) -> Callable[[Any], None]:
    """Wrap TransactionTestCase's flush so that losing a deadlock makes it try again.

    Tests with a real daphne (the Chromium tests, the scale-out tests) empty the database
    while that server may still be reading what the test left (a snapshot read in one
    transaction, after a page closed). PostgreSQL then finds TRUNCATE and that read
    waiting for each other and aborts one; when it aborts the flush, the flush rolled
    back whole, and the next test would start on the last test's data. Try it again.
    """

    def flush_retrying(self: Any) -> None:
        for attempt in range(3):
            try:
                flush(self)
                return
            except CommandError as exc:
                cause = exc.__cause__
                if attempt == 2 or not (
                    isinstance(cause, OperationalError) and "deadlock" in str(cause)
                ):
                    raise
                # Shown in the run's summary: how often this happens stays visible.
                warnings.warn(
                    f"the flush between tests lost a deadlock; again: {cause}", stacklevel=2
                )
                time.sleep(0.5)

    return flush_retrying


@pytest.fixture(autouse=True, scope="session")
def _flush_survives_a_deadlock() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            TransactionTestCase,
            "_fixture_teardown",
            _flush_again_after_a_deadlock(TransactionTestCase._fixture_teardown),
        )
        yield


@pytest.fixture
def forum(db):
    return factories.forum()


@pytest.fixture
def facilitator_user(forum):
    return factories.facilitator(forum)


@pytest.fixture
def facilitator_client(facilitator_user):
    """A browser signed in as the forum's facilitator."""
    client = Client()
    client.force_login(facilitator_user)
    return client


@pytest.fixture
def lead(forum, facilitator_user):
    """The facilitator's member record (a signed-in Django user)."""
    return Member.objects.get(forum=forum, user=facilitator_user)


@pytest.fixture
def meeting(forum, facilitator_user):
    return factories.open_meeting(forum, actor=facilitator_user)


@pytest.fixture
def people(forum, meeting):
    """Nine present members, three of each constituency, plus a supporter."""
    return factories.people(forum, meeting)


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Give every test its own in-memory channel layer (it binds to one event loop)."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _fresh_socket_limits():
    """Forget the websocket limits per person: ids are reused from one test to the next."""
    from deliberation.consumers import OPEN_SOCKETS

    OPEN_SOCKETS.clear()
    yield
    OPEN_SOCKETS.clear()


@pytest.fixture(autouse=True)
def _fresh_phone_snapshots():
    """Forget the phones' shared snapshots: meeting ids are reused from one test to the next."""
    from deliberation.selectors import meetings

    meetings._phone_shared.clear()
    yield
    meetings._phone_shared.clear()


def services_expected() -> bool:
    """Whether this run must use PostgreSQL and Redis (the Makefile's second run)."""
    return os.environ.get("COPROD_EXPECT_SERVICES") == "1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Start every test with no rate-limit counts (every test client is 127.0.0.1)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords quickly; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_connection_pool():
    """Start each test with a new PostgreSQL pool (settings: DB_POOL), once it is over.

    Every test's event loop makes its own worker threads; one that ends while holding a
    pooled connection never gives it back, and after about DB_POOL_MAX_SIZE tests the
    next waits DB_POOL_TIMEOUT seconds for one. daphne keeps its threads for its whole
    life and database_sync_to_async gives each connection back, so this is the tests'
    own doing; closing the pool after each test drops what was left behind.
    """
    yield
    from django.db import connection

    if connection.vendor == "postgresql" and "pool" in settings.DATABASES["default"].get(
        "OPTIONS", {}
    ):
        connection.close_pool()
