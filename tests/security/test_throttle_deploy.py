"""Deployment hardening: CSP with no inline script, HTTPS behind a proxy, a strong key.

Prefixed `test_throttle_` is the rate-limit file; this one holds the rest of issue 10
that the same branch fixed (files here are shared between branches).
"""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from deliberation import identity
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


class ScriptFinder(HTMLParser):
    """Collect inline scripts and on...= handlers from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self._in_inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        self.handlers += [f"<{tag} {k}>" for k in names if k.lower().startswith("on")]
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self._in_inline = True
            self.inline.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline = False

    def handle_data(self, data: str) -> None:
        if self._in_inline:
            self.inline[-1] += data


def _check_page(response, url: str) -> None:
    assert response.status_code == 200, (url, response.status_code)
    policy = response.get("Content-Security-Policy", "")
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives.get("script-src") == "'self'", (url, policy)
    assert directives.get("default-src") == "'self'", (url, policy)
    assert directives.get("frame-ancestors") == "'none'", (url, policy)
    finder = ScriptFinder()
    finder.feed(response.content.decode())
    assert finder.inline == [], (url, finder.inline)
    assert finder.handlers == [], (url, finder.handlers)


@pytest.fixture
def meeting_with_everything(forum, meeting, facilitator_user):
    people = factories.people(forum, meeting)
    poll = factories.poll(meeting, "yes_no")
    factories.cast(poll, people["staff"][0], {"choice": "yes"})
    return meeting, people, poll


def test_every_page_of_participants_facilitators_and_projector_has_a_csp_and_no_inline_script(
    facilitator_client, forum, meeting_with_everything
):
    meeting, people, poll = meeting_with_everything
    member = factories.member(forum, name="Pat")
    phone = Client()
    facilitator_pages = [
        reverse("deliberation:forums"),
        reverse("deliberation:forum", args=[forum.slug]),
        reverse("deliberation:cards", args=[forum.slug]),
        reverse("deliberation:member_add", args=[forum.slug]),
        reverse("deliberation:meeting_new", args=[forum.slug]),
        reverse("deliberation:console", args=[forum.slug, meeting.pk]),
        reverse("deliberation:glossary", args=[forum.slug]),
        reverse("deliberation:decision_log", args=[forum.slug]),
        reverse("deliberation:proposals", args=[forum.slug]),
        reverse("deliberation:forum_polls", args=[forum.slug]),
    ]
    for url in facilitator_pages:
        _check_page(facilitator_client.get(url), url)
    projector = reverse("deliberation:projector", args=[meeting.projector_token])
    _check_page(Client().get(projector), projector)
    public_pages = [
        reverse("deliberation:join"),
        reverse("deliberation:join_meeting", args=[meeting.join_code]),
        reverse("deliberation:join_guest", args=[meeting.join_code]),
        reverse("login"),
    ]
    for url in public_pages:
        _check_page(phone.get(url), url)
    invite = reverse("deliberation:invite", args=[member.invite_token])
    _check_page(phone.get(invite), invite)
    assert phone.post(invite).status_code == 302
    for url in (
        reverse("deliberation:phone", args=[meeting.pk]),
        reverse("deliberation:vote_codes", args=[meeting.pk]),
        reverse("deliberation:proposals", args=[forum.slug]),
        reverse("deliberation:proposal_new", args=[forum.slug]),
        reverse("deliberation:notify", args=[forum.slug]),
    ):
        _check_page(phone.get(url), url)


def test_no_template_has_inline_script_or_event_handlers():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        finder = ScriptFinder()
        finder.feed(text)
        assert finder.inline == [], path
        assert not re.search(r"\son[a-z]+\s*=", text), path


def test_secret_vote_cookie_is_secure_and_httponly_behind_a_tls_proxy(
    settings, forum, meeting, facilitator_user
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    poll = factories.poll(meeting, "yes_no", secret=True)
    member = factories.member(forum, name="Quinn")
    phone = Client(headers={"x-forwarded-proto": "https"})
    assert phone.post(reverse("deliberation:invite", args=[member.invite_token])).status_code == 302
    response = phone.post(
        reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
        {"client_id": "0b6c1a8e-3f7e-4c1e-9b1a-2f0d3c4b5a69", "choice": "yes"},
    )
    assert response.status_code == 302
    cookie = response.cookies[identity.DEVICE_KEY_COOKIE]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DEBUG"}}
    env.update(extra)
    return env


@pytest.mark.parametrize(
    "key",
    ["test-only", "x" * 60, "django-insecure-" + "abcdefghij" * 5],
    ids=["short", "few-characters", "insecure-prefix"],
)
def test_a_weak_secret_key_is_refused_at_start_when_debug_is_off(key):
    result = subprocess.run(
        [sys.executable, "-c", "import asgi"],
        cwd=ROOT,
        env=_env(SECRET_KEY=key, DEBUG="0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_strong_secret_key_starts():
    result = subprocess.run(
        [sys.executable, "-c", "import asgi"],
        cwd=ROOT,
        env=_env(SECRET_KEY="k3J#9vQ!2mZx" * 5, DEBUG="0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


# The production environment the README and .env.example document (HTTPS behind a proxy,
# SMTP email). `manage.py check --deploy` must have nothing to say about it.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3J#9vQ!2mZx" * 5,
    "ALLOWED_HOSTS": "coprod.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://coprod.example.org",
    "SITE_URL": "https://coprod.example.org",
    "PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DEFAULT_FROM_EMAIL": "coprod@example.org",
    "EMAIL_HOST": "smtp.example.org",
    "EMAIL_PORT": "587",
    "EMAIL_USE_TLS": "1",
}


def _documented_env() -> dict[str, str]:
    """Read the production settings .env.example documents."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def test_env_example_documents_the_production_environment():
    documented = _documented_env()
    for name in PRODUCTION_ENV:
        if name != "SECRET_KEY":
            assert documented.get(name) == PRODUCTION_ENV[name], name
    readme = (ROOT / "README.md").read_text()
    for name in PRODUCTION_ENV:
        assert name in readme, name


def test_check_deploy_is_silent_with_the_documented_production_environment():
    env = _env(**PRODUCTION_ENV)
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
