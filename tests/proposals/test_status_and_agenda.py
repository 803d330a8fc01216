"""Status changes, putting proposals on an agenda, voting on them live, and the timeline."""

import pytest
from django.urls import reverse

from deliberation.exceptions import InvalidInput, StatusChangeRefused
from deliberation.models import ProposalEvent, ProposalPollLink
from deliberation.services import polls as poll_services
from deliberation.services import proposals as services
from deliberation.services import scheduling as scheduling_services
from tests import factories
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db


def move(proposal, lead, to, reason="Because"):
    return services.proposal_status_change(proposal=proposal, to=to, reason=reason, by=lead)


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "decided"),
        ([], "adopted"),
        (["shortlisted"], "adopted"),
        (["shortlisted", "decided"], "open"),
        (["shortlisted", "decided", "adopted"], "not_adopted"),
        (["shortlisted", "decided", "not_adopted"], "shortlisted"),
    ],
)
def test_illegal_transitions_are_refused_in_plain_words(forum, cast, proposal, path, illegal):
    for step in path:
        move(proposal, cast["facilitator"], step)
    with pytest.raises(StatusChangeRefused) as refused:
        move(proposal, cast["facilitator"], illegal)
    message = refused.value.message
    assert "cannot" in message and "“" in message
    proposal.refresh_from_db()
    assert proposal.status == (path[-1] if path else "open")


def test_each_change_needs_a_reason_and_is_on_the_timeline(forum, cast, proposal):
    with pytest.raises(InvalidInput, match="why"):
        move(proposal, cast["facilitator"], "shortlisted", reason=" ")
    move(proposal, cast["facilitator"], "shortlisted", reason="Lots of support")
    event = ProposalEvent.objects.get(proposal=proposal, kind="status")
    assert (event.status_from, event.status_to, event.reason) == (
        "open",
        "shortlisted",
        "Lots of support",
    )


def test_only_the_author_withdraws_and_not_after_the_vote(forum, cast, proposal):
    with pytest.raises(StatusChangeRefused, match="Only the person"):
        move(proposal, cast["facilitator"], "withdrawn")
    services.proposal_withdraw(proposal=proposal, by=cast["participant"], reason="Changed my mind")
    with pytest.raises(StatusChangeRefused, match="already been taken back"):
        services.proposal_withdraw(proposal=proposal, by=cast["participant"], reason="Again")
    other = make_proposal(forum, cast["participant"], title="Cafe at the centre")
    move(other, cast["facilitator"], "shortlisted")
    move(other, cast["facilitator"], "decided")
    with pytest.raises(StatusChangeRefused, match="voted on"):
        services.proposal_withdraw(proposal=other, by=cast["participant"], reason="No")


def test_the_status_form_shows_the_refusal_on_the_page(forum, cast, proposal, browser_for):
    client = browser_for(cast["facilitator"])
    url = reverse("deliberation:proposal_action", args=[forum.slug, proposal.pk, "status"])
    response = client.post(url, {"to": "adopted", "reason": "Skip ahead"})
    assert response.status_code == 400
    assert "cannot go to" in response.content.decode()


def test_shortlisted_proposals_become_options_of_a_live_poll_and_the_result_is_on_the_timeline(
    forum, cast, facilitator_user, browser_for
):
    lead = cast["facilitator"]
    buses = make_proposal(forum, cast["participant"], title="More buses")
    cafe = make_proposal(forum, cast["supporter"], title="A cafe", symbol="food")
    for p in (buses, cafe):
        move(p, lead, "shortlisted", "Many people support it")
    meeting = factories.open_meeting(forum, actor=facilitator_user)

    client = browser_for(lead)
    response = client.post(
        reverse("deliberation:proposals_schedule", args=[forum.slug]),
        {
            "meeting": meeting.pk,
            "proposals": [buses.pk, cafe.pk],
            "method": "dots",
            "dots": 2,
            "question": "Which first?",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    link = ProposalPollLink.objects.select_related("poll", "option").get(proposal=buses)
    poll = link.poll
    assert poll.meeting == meeting and poll.agenda_item.meeting == meeting
    assert [o.label for o in poll.options.order_by("position")] == ["More buses", "A cafe"]
    assert link.option.label == "More buses" and link.option.symbol == "transport"

    poll_services.poll_open(poll=poll)
    voters = [factories.member(forum, c) for c in ("lived_experience", "staff", "commissioner")]
    for voter in voters:
        factories.join(meeting, voter)
        factories.cast(poll, voter, {"dots": {link.option.key: 2}})
    poll_services.poll_close(poll=poll)

    buses.refresh_from_db()
    assert buses.status == "decided"
    move(buses, lead, "adopted", "It won the vote")
    page = browser_for(cast["participant"]).get(
        reverse("deliberation:proposal", args=[forum.slug, buses.pk])
    )
    text = page.content.decode()
    assert "This idea came first." in text
    assert "People who voted: 3" in text
    assert "It won the vote" in text and "We will do it" in text


def test_scheduling_refuses_what_is_not_shortlisted(forum, cast, proposal, facilitator_user):
    meeting = factories.open_meeting(forum, actor=facilitator_user)
    with pytest.raises(StatusChangeRefused, match="not on the shortlist"):
        scheduling_services.proposals_schedule(
            proposals=[proposal],
            meeting=meeting,
            by=cast["facilitator"],
            method="yes_no",
            question="",
        )
    with pytest.raises(InvalidInput, match="at least two"):
        scheduling_services.proposals_schedule(
            proposals=[proposal],
            meeting=meeting,
            by=cast["facilitator"],
            method="dots",
            question="",
            dots=3,
        )
