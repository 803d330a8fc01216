"""Seals and receipt codes: each voter can check their ballot is in the sealed count.

For a secret poll nothing stored links a member to a ballot: not the ballot events of
the chain (no voter, no actor, no content), not the ballots table, not the receipt
code (worked out on request for the phone holding the ballot's token, never stored).
"""

import json
import uuid

import pytest
from django.db import connection

from deliberation import audit, merkle
from deliberation.models import AuditEvent, Ballot, SecretBallot
from deliberation.services import polls as poll_services
from deliberation.services.secret_ballots import UNNAMED_VOTER
from tests import factories

pytestmark = pytest.mark.django_db


def ballot_events(poll):
    return [
        e
        for e in AuditEvent.objects.filter(kind__startswith="ballot.").order_by("seq")
        if e.payload.get("poll") == poll.pk
    ]


def test_secret_ballot_events_name_no_voter_and_carry_no_content(meeting, people, forum):
    poll = factories.poll(meeting, "consent", secret=True)
    commissioner, self_advocate = people["commissioner"][0], people["lived_experience"][0]
    first = factories.cast(poll, commissioner, {"choice": "objection", "reason": "Too costly"})
    factories.cast(poll, commissioner, {"choice": "consent"}, secret_token=first.secret_token)
    factories.cast(  # assisted: the supporter casts with the person they support
        poll, self_advocate, {"choice": "concern"}, cast_by=people["supporter"]
    )
    facilitator = forum.members.get(role="facilitator")
    factories.cast(poll, None, {"choice": "consent"}, cast_by=facilitator,
                   paper_constituency="staff")  # fmt: skip

    events = ballot_events(poll)
    assert [e.kind for e in events] == ["ballot.cast", "ballot.changed", "ballot.cast",
                                        "ballot.cast"]  # fmt: skip
    voters = {commissioner.pk, self_advocate.pk, people["supporter"].pk}
    for event in events[:3]:
        assert event.payload == {"poll": poll.pk, "changed": event.kind == "ballot.changed", "v": 2}
        assert event.actor == UNNAMED_VOTER
    # A paper ballot has no voter to hide; the facilitator who entered it is named.
    assert events[3].payload == {"poll": poll.pk, "source": "paper", "changed": False, "v": 2}
    assert events[3].actor == f"member:{facilitator.pk}"
    for event in events:
        text = json.dumps(event.payload)
        assert "member" not in text and "answer" not in text and "Too costly" not in text
        assert not any(event.actor == f"member:{v}" for v in voters)


def test_named_ballot_events_keep_who_and_what(meeting, people):
    poll = factories.poll(meeting, "yes_no")
    factories.cast(poll, people["staff"][0], {"choice": "yes"})
    (event,) = ballot_events(poll)
    assert event.payload["member"] == people["staff"][0].pk
    # The answer sits beside the chain; the event commits to it.
    assert "answer" in event.payload["committed"]
    assert audit.opened(event)["answer"] == {"choice": "yes"}


def test_every_secret_voter_can_check_their_code_and_nobody_stores_it(meeting, people):
    poll = factories.poll(meeting, "yes_no", secret=True)
    tokens = {
        person.pk: factories.cast(poll, person, {"choice": "yes"}).secret_token
        for person in people["lived_experience"] + people["staff"]
    }
    codes = {pk: audit.receipt_code(poll, secret_token=token) for pk, token in tokens.items()}
    assert len(set(codes.values())) == len(tokens)
    assert audit.receipt_code(poll, secret_token="not a token") is None
    # Before the close there is no seal to check against.
    assert not audit.check_receipt(poll, next(iter(codes.values()))).sealed

    poll_services.poll_close(poll=poll)
    poll.refresh_from_db()
    # The close writes every secret ballot again, so each phone reads its code now.
    codes = {pk: audit.receipt_code(poll, secret_token=token) for pk, token in tokens.items()}
    assert len(set(codes.values())) == len(tokens)
    for code in codes.values():
        check = audit.check_receipt(poll, code.lower())
        assert (check.sealed, check.found, check.included) == (True, True, True)
        assert check.root == poll.ballot_root and check.count == len(tokens)
    assert not audit.check_receipt(poll, "0000-0000").found

    # No table holds a code, so none can be matched back to a member.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump = repr(cursor.fetchall())
            for code in codes.values():
                assert code not in dump and code.replace("-", "") not in dump, table


def test_a_changed_secret_vote_gets_a_new_code(meeting, people):
    poll = factories.poll(meeting, "yes_no", secret=True)
    token = factories.cast(poll, people["staff"][0], {"choice": "yes"}).secret_token
    before = audit.receipt_code(poll, secret_token=token)
    factories.cast(poll, people["staff"][0], {"choice": "no"}, secret_token=token)
    assert audit.receipt_code(poll, secret_token=token) != before


def test_a_code_stops_checking_out_when_its_ballot_is_changed(meeting, people):
    poll = factories.poll(meeting, "yes_no")
    voter = people["commissioner"][1]
    factories.cast(poll, voter, {"choice": "no"})
    factories.cast(poll, people["staff"][1], {"choice": "yes"})
    code = audit.receipt_code(poll, member_id=voter.pk)
    poll_services.poll_close(poll=poll)
    poll.refresh_from_db()
    assert audit.check_receipt(poll, code).included

    Ballot.objects.filter(poll=poll, member=voter).update(answer={"choice": "yes"})
    check = audit.check_receipt(poll, code)
    assert check.sealed and not check.found and not check.included


def test_the_seal_is_an_rfc_6962_root_over_sorted_leaves(meeting, people):
    poll = factories.poll(meeting, "yes_no", secret=True)
    for person in people["staff"]:
        factories.cast(poll, person, {"choice": "no"}, client_id=uuid.uuid4())
    poll_services.poll_close(poll=poll)
    poll.refresh_from_db()
    rows = SecretBallot.objects.filter(poll=poll).values("id", "constituency", "answer", "source")
    leaves = sorted(
        merkle.leaf_hash(
            audit.canonical_json(
                {
                    "poll": poll.pk,
                    "secret_ballot": str(r["id"]),
                    "constituency": r["constituency"],
                    "answer": r["answer"],
                    "source": r["source"],
                }  # fmt: skip
            )
        )
        for r in rows
    )
    assert merkle.root(leaves).hex() == poll.ballot_root
    # Sorting is what makes the root the same whatever order the database returns.
    assert merkle.root(list(reversed(leaves))).hex() != poll.ballot_root or len(leaves) < 2
