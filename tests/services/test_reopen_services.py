"""A meeting or a vote closed by mistake can be opened again, in the record, within limits."""

import pytest
from django.utils import translation

from deliberation import audit, identity
from deliberation.exceptions import DomainError, InvalidInput, MeetingNotOpen, NotAllowed
from deliberation.models import AuditEvent, Ballot, Meeting, Poll
from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from deliberation.services import proposals as proposal_services
from deliberation.services import scheduling
from tests import factories

pytestmark = pytest.mark.django_db


def _kinds(forum) -> list[str]:
    return list(
        AuditEvent.objects.filter(forum=forum).order_by("seq").values_list("kind", flat=True)
    )


# -- the meeting -----------------------------------------------------------------------


def test_a_closed_meeting_is_opened_again_and_the_record_says_so(forum, meeting, facilitator_user):
    meeting_services.meeting_close(meeting=meeting, actor=facilitator_user)
    principal = identity.Principal(user=facilitator_user, forum_id=forum.pk)
    reopened = meeting_services.meeting_reopen(
        meeting=meeting, actor=facilitator_user, principal=principal
    )
    assert reopened.status == Meeting.Status.OPEN
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.OPEN
    assert _kinds(forum)[-2:] == ["meeting.closed", "meeting.reopened"]
    event = AuditEvent.objects.filter(forum=forum).order_by("seq").last()
    assert event.payload["meeting"] == meeting.pk
    assert audit.verify_all().ok


def test_only_a_closed_meeting_is_opened_again(meeting):
    with pytest.raises(InvalidInput):
        meeting_services.meeting_reopen(meeting=meeting)


def test_only_a_facilitator_opens_a_meeting_again(forum, meeting):
    meeting_services.meeting_close(meeting=meeting)
    someone = identity.Principal(user=factories.user(), forum_id=forum.pk)
    with pytest.raises(NotAllowed):
        meeting_services.meeting_reopen(meeting=meeting, principal=someone)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CLOSED


def test_no_vote_opens_in_a_closed_meeting(meeting):
    draft = factories.poll(meeting, "yes_no", open_=False)
    meeting_services.meeting_close(meeting=meeting)
    with pytest.raises(MeetingNotOpen):
        poll_services.poll_open(poll=draft)


# -- a vote ----------------------------------------------------------------------------


def _closed_vote(meeting, people, **kwargs) -> Poll:
    poll = factories.poll(meeting, "yes_no", **kwargs)
    factories.cast(poll, people["lived_experience"][0], {"choice": "yes"})
    factories.cast(poll, people["staff"][0], {"choice": "no"})
    return poll_services.poll_close(poll=poll)


def test_a_closed_vote_is_opened_again_with_its_ballots(forum, meeting, people, facilitator_user):
    poll = _closed_vote(meeting, people)
    principal = identity.Principal(user=facilitator_user, forum_id=forum.pk)
    reopened = poll_services.poll_reopen(poll=poll, actor=facilitator_user, principal=principal)
    assert reopened.status == Poll.Status.OPEN
    assert reopened.result is None
    assert reopened.ballot_root == ""
    assert Ballot.objects.filter(poll=poll).count() == 2
    assert _kinds(forum)[-1] == "poll.reopened"
    # More people vote, it closes again, and the new seal holds all the ballots.
    factories.cast(reopened, people["commissioner"][0], {"choice": "yes"})
    closed = poll_services.poll_close(poll=reopened)
    assert closed.result["voters"] == 3
    assert audit.verify_all().ok


def test_a_vote_with_a_decision_is_not_opened_again(meeting, people):
    poll = _closed_vote(meeting, people)
    factories.decision(meeting, poll)
    with pytest.raises(InvalidInput) as refused:
        poll_services.poll_reopen(poll=poll)
    assert "decision" in refused.value.message
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.CLOSED


def test_a_vote_is_not_opened_again_in_a_closed_meeting(meeting, people):
    poll = _closed_vote(meeting, people)
    meeting_services.meeting_close(meeting=meeting)
    with pytest.raises(MeetingNotOpen):
        poll_services.poll_reopen(poll=poll)


def test_a_vote_is_not_opened_again_while_another_is_open(meeting, people):
    poll = _closed_vote(meeting, people)
    factories.poll(meeting, "yes_no", question="Another?")
    with pytest.raises(InvalidInput):
        poll_services.poll_reopen(poll=poll)


@pytest.mark.parametrize("state", ["draft", "open"])
def test_only_a_closed_vote_is_opened_again(meeting, state):
    poll = factories.poll(meeting, "yes_no", open_=state == "open")
    with pytest.raises(DomainError):
        poll_services.poll_reopen(poll=poll)


def test_only_a_facilitator_opens_a_vote_again(forum, meeting, people):
    poll = _closed_vote(meeting, people)
    someone = identity.Principal(user=factories.user(), forum_id=forum.pk)
    with pytest.raises(NotAllowed):
        poll_services.poll_reopen(poll=poll, principal=someone)


def test_a_secret_vote_that_hid_a_small_group_is_not_opened_again(meeting, people):
    poll = factories.poll(meeting, "yes_no", secret=True)
    for person in people["lived_experience"] + people["staff"][:1]:
        factories.cast(poll, person, {"choice": "yes"})
    poll = poll_services.poll_close(poll=poll)
    assert poll.result.get("protected")
    with pytest.raises(InvalidInput):
        poll_services.poll_reopen(poll=poll)


# Once screens showed a closed vote's result, reopening must not let anyone vote, or
# learn a vote, by what that result gave away.


def test_a_secret_vote_is_not_opened_again_once_its_result_was_shown(meeting, people):
    # Its result moving again would show the room what each late voter chose.
    poll = factories.poll(meeting, "yes_no", secret=True)
    for person in people["lived_experience"] + people["staff"]:
        factories.cast(poll, person, {"choice": "yes"})
    poll = poll_services.poll_close(poll=poll)
    assert not poll.result.get("protected")
    with pytest.raises(InvalidInput) as refused:
        poll_services.poll_reopen(poll=poll)
    assert "secret" in refused.value.message
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.CLOSED


def test_a_vote_hiding_its_results_until_it_closed_is_not_opened_again(meeting, people):
    poll = _closed_vote(meeting, people, results_shown="closed")
    with pytest.raises(InvalidInput) as refused:
        poll_services.poll_reopen(poll=poll)
    assert "results" in refused.value.message
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.CLOSED


def test_a_vote_waiting_for_everyone_opens_again_with_its_results_showing(meeting, people):
    # Everyone saw the result when it closed: open again, the screens keep showing it
    # (and the record says from when) rather than hiding what the room already knows.
    poll = _closed_vote(meeting, people, results_shown="all_voted")
    reopened = poll_services.poll_reopen(poll=poll)
    assert reopened.results_shown_at == poll.closed_at
    assert reopened.results_visible
    assert audit.verify_all().ok


def _proposal_vote(meeting, people, lead):
    proposal = proposal_services.proposal_create(
        forum=meeting.forum,
        author=people["lived_experience"][0],
        title="Buses after 6",
        summary="The last bus goes at 6. We want later buses.",
        symbol="transport",
    )
    proposal = proposal_services.proposal_status_change(
        proposal=proposal, to="shortlisted", reason="Lots of support.", by=lead
    )
    scheduled = scheduling.proposals_schedule(
        proposals=[proposal], meeting=meeting, by=lead, method="yes_no", question="Later buses?"
    )
    poll_services.poll_open(poll=scheduled.poll)
    return proposal, poll_services.poll_close(poll=scheduled.poll)


def test_a_proposal_voted_on_goes_back_to_the_shortlist_while_its_vote_is_open_again(
    meeting, people, lead
):
    proposal, poll = _proposal_vote(meeting, people, lead)
    proposal.refresh_from_db()
    assert proposal.status == "decided"
    poll_services.poll_reopen(poll=poll)
    proposal.refresh_from_db()
    assert proposal.status == "shortlisted"
    poll_services.poll_close(poll=poll)
    proposal.refresh_from_db()
    assert proposal.status == "decided"
    assert audit.verify_all().ok


def test_a_vote_whose_proposal_was_adopted_is_not_opened_again(meeting, people, lead):
    proposal, poll = _proposal_vote(meeting, people, lead)
    proposal.refresh_from_db()
    proposal_services.proposal_status_change(
        proposal=proposal, to="adopted", reason="We agreed.", by=lead
    )
    with pytest.raises(InvalidInput) as refused:
        poll_services.poll_reopen(poll=poll)
    assert "adopted" in refused.value.message


def test_the_reason_a_vote_is_not_opened_again_is_said_in_welsh(meeting, people):
    poll = _closed_vote(meeting, people)
    factories.decision(meeting, poll)
    with translation.override("cy"), pytest.raises(InvalidInput) as refused:
        poll_services.poll_reopen(poll=poll)
    assert refused.value.message.startswith("Mae penderfyniad wedi'i gofnodi")
