"""The background worker (`manage.py db_worker`) does the timed work and sends the emails.

Tests run the real worker (tests/worker.py), not tasks run on the spot; where a test
says "outside any transaction" it is a transactional test, so nothing wraps the worker.
"""

import datetime
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from deliberation import tasks
from deliberation.models import AuditEvent, Notification, Poll, SummarySend
from deliberation.services import forum_polls, notifications, sending
from tests import factories
from tests.easyread.conftest import make_summary
from tests.proposals.conftest import make_proposal
from tests.worker import run_worker

ROOT = Path(__file__).resolve().parents[2]
IN_TRANSACTION: list[bool] = []


class TransactionWatchingBackend(EmailBackend):
    """The test mailbox, noting for each email whether a database transaction was open."""

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        IN_TRANSACTION.extend(connection.in_atomic_block for _ in messages)
        return super().send_messages(messages)


@pytest.fixture
def watched_mail(settings):
    IN_TRANSACTION.clear()
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.TransactionWatchingBackend"}}
    return IN_TRANSACTION


def chain_links(status: str = TaskResultStatus.READY) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=tasks.scheduler.module_path, status=status))


# -- timed work ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_vote_between_meetings_opens_and_closes_on_time_with_no_page_opened(forum, lead):
    start = timezone.now()
    poll = forum_polls.forum_poll_create(
        forum=forum,
        by=lead,
        opens_at=start + datetime.timedelta(seconds=3),
        closes_at=start + datetime.timedelta(seconds=5),
        question="Shall we meet in the evening?",
        method="yes_no",
    )
    run_worker()  # nothing is due yet
    poll.refresh_from_db()
    assert poll.status == Poll.Status.DRAFT

    time.sleep(max(0.0, (start - timezone.now()).total_seconds() + 3.1))
    run_worker()
    poll.refresh_from_db()
    assert poll.status == Poll.Status.OPEN

    time.sleep(max(0.0, (start - timezone.now()).total_seconds() + 5.1))
    run_worker()
    poll.refresh_from_db()
    assert poll.status == Poll.Status.CLOSED
    opened = AuditEvent.objects.get(kind="poll.opened", payload__poll=poll.pk)
    closed = AuditEvent.objects.get(kind="poll.closed", payload__poll=poll.pk)
    assert opened.actor == closed.actor == "schedule"
    # Not before its time (how late the real worker is was measured with it running).
    assert closed.created_at >= start + datetime.timedelta(seconds=5)


@pytest.mark.django_db
def test_one_chain_of_timed_work_however_often_it_is_started():
    assert tasks.ensure_scheduler() is True
    assert tasks.ensure_scheduler() is False
    assert len(chain_links()) == 1
    before = timezone.now()
    run_worker()
    assert len(chain_links(TaskResultStatus.SUCCESSFUL)) == 1
    (following,) = chain_links()
    assert following.run_after >= before + datetime.timedelta(seconds=settings.TICK_SECONDS)
    assert tasks.ensure_scheduler() is False


@pytest.mark.django_db
def test_a_link_left_running_by_a_dead_worker_does_not_stop_the_chain():
    tasks.ensure_scheduler()
    (link,) = chain_links()
    DBTaskResult.objects.filter(pk=link.pk).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert tasks.ensure_scheduler() is True
    assert len(chain_links()) == 1


@pytest.mark.django_db(transaction=True)
def test_db_worker_starts_the_chain_and_runs_it():
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker", "--no-reload", "--no-startup-delay", "--max-tasks", "1", verbosity=0
        )
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
    assert len(chain_links(TaskResultStatus.SUCCESSFUL)) == 1
    assert len(chain_links()) == 1


@pytest.mark.django_db
def test_the_daily_digest_goes_once_a_day_at_its_hour(forum, people):
    reader = people["staff"][0]
    notifications.notification_preference_set(
        member=reader, frequency="daily", email="nia@example.org"
    )
    make_proposal(forum, people["lived_experience"][0])
    now = timezone.now()
    cutoff = tasks.digest_time(now)
    assert cutoff <= now < cutoff + datetime.timedelta(days=1)
    tasks.run_timed_work(now)
    assert mail.outbox == []  # it came after the last digest time: it waits for the next
    next_day = cutoff + datetime.timedelta(days=1, minutes=1)
    tasks.run_timed_work(next_day)
    tasks.run_timed_work(next_day + datetime.timedelta(minutes=1))
    assert [m.to for m in mail.outbox] == [["nia@example.org"]]


# -- emails go from the worker, outside any transaction ------------------------------------


@pytest.mark.django_db(transaction=True)
def test_notification_emails_go_from_the_worker_outside_any_transaction(
    forum, people, watched_mail
):
    notifications.notification_preference_set(
        member=people["staff"][0], frequency="each", email="nia@example.org"
    )
    make_proposal(forum, people["lived_experience"][0])
    assert mail.outbox == []
    run_worker()
    assert [m.to for m in mail.outbox] == [["nia@example.org"]]
    assert watched_mail == [False]


@pytest.mark.django_db(transaction=True)
def test_the_summary_goes_from_the_worker_outside_any_transaction(
    forum, meeting, people, watched_mail
):
    emma = factories.member(forum, "staff", name="Emma", communication_needs=["email"])
    notifications.notification_preference_set(
        member=emma, frequency="none", email="emma@example.org"
    )
    summary = make_summary(meeting, signed_by=people["lived_experience"][0])
    waiting = sending.summary_send_queue(summary=summary)
    assert waiting >= 1 and mail.outbox == []
    assert SummarySend.objects.get(member=emma).status == SummarySend.Status.QUEUED
    run_worker()
    assert SummarySend.objects.get(member=emma).status == SummarySend.Status.SENT
    assert [m.to for m in mail.outbox] == [["emma@example.org"]]
    assert mail.outbox[0].attachments  # the PDF, rendered by the worker
    assert watched_mail == [False]


# -- retries -------------------------------------------------------------------------------


def _broken(self, *args, **kwargs):
    raise ConnectionRefusedError("mail server is down")


@pytest.mark.django_db
def test_a_failed_notification_is_tried_again_less_often_then_given_up(forum, people, monkeypatch):
    notifications.notification_preference_set(
        member=people["staff"][0], frequency="each", email="nia@example.org"
    )
    make_proposal(forum, people["lived_experience"][0])
    (row,) = Notification.objects.all()
    monkeypatch.setattr(EmailMultiAlternatives, "send", _broken)
    now = timezone.now()
    waits = []
    for _try in range(notifications.MAX_ATTEMPTS):
        assert notifications.send_pending(frequency="each", now=now) == 0
        row.refresh_from_db()
        if row.retry_at:
            waits.append(round((row.retry_at - now).total_seconds() / 60))
            assert notifications.send_pending(frequency="each", now=now) == 0  # not yet
            now = row.retry_at
    assert waits == [5, 10, 20, 40]
    assert row.attempts == notifications.MAX_ATTEMPTS and row.sent_at is None
    assert "mail server is down" in row.last_error
    monkeypatch.undo()
    assert notifications.send_pending(frequency="each", now=now + datetime.timedelta(days=9)) == 0
    failures = AuditEvent.objects.filter(kind="notifications.failed").order_by("seq")
    assert [e.payload["attempt"] for e in failures] == [1, 2, 3, 4, 5]
    assert failures.last().payload["given_up"] is True


@pytest.mark.django_db
def test_a_failed_summary_email_is_tried_again_by_the_timed_work(
    forum, meeting, people, monkeypatch
):
    emma = factories.member(forum, "staff", name="Emma", communication_needs=["email"])
    notifications.notification_preference_set(
        member=emma, frequency="none", email="emma@example.org"
    )
    summary = make_summary(meeting, signed_by=people["lived_experience"][0])
    monkeypatch.setattr(EmailMultiAlternatives, "send", _broken)
    sending.summary_send(summary=summary)
    send = SummarySend.objects.get(member=emma)
    assert send.status == SummarySend.Status.FAILED and send.retry_at is not None
    monkeypatch.undo()
    tasks.run_timed_work(timezone.now())
    send.refresh_from_db()
    assert send.status == SummarySend.Status.FAILED  # its time has not come
    tasks.run_timed_work(send.retry_at + datetime.timedelta(seconds=1))
    send.refresh_from_db()
    assert send.status == SummarySend.Status.SENT and send.attempts == 2
    assert [m.to for m in mail.outbox] == [["emma@example.org"]]


@pytest.mark.django_db
def test_the_facilitator_sees_a_failed_email_and_can_try_again(
    facilitator_client, forum, meeting, people, monkeypatch, django_capture_on_commit_callbacks
):
    emma = factories.member(forum, "staff", name="Emma", communication_needs=["email"])
    notifications.notification_preference_set(
        member=emma, frequency="none", email="emma@example.org"
    )
    summary = make_summary(meeting, signed_by=people["lived_experience"][0])
    url = f"/f/{forum.slug}/meetings/{meeting.pk}/summary/send/"
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_client.post(url)
    monkeypatch.setattr(EmailMultiAlternatives, "send", _broken)
    run_worker()
    monkeypatch.undo()
    html = facilitator_client.get(url).content.decode()
    assert "1 email did not go." in html and "Try again" in html
    assert "We will try again at" in html
    assert 'http-equiv="refresh"' not in html  # refreshed by a button, never by itself
    welsh = facilitator_client.get(url, HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Aeth 1 e-bost ddim." in welsh and "Dangos pa mor bell mae wedi mynd" in welsh
    send = SummarySend.objects.get(member=emma)
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_client.post(f"{url.removesuffix('send/')}sends/{send.pk}/resend/")
    total = summary.sends.count()
    html = facilitator_client.get(url).content.decode()
    assert f"Sending… {total - 1} of {total} done." in html
    welsh = facilitator_client.get(url, HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert f"Yn anfon… {total - 1} o {total} wedi'u gwneud." in welsh
    run_worker()
    send.refresh_from_db()
    assert send.status == SummarySend.Status.SENT
    assert summary.sends.filter(status=SummarySend.Status.QUEUED).count() == 0


# -- email links -------------------------------------------------------------------------


def test_email_links_use_the_port_make_run_was_given():
    code = "from coprod import settings as s; print(s.SITE_URL)"
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "test-only",
        "COPROD_HOST": "127.0.0.1",
        "COPROD_PORT": "8102",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "http://127.0.0.1:8102"


@pytest.mark.django_db
def test_a_notification_email_links_to_the_site_url(forum, people, settings):
    settings.SITE_URL = "http://127.0.0.1:8102"
    notifications.notification_preference_set(
        member=people["staff"][0], frequency="daily", email="nia@example.org"
    )
    proposal = make_proposal(forum, people["lived_experience"][0])
    notifications.digests_send()
    assert f"http://127.0.0.1:8102/forum/{forum.slug}/proposals/{proposal.pk}/" in (
        mail.outbox[0].body
    )
