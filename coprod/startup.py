"""Checks made when the server starts, before it serves anyone."""

import os

from django.conf import settings
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured


def weak_secret_key(key: str) -> bool:
    """Say whether a key fails Django's own test of a strong one (check --deploy W009)."""
    return (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


def refuse_weak_secret_key() -> None:
    """Refuse to serve with a guessable SECRET_KEY when DEBUG is off.

    A weak key lets anyone forge sessions, unsubscribe links and password resets. The
    test suite runs with DEBUG off and a short key on purpose, so pytest is let through
    (it sets PYTEST_VERSION); settings.py cannot refuse it itself, as mypy and
    management commands read the settings with throwaway keys too.
    """
    if settings.DEBUG or "PYTEST_VERSION" in os.environ:
        return
    if weak_secret_key(settings.SECRET_KEY):
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak to serve with DEBUG off: use at least "
            f"{SECRET_KEY_MIN_LENGTH} random characters, e.g. from "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
        )
