"""The tests' flush between tests tries again when PostgreSQL aborted it in a deadlock."""

import pytest
from django.core.management.base import CommandError
from django.db import OperationalError

from tests.conftest import _flush_again_after_a_deadlock


def failing(*errors: BaseException):
    calls: list[int] = []

    def flush(_test: object) -> None:
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]

    return flush, calls


def flush_error(cause: Exception) -> CommandError:
    try:
        raise CommandError("Database test_test couldn't be flushed.") from cause
    except CommandError as exc:
        return exc


def test_a_flush_aborted_by_a_deadlock_is_tried_again(monkeypatch):
    monkeypatch.setattr("tests.conftest.time.sleep", lambda _s: None)
    flush, calls = failing(flush_error(OperationalError("deadlock detected")))

    with pytest.warns(UserWarning, match="lost a deadlock"):
        _flush_again_after_a_deadlock(flush)(object())

    assert len(calls) == 2


def test_other_flush_errors_and_a_third_deadlock_are_not_hidden(monkeypatch):
    monkeypatch.setattr("tests.conftest.time.sleep", lambda _s: None)
    other, calls = failing(flush_error(OperationalError("relation does not exist")))
    with pytest.raises(CommandError):
        _flush_again_after_a_deadlock(other)(object())
    assert len(calls) == 1

    deadlock = flush_error(OperationalError("deadlock detected"))
    stuck, calls = failing(deadlock, deadlock, deadlock)
    with pytest.raises(CommandError), pytest.warns(UserWarning):
        _flush_again_after_a_deadlock(stuck)(object())
    assert len(calls) == 3
