"""Casting ballots: direct, changed, assisted, paper, resent, refused."""

import uuid

import pytest

from deliberation.exceptions import (
    InvalidInput,
    NotAllowed,
    PollClosed,
    PollNotOpen,
    WrongMeeting,
)
from deliberation.models import AuditEvent, Ballot, Source
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import polls as poll_services
from tests import factories

pytestmark = pytest.mark.django_db


def test_ballot_is_counted_by_constituency(meeting, people):
    poll = factories.poll(meeting, "yes_no")
    factories.cast(poll, people["lived_experience"][0], {"choice": "yes"})
    factories.cast(poll, people["commissioner"][0], {"choice": "no"})

    result = meeting_selectors.compute_result(poll)

    assert result["voters"] == 2
    assert result["voters_by_constituency"] == {
        "lived_experience": 1,
        "staff": 0,
        "commissioner": 1,
    }
    assert result["weightings"]["per_person"]["totals"] == {"yes": 1.0, "no": 1.0, "abstain": 0.0}


def test_changing_an_answer_keeps_one_ballot_and_the_last_answer_counts(meeting, people):
    poll = factories.poll(meeting, "traffic_light")
    person = people["staff"][0]
    first = factories.cast(poll, person, {"choice": "agree"})
    second = factories.cast(poll, person, {"choice": "disagree"})

    assert (first.changed, second.changed) == (False, True)
    assert Ballot.objects.filter(poll=poll).count() == 1
    totals = meeting_selectors.compute_result(poll)["weightings"]["per_person"]["totals"]
    assert totals == {"agree": 0.0, "not_sure": 0.0, "disagree": 1.0}
    kinds = list(
        AuditEvent.objects.filter(kind__startswith="ballot.").values_list("kind", flat=True)
    )
    assert kinds == ["ballot.cast", "ballot.changed"]


def test_a_resent_client_id_counts_once(meeting, people):
    poll = factories.poll(meeting, "yes_no")
    person = people["staff"][1]
    client_id = uuid.uuid4()
    first = factories.cast(poll, person, {"choice": "yes"}, client_id=client_id)
    again = factories.cast(poll, person, {"choice": "yes"}, client_id=client_id)

    assert not first.duplicate and again.duplicate
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert AuditEvent.objects.filter(kind="ballot.cast").count() == 1


def test_a_supporter_votes_with_the_person_they_support(meeting, people):
    poll = factories.poll(meeting, "yes_no")
    supported = people["lived_experience"][0]
    factories.cast(poll, supported, {"choice": "yes"}, cast_by=people["supporter"])

    ballot = Ballot.objects.get(poll=poll)
    assert ballot.member == supported
    assert ballot.constituency == "lived_experience"
    assert ballot.source == Source.ASSISTED
    assert ballot.assisted_by == people["supporter"]
    assert meeting_selectors.compute_result(poll)["voters_by_source"] == {"assisted": 1}


def test_a_supporter_cannot_vote_for_someone_they_do_not_support(meeting, people):
    poll = factories.poll(meeting, "yes_no")
    with pytest.raises(NotAllowed):
        factories.cast(
            poll, people["lived_experience"][1], {"choice": "no"}, cast_by=people["supporter"]
        )
    assert not Ballot.objects.exists()


def test_paper_ballots_are_counted_and_marked(meeting, people, facilitator_user):
    poll = factories.poll(meeting, "ranked")
    entered_by = meeting.forum.members.get(user=facilitator_user)
    factories.cast(
        poll,
        None,
        {"ranking": ["buses", "jobs"]},
        cast_by=entered_by,
        paper_constituency="commissioner",
    )

    result = meeting_selectors.compute_result(poll)
    assert result["voters_by_constituency"]["commissioner"] == 1
    assert result["voters_by_source"] == {"paper": 1}


def test_hand_counts_are_counted_by_constituency(meeting, people, facilitator_user):
    poll = factories.poll(meeting, "traffic_light")
    factories.cast(poll, people["staff"][0], {"choice": "agree"})
    poll_services.hand_count_set(
        poll=poll,
        constituency="lived_experience",
        counts={"agree": 4, "not_sure": 1},
        entered_by=None,
        actor=facilitator_user,
    )
    # Entering the counts again replaces them; it does not add to them.
    poll_services.hand_count_set(
        poll=poll,
        constituency="lived_experience",
        counts={"agree": 5},
        entered_by=None,
        actor=facilitator_user,
    )
    result = meeting_selectors.compute_result(poll)
    assert result["voters"] == 6
    assert result["voters_by_source"] == {"direct": 1, "hand": 5}
    assert result["by_constituency"]["lived_experience"]["totals"]["agree"] == 5.0


def test_hand_counts_are_refused_for_ranked_polls(meeting):
    poll = factories.poll(meeting, "ranked")
    with pytest.raises(InvalidInput):
        poll_services.hand_count_set(
            poll=poll, constituency="staff", counts={"agree": 1}, entered_by=None
        )


def test_a_ballot_for_a_closed_poll_is_refused(meeting, people):
    poll = factories.poll(meeting, "yes_no")
    poll_services.poll_close(poll=poll)
    with pytest.raises(PollClosed):
        factories.cast(poll, people["staff"][0], {"choice": "yes"})
    assert not Ballot.objects.exists()


def test_a_ballot_for_a_poll_not_yet_open_is_refused(meeting, people):
    poll = factories.poll(meeting, "yes_no", open_=False)
    with pytest.raises(PollNotOpen):
        factories.cast(poll, people["staff"][0], {"choice": "yes"})


def test_a_ballot_for_another_meetings_poll_is_refused(forum, meeting, people, facilitator_user):
    other = factories.open_meeting(forum, actor=facilitator_user, title="Other meeting")
    poll = factories.poll(other, "yes_no")
    with pytest.raises(WrongMeeting):
        factories.cast(poll, people["staff"][0], {"choice": "yes"}, meeting=meeting)


def test_someone_not_in_the_room_cannot_vote_in_a_meeting_poll(forum, meeting):
    absent = factories.member(forum, "staff")
    poll = factories.poll(meeting, "yes_no")
    with pytest.raises(NotAllowed):
        factories.cast(poll, absent, {"choice": "yes"})


def test_an_observer_cannot_vote(forum, meeting):
    observer = factories.member(forum, "commissioner", role="observer")
    factories.join(meeting, observer)
    poll = factories.poll(meeting, "yes_no")
    with pytest.raises(NotAllowed):
        factories.cast(poll, observer, {"choice": "yes"})


def test_a_wrong_answer_is_refused_with_plain_words(meeting, people):
    poll = factories.poll(meeting, "dots", dots=3)
    with pytest.raises(InvalidInput) as caught:
        factories.cast(poll, people["staff"][0], {"dots": {"buses": 4}})
    assert "3" in caught.value.message
    assert not Ballot.objects.exists()
