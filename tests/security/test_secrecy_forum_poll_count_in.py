"""Secret votes between meetings, counted in with a meeting's vote: exact, and unlinked.

A forum poll that mirrors a secret meeting poll is voted on between meetings, closes on
time, and its ballots are counted in before the meeting's vote opens. Played by whoever
holds the database (trust model, person 3): once both polls have closed, nothing stored
for either pairs a member with an answer (row order, physical position, transaction id,
client id, how the vote was cast), while the meeting's result counts every vote once.
"""

import datetime
import json
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from deliberation import audit
from deliberation.exceptions import AlreadyVotedSecret
from deliberation.models import AuditEvent, Participation, SecretBallot, Source
from deliberation.services import forum_polls
from deliberation.services import polls as poll_services
from tests import factories
from tests.security.test_secrecy_storage import OPTIONS, decode, encode, physical

pytestmark = pytest.mark.django_db(transaction=True)

REMOTE, IN_ROOM = 12, 6


def _stored(poll, index_of):
    """Return the answers' and the voters' numbers in the order the engine keeps them."""
    ballots = physical(SecretBallot._meta.db_table, "answer", poll.pk)
    people = physical(Participation._meta.db_table, "member_id", poll.pk)
    answers = [decode(json.loads(r[2]) if isinstance(r[2], str) else r[2]) for r in ballots]
    voters = [index_of[row[2]] for row in people]
    return ballots, people, answers, voters


def _group(index: int, lone_commissioner: bool) -> str:
    if lone_commissioner:
        return "commissioner" if index == 7 else ("staff", "lived_experience")[index % 2]
    return ("lived_experience", "staff", "commissioner")[index % 3]


@pytest.mark.parametrize("lone_commissioner", [False, True], ids=["groups", "lone"])
def test_secret_votes_between_meetings_count_exactly_and_link_nobody(
    forum, meeting, lead, lone_commissioner
):
    live = factories.poll(meeting, "score", secret=True, options=OPTIONS, open_=False)
    opens = timezone.now() - datetime.timedelta(hours=1)
    closes = opens + datetime.timedelta(hours=2)
    remote = forum_polls.forum_poll_create(
        forum=forum, by=lead, opens_at=opens, closes_at=closes, mirror_of=live
    )
    assert remote.secret and remote.status == "open"

    # Twelve vote between meetings (in one case among them the only commissioner); each
    # answer encodes the voter's place in the queue, so any order kept would pair them up.
    voters, tokens, client_ids = [], {}, []
    for index in range(REMOTE + IN_ROOM):
        voters.append(factories.member(forum, _group(index, lone_commissioner)))
    for index in range(REMOTE):
        client_ids.append(uuid.uuid4())
        cast = factories.cast(remote, voters[index], encode(index), client_id=client_ids[-1])
        tokens[index] = cast.secret_token
    forum_polls.forum_polls_tick(now=closes + datetime.timedelta(seconds=1))
    remote.refresh_from_db()
    assert remote.status == "closed" and remote.result["voters"] == REMOTE

    counted = forum_polls.forum_poll_count_in(forum_poll=remote, meeting_poll=live, by=lead)
    assert counted == {"copied": REMOTE, "skipped": 0}
    event = AuditEvent.objects.get(kind="forum_poll.counted_in", payload__meeting_poll=live.pk)
    assert set(event.payload) - {"v", "binds"} <= {
        "forum_poll",
        "meeting_poll",
        "ballots",
        "skipped_voted_in_meeting",
    }

    # Six more vote in the room; one who voted between meetings cannot vote again there.
    poll_services.poll_open(poll=live)
    for index in range(REMOTE, REMOTE + IN_ROOM):
        factories.join(meeting, voters[index])
        client_ids.append(uuid.uuid4())
        factories.cast(live, voters[index], encode(index), client_id=client_ids[-1])
    factories.join(meeting, voters[0])
    with pytest.raises(AlreadyVotedSecret):
        factories.cast(live, voters[0], encode(0))
    poll_services.poll_close(poll=live)
    live.refresh_from_db()

    # The count is exact: every vote once, the remote ones marked as such in the result.
    everyone = range(REMOTE + IN_ROOM)
    assert live.result["voters"] == REMOTE + IN_ROOM
    assert live.result["voters_by_source"] == {"remote": REMOTE, "direct": IN_ROOM}
    totals = live.result["weightings"]["per_person"]["totals"]
    assert totals["day-centres"] == sum(i // 6 for i in everyone)
    assert totals["buses"] == sum(i % 6 for i in everyone)
    if lone_commissioner:
        # The forum poll closed with a group too small to break out, so its ballots kept
        # no group; counted in, they keep the meeting's result to the overall count.
        assert live.result["protected"] is True
        assert live.result["by_constituency"] == {}
        assert set(live.result["weightings"]) == {"per_person"}
    else:
        assert live.result["protected"] is False
        assert live.result["voters_by_constituency"] == dict.fromkeys(
            ("lived_experience", "staff", "commissioner"), 6
        )
        for group, shown in live.result["by_constituency"].items():
            mine = [i for i in everyone if _group(i, False) == group]
            assert shown["totals"]["day-centres"] == sum(i // 6 for i in mine)
            assert shown["totals"]["buses"] == sum(i % 6 for i in mine)

    index_of = {person.pk: i for i, person in enumerate(voters)}
    for poll, cast_order in ((remote, list(range(REMOTE))), (live, list(everyone))):
        ballots, people, answers, who = _stored(poll, index_of)
        # Every answer and every voter is there once...
        assert sorted(answers) == cast_order and sorted(who) == cast_order
        # ...but neither order follows the queue or the other (1 in 12! by chance).
        assert answers != cast_order and who != cast_order and answers != who
        # No ballot says it came from between meetings, and no phone's client id is kept.
        assert not SecretBallot.objects.filter(poll=poll, source=Source.REMOTE).exists()
        assert not SecretBallot.objects.filter(poll=poll, client_id__in=client_ids).exists()
        if connection.vendor == "postgresql":
            # One transaction wrote each side: transaction ids say nothing of who came when.
            # (Closing the meeting's vote writes the forum poll's ballots again, as it
            # does every other poll's, so only the poll closed last shares one across.)
            written = [{row[1] for row in ballots}, {row[1] for row in people}]
            assert [len(w) for w in written] == [1, 1]
            assert poll is remote or written[0] == written[1]
    if lone_commissioner:
        assert not SecretBallot.objects.filter(constituency="commissioner").exists()

    # The record still verifies, and a phone's key still finds its vote in the sealed count.
    report = audit.verify_all()
    assert report.ok, [p.describe() for p in report.problems]
    code = audit.receipt_code(remote, secret_token=tokens[7])
    check = audit.check_receipt(remote, code)
    assert check.found and check.included
