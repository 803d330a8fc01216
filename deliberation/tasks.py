"""Background work, run by the worker (`manage.py db_worker`), never by a page.

- `timed_work`: open and close votes between meetings on time, send the day's
  digests, and try again emails that failed. The worker keeps one chain of it going
  (`scheduler`, every TICK_SECONDS), and a vote between meetings adds a run of its
  own at the minute it opens and at the minute it closes.
- `send_notifications`: the emails of new proposals and comments, one each.
- `send_summary`: a signed-off easy-read summary, PDFs and emails, to everyone waiting.

Emails and PDFs are made here outside any database transaction (the services
commit their records in short transactions of their own).
"""

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection
from django.dispatch import receiver
from django.tasks import TaskContext, TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from deliberation import outbox
from deliberation.models import NotifyFrequency, Summary
from deliberation.services import notifications, sending
from deliberation.services.forum_polls import forum_polls_tick

logger = logging.getLogger(__name__)

# A chain link still marked running after this long died with its worker.
STALE_RUNNING = datetime.timedelta(minutes=10)
# Finished runs of the timed work are kept this long, then deleted.
KEEP_TIMED_RESULTS = datetime.timedelta(days=1)
# A fixed key for PostgreSQL's advisory lock around starting the chain.
_CHAIN_LOCK = 0x636F70726F64  # "coprod"


def digest_time(now: datetime.datetime) -> datetime.datetime:
    """Return the latest daily digest time (settings.DIGEST_HOUR, local) at or before now."""
    local = timezone.localtime(now)
    today = local.replace(hour=settings.DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return today if today <= local else today - datetime.timedelta(days=1)


def run_timed_work(now: datetime.datetime) -> dict[str, Any]:
    """Do the timed work due at `now`; each part is safe to run again or at once."""
    polls = forum_polls_tick(now=now)
    emails = notifications.digests_send(now=now, daily_before=digest_time(now))
    summaries = sending.summary_retry_due(now=now)
    return {"polls": polls, "emails": emails, "summaries_retried": summaries}


@task
def timed_work() -> dict[str, Any]:
    """Do the timed work now (one run, at a time a vote between meetings asked for)."""
    return run_timed_work(timezone.now())


@task(takes_context=True)
def scheduler(context: TaskContext) -> dict[str, Any]:
    """Do the timed work now, then queue the next run of the chain."""
    done = run_timed_work(timezone.now())
    ensure_scheduler(running=context.task_result.id)
    _prune(timezone.now())
    return done


@task
def send_notifications(ids: list[int]) -> int:
    """Send the emails of these new proposals and comments (one email each)."""
    return notifications.send_pending(frequency=NotifyFrequency.EACH, ids=ids)


@task
def send_summary(summary_id: int, actor: str) -> dict[str, int]:
    """Send the summary to every member waiting for it; say how many went which way."""
    summary = Summary.objects.select_related("forum", "meeting").get(pk=summary_id)
    counts: dict[str, int] = {}
    for send in sending.summary_send_queued(summary=summary, actor=actor):
        counts[send.status] = counts.get(send.status, 0) + 1
    return counts


@contextmanager
def _chain_lock() -> Iterator[None]:
    """Let one process at a time look for, and start, the chain."""
    with exclusive_transaction():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        yield


def ensure_scheduler(*, running: str | None = None) -> bool:
    """Queue the next run of the timed work unless one is already waiting; say if queued.

    Safe from any number of workers at once: there is one live chain. `running` is
    the chain link that calls this as it ends (it does not count as the next one).
    """
    now = timezone.now()
    with _chain_lock():
        links = DBTaskResult.objects.filter(task_path=scheduler.module_path).filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        )
        if running is not None:
            links = links.exclude(pk=running)
        alive = links.exclude(
            status=TaskResultStatus.RUNNING, started_at__lt=now - STALE_RUNNING
        ).exists()
        if alive:
            return False
        first = running is None
        scheduler.using(
            run_after=None if first else now + datetime.timedelta(seconds=settings.TICK_SECONDS)
        ).enqueue()
    return True


def _prune(now: datetime.datetime) -> None:
    """Delete old finished runs of the timed work (the records of votes and emails stay)."""
    DBTaskResult.objects.filter(
        task_path__in=[scheduler.module_path, timed_work.module_path],
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=now - KEEP_TIMED_RESULTS,
    ).delete()


@receiver(outbox.work_due)
def _queue_work(sender: object, kind: str, **details: Any) -> None:
    """Put the work a committed change asked for on the worker's queue."""
    if kind == "tick":
        timed_work.using(run_after=details["at"]).enqueue()
    elif kind == "notifications":
        send_notifications.enqueue(ids=details["ids"])
    elif kind == "summary":
        send_summary.enqueue(summary_id=details["summary"], actor=details["actor"])
    else:
        raise ValueError(f"unknown background work: {kind}")
