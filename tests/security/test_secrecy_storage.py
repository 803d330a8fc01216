"""After a secret poll closes, nothing stored links a member to an answer.

Played by whoever holds the database (trust model, person 3): they read the raw
tables, with the engine's own row positions (SQLite rowid; PostgreSQL ctid and xmin),
and know who voted in what order. Each voter's answer encodes their place in the
queue, so any stored order that followed the voting order would pair them up.
"""

import json
import os
import subprocess
import uuid

import pytest
from django.db import connection

from deliberation import audit
from deliberation.models import AuditEvent, Participation, SecretBallot, Source
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import polls as poll_services
from deliberation.services.secret_ballots import UNNAMED_VOTER
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

OPTIONS = ("Day centres", "Buses", "Jobs")


def encode(index: int) -> dict[str, object]:
    """Give voter number `index` an answer that says their number."""
    return {"scores": {"day-centres": index // 6, "buses": index % 6, "jobs": 0}}


def decode(answer: dict[str, object]) -> int:
    scores = answer["scores"]
    assert isinstance(scores, dict)
    return int(scores["day-centres"]) * 6 + int(scores["buses"])


def physical(table: str, columns: str, poll_id: int) -> list[tuple]:
    """Read rows in the order the engine keeps them, with its own position columns."""
    if connection.vendor == "postgresql":
        query = (
            f"SELECT ctid::text, xmin::text, {columns} FROM {table} "
            "WHERE poll_id = %s ORDER BY ctid"
        )
    else:
        query = f"SELECT rowid, '', {columns} FROM {table} WHERE poll_id = %s ORDER BY rowid"
    with connection.cursor() as cursor:
        cursor.execute(query, [poll_id])
        return cursor.fetchall()


@pytest.fixture
def room(forum, meeting):
    """Thirty voters: one lone commissioner, one self-advocate voting with a supporter."""
    voters = []
    for index in range(30):
        constituency = "lived_experience" if index % 2 else "staff"
        if index == 17:
            constituency = "commissioner"
        person = factories.member(forum, constituency)
        factories.join(meeting, person)
        voters.append(person)
    assisted = voters[5]
    supporter = factories.member(forum, "staff", role="supporter", supports=[assisted])
    factories.join(meeting, supporter)
    return {"voters": voters, "assisted": assisted, "supporter": supporter}


def vote_in_order(meeting, room):
    poll = factories.poll(meeting, "score", secret=True, options=OPTIONS)
    tokens = {}
    room["client_ids"] = []
    for index, person in enumerate(room["voters"]):
        cast_by = room["supporter"] if person == room["assisted"] else None
        client_id = uuid.uuid4()
        room["client_ids"].append(client_id)
        result = factories.cast(poll, person, encode(index), cast_by=cast_by, client_id=client_id)
        tokens[index] = result.secret_token
    return poll, tokens


def test_closing_a_secret_poll_leaves_no_order_that_pairs_voters_with_answers(meeting, room):
    poll, tokens = vote_in_order(meeting, room)
    index_of = {person.pk: i for i, person in enumerate(room["voters"])}
    cast_order = list(range(30))

    poll_services.poll_close(poll=poll)

    ballots = physical(SecretBallot._meta.db_table, "answer", poll.pk)
    people = physical(Participation._meta.db_table, "id, member_id", poll.pk)
    ballot_order = [decode(_json(row[2])) for row in ballots]
    people_order = [index_of[row[3]] for row in people]
    by_id = [
        index_of[m]
        for m in Participation.objects.filter(poll=poll)
        .order_by("id")
        .values_list("member_id", flat=True)
    ]

    # Every answer and every voter is still there, once.
    assert sorted(ballot_order) == cast_order
    assert sorted(people_order) == cast_order
    # Neither the ballots' physical order nor the voters' lines up with the queue or
    # with each other (the chance of a fresh shuffle doing so is 1 in 30!).
    assert ballot_order != cast_order
    assert ballot_order != people_order
    assert people_order != cast_order
    assert by_id != cast_order
    if connection.vendor == "postgresql":
        # One transaction wrote them all: transaction ids say nothing of who came when.
        assert len({row[1] for row in ballots} | {row[1] for row in people}) == 1


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def test_no_flag_or_small_group_is_stored_with_a_secret_answer(meeting, room):
    poll, _tokens = vote_in_order(meeting, room)
    assert SecretBallot.objects.filter(poll=poll, constituency="commissioner").count() == 1
    assert SecretBallot.objects.filter(poll=poll, source=Source.ASSISTED).count() == 1

    poll_services.poll_close(poll=poll)
    poll.refresh_from_db()

    rows = SecretBallot.objects.filter(poll=poll)
    # The lone commissioner's group is not kept beside any answer, and no ballot says
    # it was cast with a supporter, while the frozen result still counts both.
    assert not rows.filter(constituency="commissioner").exists()
    assert not rows.filter(source=Source.ASSISTED).exists()
    assert poll.result["protected"] is True
    assert poll.result["voters"] == 30
    assert poll.result["voters_by_source"] == {"direct": 29, "assisted": 1}
    assert poll.result["voters_by_constituency"]["commissioner"] == 1
    # Nor does any client id a phone sent survive the close.
    assert not rows.filter(client_id__in=room["client_ids"]).exists()


def test_the_seal_receipts_and_tally_still_hold_after_the_rewrite(meeting, room):
    poll, tokens = vote_in_order(meeting, room)
    before = poll_services.poll_close(poll=poll)

    assert audit.verify_poll(before, audit.closing_event(before)) is None
    report = audit.verify_all()
    assert report.ok, [p.describe() for p in report.problems]
    closed = audit.closing_event(before)
    assert closed.payload["ballot_count"] == 30
    # Each phone's key still finds its own ballot, and its code is in the sealed count.
    for index in (0, 5, 17, 29):
        code = audit.receipt_code(before, secret_token=tokens[index])
        assert code is not None
        check = audit.check_receipt(before, code)
        assert check.found and check.included
    # Per-person totals are exactly the sum of the encoded answers.
    totals = before.result["weightings"]["per_person"]["totals"]
    assert totals["day-centres"] == sum(i // 6 for i in range(30))
    assert totals["buses"] == sum(i % 6 for i in range(30))
    # Counted again from the rows as they are now (no group kept), the shown count and
    # the outcome are the same as the frozen ones.
    again = meeting_selectors.compute_result(before)
    assert again["voters"] == 30 and again["protected"] is True
    assert again["weightings"] == before.result["weightings"]
    assert again["outcome"] == before.result["outcome"]


def test_secret_ballot_events_name_nobody_and_nothing_chosen(meeting, room):
    poll, _tokens = vote_in_order(meeting, room)
    poll_services.poll_close(poll=poll)

    events = AuditEvent.objects.filter(kind__startswith="ballot.", payload__poll=poll.pk)
    assert events.count() == 30
    member_ids = {p.pk for p in room["voters"]} | {room["supporter"].pk}
    for event in events:
        assert event.actor == UNNAMED_VOTER
        assert set(event.payload) == {"poll", "changed", "v"}
        assert not member_ids & {v for v in event.payload.values() if isinstance(v, int)} - {
            poll.pk
        }


def _relation_bytes(table: str) -> bytes:
    """Return every byte the engine keeps for a table and its indexes (and SQLite's log)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            cursor.execute(
                "SELECT %s::regclass::text UNION ALL "
                "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass",
                [table, table],
            )
            relations = [row[0] for row in cursor.fetchall()]
            chunks = []
            for relation in relations:
                cursor.execute(
                    "SELECT get_raw_page(%s, b::int) FROM generate_series(0, "
                    "pg_relation_size(%s) / current_setting('block_size')::int - 1) b",
                    [relation, relation],
                )
                chunks.extend(bytes(row[0]) for row in cursor.fetchall())
            return b"".join(chunks)
    path = connection.settings_dict["NAME"]
    data = b""
    for name in (path, f"{path}-wal"):
        if not os.path.exists(name):
            continue
        # Read in a child process: closing a file this process opened on the database
        # would drop every POSIX lock SQLite holds on it here, and a later writer in
        # another process could then corrupt it (sqlite.org/howtocorrupt.html, 2.2).
        data += subprocess.run(["cat", name], capture_output=True, check=True).stdout
    return data


def _stored_forms(client_id: uuid.UUID) -> list[bytes]:
    # PostgreSQL keeps a uuid as 16 bytes; SQLite as 32 hex characters.
    return [client_id.bytes, client_id.hex.encode()]


def test_the_rows_written_while_voting_cannot_be_read_back_after_the_close(meeting, room):
    poll, _tokens = vote_in_order(meeting, room)
    sent = room["client_ids"]
    before = _relation_bytes(SecretBallot._meta.db_table)
    # The check can see them while the poll is open (so it would see leftovers).
    assert any(form in before for cid in sent for form in _stored_forms(cid))

    poll_services.poll_close(poll=poll)

    after = _relation_bytes(SecretBallot._meta.db_table)
    leftovers = [cid for cid in sent if any(form in after for form in _stored_forms(cid))]
    assert leftovers == []
