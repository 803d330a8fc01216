"""A real daphne process and Debian's Chromium, driven by Playwright."""

import os
import shutil
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from daphne.testing import DaphneProcess
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from tests.servers import close_connections_before_fork, forked_application

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is not installed (make test installs it).")
        pytest.skip("Debian's chromium is not installed: run `make browser`.")
    return path


@pytest.fixture(scope="session")
def live_server_url(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """Start daphne in a child process, serving the test database."""
    # Forked while database access is allowed, so the child may use the test database;
    # it must not share the parent's open connections.
    with django_db_blocker.unblock():
        close_connections_before_fork()
        # Forked after the test database was set up, the child's settings already name
        # it (channels' set_database_connection would prefix "test_" a second time).
        server = DaphneProcess(
            "127.0.0.1", partial(forked_application, static_wrapper=ASGIStaticFilesHandler)
        )
        server.daemon = True
        server.start()
    if not server.ready.wait(timeout=30):
        server.terminate()
        raise RuntimeError("daphne did not start")
    yield f"http://127.0.0.1:{server.port.value}"
    server.terminate()
    server.join(timeout=10)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which Django's
    # guard against ORM calls from async code mistakes for one; the test's own database
    # work is plain sync code, so the guard is lifted for the browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=chromium_path, args=CHROMIUM_FLAGS, headless=True
            )
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser: Any, live_server_url: str) -> Iterator[Any]:
    """Open browser contexts (one per person) that are closed after the test."""
    contexts = []

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("base_url", live_server_url)
        kwargs.setdefault("viewport", {"width": 390, "height": 844})
        context = browser.new_context(**kwargs)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def settle(page: Any) -> None:
    """Wait until the page has its stylesheet and fonts and has drawn two frames since.

    The projector fits its results into parts by the text as drawn (again once the
    fonts are in): measure it only then, as the room would see it.
    """
    page.wait_for_load_state()
    if page.locator("[data-live=projector]").count():
        # Parts exist only once the live state has come and been drawn (the page as the
        # server sent it is one part, as a projector without scripts shows it).
        page.locator("#stage-poll[data-drawn]").wait_for(state="attached")
    page.evaluate(
        "() => document.fonts.ready.then(() => new Promise("
        "(done) => requestAnimationFrame(() => requestAnimationFrame(done))))"
    )


def axe_violations(page: Any) -> list[str]:
    """Run axe-core (bundled with axe-playwright-python, no network) on a page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """Keep the real hasher: the server process was forked with the project's settings."""


@pytest.fixture
def demo(transactional_db: Any) -> dict[str, Any]:
    """The demo forum of `make run`, seeded by the same command."""
    from django.core.management import call_command

    from deliberation.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USER
    from deliberation.models import Forum, Meeting

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    forum = Forum.objects.get(slug="riverside")
    meeting = Meeting.objects.get(forum=forum, status="open")
    return {
        "forum": forum,
        "meeting": meeting,
        "user": DEMO_USER,
        "password": DEMO_PASSWORD,
        "members": {m.name: m for m in forum.members.all()},
    }
