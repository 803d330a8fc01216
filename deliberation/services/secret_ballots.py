"""Secret ballots: who voted is said of nobody, and the order is forgotten at close."""

import logging
import secrets
import uuid

from django.db import DatabaseError, connection, transaction

from deliberation import methods
from deliberation.models import (
    Participation,
    Poll,
    SecretBallot,
    Source,
)

logger = logging.getLogger(__name__)

# The actor of a secret ballot's audit event: a voter, never which one.
UNNAMED_VOTER = "secret voter"


def secret_rewrite(poll: Poll, *, ungroup: bool) -> None:
    """Write a closing secret poll's ballots and voters again, shuffled, keeping no link.

    While the poll was open each ballot and each participation was written when its
    voter voted, so the engine's row order, physical position (SQLite rowid, PostgreSQL
    ctid) and transaction id (xmin) all follow the voting order, on both sides. Deleted
    and inserted again in one transaction in a fresh random order, they share one
    transaction id and their order says nothing. What could still single a voter out
    goes too: the client id their phone sent, how the vote was cast (a supporter or a
    remote vote is visible beside the person) and, when a group is too small to break
    out, every ballot's group. The frozen result, computed before, still counts them.
    The key hash stays, so a phone still finds its own ballot's receipt.
    """
    rng = secrets.SystemRandom()
    ballots = list(
        SecretBallot.objects.filter(poll=poll).values_list(
            "constituency", "answer", "source", "token_hash"
        )
    )
    voters = list(Participation.objects.filter(poll=poll).values_list("member_id", "assisted"))
    remove_for_good(poll)
    rng.shuffle(ballots)
    rng.shuffle(voters)
    SecretBallot.objects.bulk_create(
        SecretBallot(
            id=uuid.uuid4(),
            poll=poll,
            constituency=methods.UNGROUPED if ungroup else constituency,
            answer=answer,
            # A paper ballot has no voter to point to; any other is just a vote.
            source=Source.PAPER if source == Source.PAPER else Source.DIRECT,
            token_hash=token_hash,
            client_id=uuid.uuid4(),
        )
        for constituency, answer, source, token_hash in ballots
    )
    Participation.objects.bulk_create(
        Participation(poll=poll, member_id=member_id, assisted=assisted)
        for member_id, assisted in voters
    )


def remove_for_good(poll: Poll) -> None:
    """Delete a poll's secret ballots and voters so that the ballots cannot be read back.

    PostgreSQL keeps a deleted row in its page until VACUUM, and VACUUM (even FULL)
    keeps it while any transaction anywhere in the cluster is older than the delete, so
    the secret ballots table is emptied with TRUNCATE instead: at commit its file is
    replaced whatever else is running. The table is locked before the other polls'
    ballots are copied aside (in the server, not in Python), so a ballot another meeting
    commits meanwhile waits for the lock and is never lost; they are written back
    unchanged, and other secret votes wait those milliseconds. Voters are only deleted:
    with the old ballots gone for good, the order of who voted points at nothing.
    SQLite overwrites what it deletes (secure_delete); after commit a checkpoint empties
    its write-ahead log, which still holds the old pages.
    """
    closing = {"poll": poll}
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(SecretBallot._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            keep = f"SELECT * FROM {table} WHERE poll_id <> %s"  # noqa: S608 (a quoted name)
            cursor.execute(f"CREATE TEMPORARY TABLE coprod_secret_keep AS {keep}", [poll.pk])
            # Foreign keys are checked at commit; TRUNCATE wants those checks done first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"INSERT INTO {table} SELECT * FROM coprod_secret_keep")  # noqa: S608
            cursor.execute("DROP TABLE coprod_secret_keep")
        Participation.objects.filter(**closing).delete()
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA secure_delete = ON")
        try:
            SecretBallot.objects.filter(**closing).delete()
            Participation.objects.filter(**closing).delete()
        finally:
            cursor.execute(f"PRAGMA secure_delete = {int(before)}")
    transaction.on_commit(_checkpoint_sqlite)


def _checkpoint_sqlite() -> None:
    """Empty SQLite's write-ahead log, which still holds the pages as they were."""
    if connection.in_atomic_block:
        # Still inside someone's transaction (a test running callbacks early).
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DatabaseError:
        # The poll is closed and its rows shuffled; say so rather than fail the close.
        logger.warning("Could not empty the write-ahead log after a secret poll closed")
