"""A batch of ballots gives exactly what the same ballots one by one would give."""

import uuid

import pytest

from deliberation.exceptions import AlreadyVotedSecret, InvalidInput, NotAllowed
from deliberation.models import AuditEvent, Ballot, Participation, SecretBallot
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services.ballots import BallotRequest, CastResult, ballots_cast
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_ballot_in_a_batch_gets_its_own_outcome(forum, meeting, people):
    poll = factories.poll(meeting, "yes_no")
    alice, bob = people["lived_experience"][0], people["staff"][0]
    absent = factories.member(forum, "commissioner")
    repeated = uuid.uuid4()
    requests = [
        BallotRequest({"choice": "yes"}, repeated, alice),
        BallotRequest({"choice": "yes"}, repeated, alice),  # resent: counts once
        BallotRequest({"choice": "no"}, uuid.uuid4(), bob),
        BallotRequest({"choice": "yes"}, uuid.uuid4(), bob),  # changed: last counts
        BallotRequest({"choice": "perhaps"}, uuid.uuid4(), alice),  # not an answer
        BallotRequest({"choice": "no"}, uuid.uuid4(), absent),  # not in the room
        BallotRequest(
            {"choice": "no"}, uuid.uuid4(), people["staff"][1], cast_by=people["supporter"]
        ),  # not someone they support
    ]

    outcomes = ballots_cast(poll_id=poll.pk, requests=requests, meeting_id=meeting.pk)

    assert [type(o) for o in outcomes] == [CastResult] * 4 + [InvalidInput, NotAllowed, NotAllowed]
    assert [o.duplicate for o in outcomes[:4]] == [False, True, False, False]
    assert [o.changed for o in outcomes[:4]] == [False, False, False, True]
    answers = dict(Ballot.objects.filter(poll=poll).values_list("member_id", "answer"))
    assert answers == {alice.pk: {"choice": "yes"}, bob.pk: {"choice": "yes"}}
    kinds = list(
        AuditEvent.objects.filter(kind__startswith="ballot.")
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    assert kinds == ["ballot.cast", "ballot.cast", "ballot.changed"]
    assert meeting_selectors.compute_result(poll)["voters"] == 2


def test_a_batch_of_secret_ballots_keeps_voters_and_answers_apart(meeting, people):
    poll = factories.poll(meeting, "yes_no", secret=True)
    voters = people["lived_experience"] + people["commissioner"]
    requests = [BallotRequest({"choice": "yes"}, uuid.uuid4(), v) for v in voters]
    requests.append(BallotRequest({"choice": "no"}, uuid.uuid4(), voters[0]))  # no token

    outcomes = ballots_cast(poll_id=poll.pk, requests=requests)

    assert isinstance(outcomes[-1], AlreadyVotedSecret)
    tokens = [o.secret_token for o in outcomes[:-1]]
    assert len(set(tokens)) == len(voters) and all(tokens)
    assert SecretBallot.objects.filter(poll=poll).count() == len(voters)
    assert Participation.objects.filter(poll=poll).count() == len(voters)
    # The first voter changes their mind with the key their phone kept.
    again = ballots_cast(
        poll_id=poll.pk,
        requests=[BallotRequest({"choice": "no"}, uuid.uuid4(), voters[0], secret_token=tokens[0])],
    )[0]
    assert again.changed
    result = meeting_selectors.compute_result(poll)
    assert result["weightings"]["per_person"]["totals"]["no"] == 1.0
    assert result["voters"] == len(voters)


def test_a_batch_for_a_closed_poll_refuses_every_ballot(meeting, people):
    from deliberation.exceptions import PollClosed
    from deliberation.services.polls import poll_close

    poll = factories.poll(meeting, "yes_no")
    poll_close(poll=poll)
    outcomes = ballots_cast(
        poll_id=poll.pk,
        requests=[BallotRequest({"choice": "yes"}, uuid.uuid4(), p) for p in people["staff"]],
    )
    assert all(isinstance(o, PollClosed) for o in outcomes)
    assert not Ballot.objects.exists()
