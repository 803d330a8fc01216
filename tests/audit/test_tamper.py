"""Tampering with the record behind the app's back is caught by `manage.py verify_audit`.

Each test changes the database as someone with direct access could (raw SQL, or the
ORM for an insert), then checks that verify_audit fails naming the right event, poll
or decision. On PostgreSQL the append-only trigger is switched off first, as only the
database owner could; a separate test shows the trigger refuses changes otherwise.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from deliberation import audit
from deliberation.models import AuditEvent, Ballot, Forum, HandCount, SecretBallot
from tests import factories
from tests.audit.conftest import AUDIT_TABLE, json_param, run_sql, trigger_off

pytestmark = pytest.mark.django_db


def verify() -> tuple[int, str]:
    """Run verify_audit; return its exit code and what it said."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def event_of(forum: Forum, kind: str) -> AuditEvent:
    return AuditEvent.objects.filter(forum=forum, kind=kind).order_by("seq").first()


def test_an_untouched_record_verifies_with_a_one_line_summary(forum, record):
    code, said = verify()
    assert code == 0
    lines = said.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Audit record intact: 1 forums, ")
    events = AuditEvent.objects.filter(forum=forum).count()
    assert f"{events} events, 2 sealed polls and 1 decisions checked" in lines[0]


def test_a_payload_changed_with_raw_sql_is_named(forum, record):
    event = event_of(forum, "decision.recorded")
    forged = {**event.payload, "outcome": "We will close the day centre."}
    with trigger_off():
        run_sql(
            f"UPDATE {AUDIT_TABLE} SET payload = {json_param()} WHERE id = %s",
            [json.dumps(forged), event.pk],
        )
    code, said = verify()
    assert code == 1
    assert f"event #{event.seq} (decision.recorded): its content was changed" in said
    assert f"forum '{forum.slug}'" in said


def test_a_deleted_event_is_named_by_its_number(forum, record):
    event = event_of(forum, "ballot.cast")
    with trigger_off():
        run_sql(f"DELETE FROM {AUDIT_TABLE} WHERE id = %s", [event.pk])
    code, said = verify()
    assert code == 1
    assert f"event #{event.seq}: an event is missing" in said


def test_a_deleted_last_event_is_named_too(forum, record):
    forum.refresh_from_db()
    with trigger_off():
        run_sql(
            f"DELETE FROM {AUDIT_TABLE} WHERE forum_id = %s AND seq = %s",
            [forum.pk, forum.audit_seq],
        )
    code, said = verify()
    assert code == 1
    assert f"event #{forum.audit_seq}: an event is missing at the end of the chain" in said


def _forge(forum: Forum, seq: int, prev_hash: str) -> AuditEvent:
    """Make an event that links correctly to the one before it, as a forger would."""
    event = AuditEvent(
        forum=forum,
        seq=seq,
        created_at=timezone.now(),
        actor="member:1",
        kind="decision.recorded",
        payload={"decision": 999, "outcome": "Something nobody agreed."},
        prev_hash=prev_hash,
    )
    event.hash = audit.link_hash(prev_hash, audit.event_body(event))
    event.save()
    return event


def test_an_event_inserted_at_the_end_is_named(forum, record):
    forum.refresh_from_db()
    forged = _forge(forum, forum.audit_seq + 1, forum.audit_head)
    code, said = verify()
    assert code == 1
    assert f"event #{forged.seq} (decision.recorded): it was added after" in said


def test_an_event_inserted_in_the_middle_breaks_the_next_link(forum, record):
    target = event_of(forum, "poll.closed")
    before = AuditEvent.objects.get(forum=forum, seq=target.seq - 1)
    with trigger_off():
        # Make room for the forged event: move every later event up by one.
        run_sql(
            f"UPDATE {AUDIT_TABLE} SET seq = seq + 1000000 WHERE forum_id = %s AND seq >= %s",
            [forum.pk, target.seq],
        )
        run_sql(
            f"UPDATE {AUDIT_TABLE} SET seq = seq - 999999 WHERE forum_id = %s AND seq > 1000000",
            [forum.pk],
        )
    _forge(forum, target.seq, before.hash)
    code, said = verify()
    assert code == 1
    # The forged event links to the one before it; the chain breaks right after it.
    assert f"event #{target.seq + 1} (poll.closed): it does not follow the event before" in said


def test_a_named_ballot_changed_after_close_is_named_by_its_poll(record):
    named = record["named"]
    ballot = Ballot.objects.filter(poll=named, answer={"choice": "yes"}).first()
    run_sql(
        f"UPDATE {Ballot._meta.db_table} SET answer = {json_param()} WHERE id = %s",
        [json.dumps({"choice": "no"}), ballot.pk],
    )
    code, said = verify()
    assert code == 1
    assert f"poll {named.pk}: its ballots were changed after it closed" in said


def test_a_secret_ballot_changed_after_close_is_named_by_its_poll(record):
    secret = record["secret"]
    ballot = SecretBallot.objects.filter(poll=secret).first()
    run_sql(
        f"UPDATE {SecretBallot._meta.db_table} SET answer = {json_param()} WHERE id = %s",
        [
            json.dumps({"choice": "disagree"}),
            SecretBallot._meta.pk.get_db_prep_value(ballot.pk, connection),
        ],
    )
    code, said = verify()
    assert code == 1
    assert f"poll {secret.pk}: its ballots were changed after it closed" in said


def test_a_ballot_added_or_a_hand_count_removed_after_close_is_caught(record, people):
    named = record["named"]
    # A stuffed ballot, added the way the app adds them but after the close.
    Ballot.objects.create(
        poll=named,
        member=people["commissioner"][2],
        constituency="commissioner",
        answer={"choice": "no"},
        client_id="00000000-0000-4000-8000-000000000001",
    )
    code, said = verify()
    assert code == 1
    sealed = 7 + 1  # seven ballots and one hand count were sealed
    assert f"poll {named.pk}: its ballots were changed after it closed " in said
    assert f"({sealed + 1} now, {sealed} sealed)" in said

    Ballot.objects.filter(client_id="00000000-0000-4000-8000-000000000001").delete()
    assert verify()[0] == 0
    HandCount.objects.filter(poll=named).delete()
    code, said = verify()
    assert code == 1 and f"poll {named.pk}:" in said and f"({sealed - 1} now" in said


def test_a_decision_pointing_to_another_hash_is_named(record):
    decision = record["decision"]
    run_sql(
        f"UPDATE {decision._meta.db_table} SET audit_hash = %s WHERE id = %s",
        ["0" * 64, decision.pk],
    )
    code, said = verify()
    assert code == 1
    assert f"decision {decision.pk}: its audit hash is not the hash of its" in said


def test_one_forum_can_be_checked_alone(forum, record):
    out = StringIO()
    call_command("verify_audit", "--forum", forum.slug, stdout=out)
    assert "1 forums" in out.getvalue()
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit", "--forum", "no-such-forum")
    assert raised.value.returncode == 2


def test_the_orm_refuses_to_change_or_delete_events(forum, record):
    event = event_of(forum, "poll.closed")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(kind="poll.opened")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["kind"])
    assert verify()[0] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_updates_and_deletes_itself(forum, record):
    event = event_of(forum, "poll.closed")
    for sql in (
        f"UPDATE {AUDIT_TABLE} SET kind = 'poll.opened' WHERE id = %s",
        f"DELETE FROM {AUDIT_TABLE} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            run_sql(sql, [event.pk])
    event.refresh_from_db()
    assert event.kind == "poll.closed"
    assert verify()[0] == 0


def test_a_poll_closed_without_a_seal_is_named(forum, meeting, people):
    from django.db import transaction as db_transaction

    from deliberation.models import Poll

    poll = factories.poll(meeting, "yes_no")
    factories.cast(poll, people["staff"][0], {"choice": "yes"})
    # A poll.closed event in an intact chain but with no Merkle root: nothing to check
    # the ballots against, which verify_audit names rather than passing or crashing.
    with db_transaction.atomic():
        Poll.objects.filter(pk=poll.pk).update(status="closed")
        audit.append(
            forum_id=forum.pk,
            actor="system",
            kind="poll.closed",
            payload={"poll": poll.pk, **audit.binding(poll)},
        )
    code, said = verify()
    assert code == 1 and f"poll {poll.pk}: its poll.closed event holds no seal" in said
