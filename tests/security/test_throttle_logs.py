"""Personal, projector and unsubscribe tokens never reach the logs."""

import io
import logging
from datetime import datetime

import pytest
from daphne.access import AccessLogGenerator
from django.test import Client
from django.urls import reverse

from deliberation.services import notifications
from tests import factories

SECRET = "s3cretTokenNobodyMaySee42"


def _project_handler() -> logging.StreamHandler:
    """Return the console handler coprod/settings.py LOGGING configured."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if type(h) is logging.StreamHandler and any(f for f in h.filters)
    ]
    assert handlers, "settings.LOGGING's console handler is missing"
    return handlers[0]


@pytest.fixture
def log_output():
    handler = _project_handler()
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/i/{SECRET}/",
        f"/p/{SECRET}/",
        f"/p/{SECRET}/qr.svg",
        f"/unsubscribe/{SECRET}/",
    ],
)
def test_a_404_on_a_secret_path_logs_no_token(log_output, path):
    response = Client().get(path)
    assert response.status_code in (400, 404)
    logged = log_output.getvalue()
    assert SECRET not in logged
    if response.status_code == 404:
        assert "Not Found" in logged and "[redacted]" in logged


def test_a_403_on_a_personal_link_logs_no_token(log_output, forum):
    member = factories.member(forum)
    # A POST without its CSRF token is refused with 403 and logged by Django.
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("deliberation:invite", args=[member.invite_token]))
    assert response.status_code == 403
    logged = log_output.getvalue()
    assert "Forbidden" in logged
    assert member.invite_token not in logged


def test_a_real_unsubscribe_token_is_not_logged(log_output, forum):
    member = factories.member(forum)
    token = notifications.unsubscribe_token(member)
    Client(enforce_csrf_checks=True).get(f"/unsubscribe/{token}x/")
    assert token not in log_output.getvalue()


def test_daphnes_access_log_prints_no_token():
    import asgi  # noqa: F401  (the server's entry point sets the access log up)

    stream = io.StringIO()
    log = AccessLogGenerator(stream)
    log("http", "complete", {"client": "203.0.113.5:1234", "method": "GET",
                             "path": f"/i/{SECRET}/", "status": 200, "size": 10})  # fmt: skip
    log("websocket", "connected", {"client": "203.0.113.5:1234",
                                   "path": f"/ws/projector/{SECRET}/"})  # fmt: skip
    written = stream.getvalue()
    assert SECRET not in written
    assert "GET /i/[redacted]/" in written
    assert "WSCONNECT /ws/projector/[redacted]/" in written
    assert datetime.now().strftime("%Y") in written
