"""Opening a page writes nothing: timed work is the worker's, never a GET's.

Every main page a member and a facilitator open is fetched with GET while the
database's queries are watched: none may insert, update or delete a row. A vote
between meetings whose closing time has passed stays as it is until the worker runs.
"""

import datetime
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deliberation.models import AuditEvent, ForumPollSchedule, Poll
from deliberation.services import comments as comment_services
from deliberation.services import forum_polls
from tests import factories
from tests.easyread.conftest import make_summary
from tests.proposals.conftest import make_proposal
from tests.record.conftest import member_client
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@pytest.fixture
def world(forum, lead, meeting, people, django_capture_on_commit_callbacks):
    """A forum in use: a meeting with a vote, a proposal, a decision, votes between meetings."""
    poll = factories.poll(meeting, "yes_no")
    proposal = make_proposal(forum, people["lived_experience"][0])
    comment = comment_services.comment_add(
        proposal=proposal, author=people["staff"][0], body="Good idea"
    )
    decision = factories.decision(meeting, actor=lead)
    action = factories.action(decision, actor=lead)
    now = timezone.now()
    open_vote = forum_polls.forum_poll_create(
        forum=forum,
        by=lead,
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=1),
        question="Shall we meet in the evening?",
        method="yes_no",
    )
    soon = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        overdue = forum_polls.forum_poll_create(
            forum=forum,
            by=lead,
            opens_at=soon + datetime.timedelta(seconds=1),
            closes_at=soon + datetime.timedelta(seconds=2),
            question="Shall we meet on Saturdays?",
            method="yes_no",
        )
    # Its whole time passes, and no worker runs meanwhile.
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds() + 2.1))
    assert ForumPollSchedule.objects.get(poll=overdue).closes_at < timezone.now()
    summary = make_summary(meeting, signed_by=people["lived_experience"][1])
    return {
        "poll": poll,
        "proposal": proposal,
        "comment": comment,
        "decision": decision,
        "action": action,
        "open_vote": open_vote,
        "overdue": overdue,
        "summary": summary,
    }


def member_pages(forum, meeting, world) -> list[str]:
    slug = forum.slug
    return [
        reverse("deliberation:home"),
        reverse("deliberation:participant_guide"),
        reverse("deliberation:phone", args=[meeting.pk]),
        reverse("deliberation:proposals", args=[slug]),
        reverse("deliberation:proposal", args=[slug, world["proposal"].pk]),
        reverse("deliberation:proposal_new", args=[slug]),
        reverse("deliberation:notify", args=[slug]),
        reverse("deliberation:forum_polls", args=[slug]),
        reverse("deliberation:forum_poll", args=[slug, world["open_vote"].pk]),
        reverse("deliberation:forum_poll", args=[slug, world["overdue"].pk]),
        reverse("deliberation:decision_log", args=[slug]),
        reverse("deliberation:decision", args=[slug, world["decision"].pk]),
        reverse("deliberation:action", args=[slug, world["action"].pk]),
        reverse("deliberation:decisions_csv", args=[slug]),
        reverse("deliberation:decisions_json", args=[slug]),
        reverse("deliberation:audit_jsonl", args=[slug]),
        reverse("deliberation:summary", args=[slug, meeting.pk]),
        reverse("deliberation:my_data", args=[slug]),
    ]


def facilitator_pages(forum, meeting, world) -> list[str]:
    slug = forum.slug
    return [
        *member_pages(forum, meeting, world),
        reverse("deliberation:facilitator_guide"),
        reverse("deliberation:forums"),
        reverse("deliberation:forum", args=[slug]),
        reverse("deliberation:console", args=[slug, meeting.pk]),
        reverse("deliberation:meeting_new", args=[slug]),
        reverse("deliberation:member_add", args=[slug]),
        reverse("deliberation:member_edit", args=[slug, world["proposal"].author_id]),
        reverse("deliberation:cards", args=[slug]),
        reverse("deliberation:glossary", args=[slug]),
        reverse("deliberation:forum_poll_new", args=[slug]),
        reverse("deliberation:proposal_edit", args=[slug, world["proposal"].pk]),
        reverse("deliberation:action_edit", args=[slug, world["action"].pk]),
        reverse("deliberation:summary_review", args=[slug, meeting.pk]),
        reverse("deliberation:summary_send", args=[slug, meeting.pk]),
        reverse("deliberation:projector", args=[meeting.projector_token]),
    ]


def writes_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 302), f"{url}: {response.status_code}"
    # A signed-in browser's session row is saved only when the session changes; none
    # of these pages changes it, so no exception is made for it.
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


def test_a_members_pages_write_nothing(forum, meeting, people, world):
    client = member_client(people["lived_experience"][2])
    found = {url: writes_of(client, url) for url in member_pages(forum, meeting, world)}
    assert {url: sql for url, sql in found.items() if sql} == {}


def test_a_facilitators_pages_write_nothing(facilitator_client, forum, meeting, world):
    pages = facilitator_pages(forum, meeting, world)
    found = {url: writes_of(facilitator_client, url) for url in pages}
    assert {url: sql for url, sql in found.items() if sql} == {}


def test_an_overdue_vote_is_closed_by_the_worker_not_by_a_page(
    facilitator_client, forum, world, lead
):
    overdue = world["overdue"]
    page = reverse("deliberation:forum_poll", args=[forum.slug, overdue.pk])
    facilitator_client.get(page)
    overdue.refresh_from_db()
    assert overdue.status == Poll.Status.DRAFT
    # The vote's own run at its closing time was queued when it was made.
    run_worker()
    overdue.refresh_from_db()
    assert overdue.status == Poll.Status.CLOSED
    closed = AuditEvent.objects.get(kind="poll.closed", payload__poll=overdue.pk)
    assert closed.actor == "schedule"


def test_the_pages_before_signing_in_write_nothing(client, forum, meeting, people, world):
    pages = [
        reverse("deliberation:join"),
        reverse("deliberation:join_meeting", args=[meeting.join_code]),
        reverse("deliberation:invite", args=[people["lived_experience"][0].invite_token]),
        reverse("deliberation:participant_guide"),
        reverse("login"),
    ]
    found = {url: writes_of(client, url) for url in pages}
    assert {url: sql for url, sql in found.items() if sql} == {}
