"""Many phones joining at once through a real daphne: none fails, and PostgreSQL stays
within the pool (issue 12: SQLite "database is locked", PostgreSQL out of connections)."""

import http.cookiejar
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from daphne.testing import DaphneProcess
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.db import connection, connections

from deliberation import audit
from deliberation.models import Attendance, AuditEvent, Member, Role
from tests import factories
from tests.servers import close_connections_before_fork, forked_application

pytestmark = pytest.mark.django_db(transaction=True)

PHONES = 60
AT_ONCE = 30
DAPHNE_APP_NAME = "coprod-test-daphne"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def live_url(transactional_db, settings) -> Iterator[str]:
    """Start daphne in a child process serving the test database, as in tests/browser."""
    # Plain http on 127.0.0.1: cookies marked Secure would never come back.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    close_connections_before_fork()
    server = DaphneProcess(
        "127.0.0.1", partial(forked_application, static_wrapper=ASGIStaticFilesHandler)
    )
    server.daemon = True
    # The child's connections carry this name (libpq reads PGAPPNAME when it connects),
    # so the count below is daphne's alone, not what other tests' threads left open.
    os.environ["PGAPPNAME"] = DAPHNE_APP_NAME
    try:
        server.start()
    finally:
        del os.environ["PGAPPNAME"]
    if not server.ready.wait(timeout=30):
        server.terminate()
        raise RuntimeError("daphne did not start")
    yield f"http://127.0.0.1:{server.port.value}"
    server.terminate()
    server.join(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _join(base: str, token: str, meeting_id: int) -> str:
    """Join as a phone from a personal link; return what went wrong, or ""."""
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
        NoRedirect(),
    )
    link = f"{base}/i/{token}/"
    try:
        with opener.open(link, timeout=60) as page:
            csrf = CSRF_FIELD.search(page.read().decode()).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf}).encode()
        try:
            opener.open(urllib.request.Request(link, data=body), timeout=60).close()
            return "the join did not redirect"
        except urllib.error.HTTPError as exc:
            if exc.code != 302:
                return f"join: HTTP {exc.code}"
        with opener.open(f"{base}/m/{meeting_id}/", timeout=60) as page:
            if 'id="live-config"' not in page.read().decode():
                return "the phone page is not the live meeting"
    except (OSError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def _pg_backends(stop: threading.Event, seen: list[int]) -> None:
    """Count the test daphne's connections to the test database until told to stop."""
    import psycopg

    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        autocommit=True,
    ) as conn:
        while not stop.is_set():
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = %s",
                [DAPHNE_APP_NAME],
            ).fetchone()
            seen.append(row[0])
            stop.wait(0.02)


def test_sixty_phones_joining_thirty_at_once_all_get_in(forum, live_url):
    meeting = factories.open_meeting(forum)
    factories.poll(meeting, "yes_no")
    Member.objects.bulk_create(
        Member(forum=forum, name=f"Phone {i:03d}", constituency="staff", role=Role.PARTICIPANT)
        for i in range(PHONES)
    )
    tokens = list(
        Member.objects.filter(forum=forum, name__startswith="Phone ").values_list(
            "invite_token", flat=True
        )
    )
    # The pool of this process is not needed while daphne serves the joins.
    connections.close_all()
    if connection.vendor == "postgresql":
        connection.close_pool()
    stop, seen = threading.Event(), []
    counter = None
    if connection.vendor == "postgresql":
        counter = threading.Thread(target=_pg_backends, args=(stop, seen))
        counter.start()
    try:
        with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
            problems = [
                p for p in pool.map(_join, [live_url] * PHONES, tokens, [meeting.pk] * PHONES) if p
            ]
    finally:
        stop.set()
        if counter is not None:
            counter.join(timeout=10)

    assert problems == []
    assert Attendance.objects.filter(meeting=meeting, status="present").count() == PHONES
    assert AuditEvent.objects.filter(forum=forum, kind="attendance.joined").count() == PHONES
    assert audit.verify_forum(forum) is None
    if connection.vendor == "postgresql":
        pool = settings.DATABASES["default"]["OPTIONS"]["pool"]
        # Counted by the name daphne's connections carry: seen at all, so the name works.
        assert seen and max(seen) > 0, "daphne's connections were never counted"
        # 30 requests at once, and never more connections than the pool holds.
        assert max(seen) <= pool["max_size"], max(seen)
