"""Many writers at once on PostgreSQL: one unbroken chain, and seals that match the ballots.

Ballots come from several threads (each its own database connection) released together
by a barrier, while a facilitator's thread writes progress notes on an action: every
append locks the forum's chain head, so nothing forks, skips or is lost.
"""

import itertools
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from deliberation import audit
from deliberation.models import AuditEvent, Ballot, Poll, SecretBallot
from deliberation.services import actions as action_services
from deliberation.services import polls as poll_services
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks under real concurrency: the PostgreSQL run (make test) checks this",
    ),
]

THREADS = 8
VOTERS = 48
NOTES = 12


def run_together(jobs: list) -> list[BaseException]:
    """Run jobs on their own threads, starting all at once; return what they raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # noqa: BLE001 - collected and failed on below
            errors.append(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        list(pool.map(run, jobs))
    return errors


def chain_is_whole(forum) -> None:
    forum.refresh_from_db()
    assert audit.verify_forum(forum) is None
    events = AuditEvent.objects.filter(forum=forum).order_by("seq")
    seqs = list(events.values_list("seq", flat=True))
    assert seqs == list(range(1, forum.audit_seq + 1))


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_ballots_from_many_threads_leave_one_chain_and_a_true_seal(forum, meeting, secret):
    groups = itertools.cycle(["lived_experience", "staff", "commissioner"])
    voters = [factories.member(forum, next(groups)) for _ in range(VOTERS)]
    for voter in voters:
        factories.join(meeting, voter)
    earlier = factories.poll(meeting, "yes_no", question="Earlier vote")
    poll_services.poll_close(poll=earlier)
    action = factories.action(factories.decision(meeting, Poll.objects.get(pk=earlier.pk)))
    poll = factories.poll(meeting, "traffic_light", secret=secret)
    before = AuditEvent.objects.filter(forum=forum).count()

    def voting(chunk):
        def job() -> None:
            for n, voter in enumerate(chunk):
                choice = ("agree", "not_sure", "disagree")[n % 3]
                factories.cast(poll, voter, {"choice": choice}, client_id=uuid.uuid4())

        return job

    def reporting() -> None:
        for n in range(NOTES):
            action_services.action_progress_add(action=action, note=f"Progress note {n}.")

    chunks = [voters[i::THREADS] for i in range(THREADS)]
    errors = run_together([voting(chunk) for chunk in chunks] + [reporting])
    assert errors == []

    table = SecretBallot if secret else Ballot
    assert table.objects.filter(poll=poll).count() == VOTERS
    kinds = AuditEvent.objects.filter(forum=forum, seq__gt=before).values_list("kind", flat=True)
    assert sorted(set(kinds)) == ["action.progress", "ballot.cast"]
    assert list(kinds).count("ballot.cast") == VOTERS
    assert list(kinds).count("action.progress") == NOTES
    chain_is_whole(forum)

    poll_services.poll_close(poll=poll)
    poll.refresh_from_db()
    closed = audit.closing_event(poll)
    assert closed.payload["ballot_count"] == VOTERS
    assert closed.payload["ballot_root"] == poll.ballot_root == audit.seal(poll).root
    assert audit.verify_poll(poll, closed) is None
    assert audit.verify_all([forum]).ok
