"""Say, once a change is saved, that the background worker has work to do.

Services call these inside their change; the signal goes out only after the commit,
so the worker never acts on a change that was rolled back. deliberation/tasks.py
listens and puts a task on the worker's queue. A signal, not an import, because the
tasks call the services (a queued task must not be imported by the services it runs).
"""

import datetime

from django.db import transaction
from django.dispatch import Signal

# kind: "tick" (timed work at `at`), "notifications" (emails for `ids`), or
# "summary" (send the summary `summary` for `actor`).
work_due = Signal()


def _send(**kwargs: object) -> None:
    transaction.on_commit(lambda: work_due.send(sender=None, **kwargs))


def tick_at(at: datetime.datetime) -> None:
    """Ask for the timed work (opening and closing votes between meetings) at `at`."""
    _send(kind="tick", at=at)


def notifications_due(ids: list[int]) -> None:
    """Ask for the emails of these notifications to be sent now."""
    _send(kind="notifications", ids=list(ids))


def summary_due(summary_id: int, actor: str) -> None:
    """Ask for the summary to be sent to every member waiting for it."""
    _send(kind="summary", summary=summary_id, actor=actor)
