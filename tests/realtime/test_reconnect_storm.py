"""Many phones reconnecting at once (issue 12): one shared snapshot, each phone's own part.

A phone's snapshot is the meeting as every phone sees it plus who this phone is. The
shared part is built once for all the phones of a meeting version, so a room of phones
coming back after a Wi-Fi drop costs one read of the meeting, not one each; what is a
phone's own (its votes, its hand) is still read for it alone and never reaches another.
"""

import asyncio
import re
import threading
import time
from collections import Counter

import pytest
from channels.db import database_sync_to_async
from django.db.backends.signals import connection_created

from deliberation.models import Poll
from deliberation.services import agenda as agenda_services
from deliberation.services import equals as equals_services
from deliberation.services import polls as poll_services
from tests import factories
from tests.realtime.conftest import _phone_session, connect, phone, settle, state_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_tallies")]


class TableReads:
    """Count the queries that read each table, on every connection of every thread."""

    def __init__(self) -> None:
        self.tables: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001, ANN204
        match = re.search(r'\bFROM "(\w+)"', sql)
        if match and sql.lstrip().upper().startswith("SELECT"):
            with self.lock:
                self.tables[match.group(1)] += 1
        return execute(sql, params, many, context)

    def watch(self, sender, connection, **kwargs):  # noqa: ANN001, ANN003, ANN201
        if self not in connection.execute_wrappers:
            connection.execute_wrappers.append(self)


@pytest.fixture
def table_reads():
    from django.db import connections

    reads = TableReads()
    connection_created.connect(reads.watch)
    # Connections opened before the test (this thread's) are watched too.
    for conn in connections.all():
        if conn.connection is not None:
            reads.watch(None, conn)
    yield reads
    connection_created.disconnect(reads.watch)


def _ballot(poll: Poll, choice: str) -> dict:
    import uuid

    return {
        "type": "ballot.cast",
        "poll": poll.pk,
        "client_id": str(uuid.uuid4()),
        "answer": {"choice": choice},
    }


async def _connect_all(meeting, members):
    screens = []
    snapshots = []
    for member in members:
        screen = await phone(meeting, member)
        snapshots.append(await screen.receive_until("snapshot"))
        screens.append(screen)
    return screens, snapshots


async def test_phones_of_one_meeting_version_share_one_read_of_the_meeting(
    meeting, people, table_reads
):
    await database_sync_to_async(factories.poll)(meeting, "yes_no")
    members = [m for group in ("lived_experience", "staff", "commissioner") for m in people[group]]
    table_reads.tables.clear()

    screens, snapshots = await _connect_all(meeting, members)

    # The agenda, the polls and their options, and the ballots to count them, once for
    # nine phones, not nine times.
    assert table_reads.tables["deliberation_agendaitem"] == 1, table_reads.tables
    assert table_reads.tables["deliberation_polloption"] == 1, table_reads.tables
    # The speaking queue and the cards, from which each phone's own hand is found.
    assert table_reads.tables["deliberation_speakingturn"] == 1, table_reads.tables
    assert table_reads.tables["deliberation_card"] == 1, table_reads.tables
    shared = [
        {k: v for k, v in state_of(s).items() if k != "me" and k != "equals"} for s in snapshots
    ]
    assert all(part == shared[0] for part in shared)
    for screen in screens:
        await screen.close()


async def test_a_phone_connects_while_the_ballot_writer_is_busy(meeting, people):
    """Who is connecting is read off the writers' thread, so a crowd never queues behind
    a batch of ballots (nor the batch behind the crowd)."""
    member = people["staff"][0]
    cookie = await database_sync_to_async(_phone_session)(meeting, member)
    # The thread the ballot batches are written on, busy for a while.
    writing = asyncio.ensure_future(database_sync_to_async(time.sleep)(3))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    connected, _code, screen = await connect(f"/ws/meeting/{meeting.pk}/", cookie)
    assert connected
    snapshot = await screen.receive_until("snapshot")
    assert time.monotonic() - started < 2
    assert snapshot["me"]["member"] == member.pk
    await writing
    await screen.close()


async def test_a_change_after_the_shared_snapshot_reaches_the_next_phone(meeting, people):
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no")
    first, second, third = people["staff"]
    screen_a = await phone(meeting, first)
    before = await screen_a.receive_until("snapshot")

    # A versioned change: the agenda moves on.
    items = await database_sync_to_async(list)(meeting.agenda.order_by("position"))
    await database_sync_to_async(agenda_services.agenda_move)(meeting=meeting, item=items[-1])
    await screen_a.receive_until("agenda.moved")
    screen_b = await phone(meeting, second)
    after_move = await screen_b.receive_until("snapshot")
    assert after_move["version"] > before["version"]
    assert after_move["meeting"]["current_item"] == items[-1].pk

    # A change with no new version: a ballot moves the live count.
    await screen_a.send(_ballot(poll, "yes"))
    await screen_a.receive_until("ballot.ack")
    await settle()
    screen_c = await phone(meeting, third)
    after_vote = await screen_c.receive_until("snapshot")
    counted = next(p for p in after_vote["polls"] if p["id"] == poll.pk)
    assert counted["voters"] == 1
    for screen in (screen_a, screen_b, screen_c):
        await screen.close()


async def test_each_phone_gets_its_own_votes_and_hand_and_nobody_elses(meeting, people):
    named = await database_sync_to_async(factories.poll)(meeting, "yes_no")
    alice, bob = people["lived_experience"][0], people["commissioner"][0]
    screen_a = await phone(meeting, alice)
    await screen_a.receive_until("snapshot")
    await screen_a.send(_ballot(named, "no"))
    await screen_a.receive_until("ballot.ack")
    await database_sync_to_async(poll_services.poll_close)(poll=named)
    secret = await database_sync_to_async(factories.poll)(
        meeting, "yes_no", secret=True, results_shown="closed"
    )
    await screen_a.send(_ballot(secret, "yes"))
    await screen_a.receive_until("ballot.ack")
    await database_sync_to_async(equals_services.hand_raise)(
        meeting=meeting, member=alice, device_token=await _device(meeting, alice)
    )
    await settle()
    await screen_a.close()

    # Both come back at once, Alice first, so Bob's is served from what Alice's built.
    screen_a = await phone(meeting, alice)
    screen_b = await phone(meeting, bob)
    mine = await screen_a.receive_until("snapshot")
    theirs = await screen_b.receive_until("snapshot")

    assert mine["me"]["member"] == alice.pk
    assert mine["me"]["answers"] == {str(named.pk): {"choice": "no"}}
    assert set(mine["me"]["voted"]) == {str(named.pk), str(secret.pk)}
    assert mine["equals"]["me"]["hand"] == "up"
    assert theirs["me"]["member"] == bob.pk
    assert theirs["me"]["answers"] == {}
    assert theirs["me"]["voted"] == []
    assert theirs["equals"]["me"]["hand"] == "down"
    # Nothing of Alice's in Bob's snapshot: not her name, not her answer to the named poll.
    text = str(theirs)
    assert alice.name not in text
    secret_entry = next(p for p in theirs["polls"] if p["id"] == secret.pk)
    assert secret_entry["result"] is None
    assert secret_entry["voters"] == 0
    for screen in (screen_a, screen_b):
        await screen.close()


@database_sync_to_async
def _device(meeting, member) -> str:
    from deliberation.models import Attendance

    return Attendance.objects.get(meeting=meeting, member=member).device_token
