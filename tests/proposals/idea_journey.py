"""Helpers to take one idea along its way: shortlist, meeting vote, decision, action."""

import datetime
from typing import Any

from django.utils import timezone

from deliberation.models import Member, Poll, Proposal
from deliberation.services import forum_polls
from deliberation.services import proposals as services
from deliberation.services.scheduling import proposals_schedule
from tests import factories


def shortlist(proposal: Proposal, lead: Member) -> Proposal:
    return services.proposal_status_change(
        proposal=proposal, to="shortlisted", reason="Many people want it", by=lead
    )


def meeting_vote(proposal: Proposal, lead: Member, facilitator_user: Any) -> Poll:
    """Put a shortlisted idea to a yes/no vote at an open meeting (not opened yet)."""
    meeting = factories.open_meeting(proposal.forum, actor=facilitator_user)
    scheduled = proposals_schedule(
        proposals=[proposal],
        meeting=meeting,
        by=lead,
        method="yes_no",
        question="Shall we ask for later buses?",
    )
    return scheduled.poll


def forum_vote(
    lead: Member, *, mirror_of: Poll, opens: datetime.datetime | None = None, hours: int = 48
) -> Poll:
    opens = opens or timezone.now() - datetime.timedelta(minutes=5)
    return forum_polls.forum_poll_create(
        forum=mirror_of.forum,
        by=lead,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(hours=hours),
        mirror_of=mirror_of,
    )
