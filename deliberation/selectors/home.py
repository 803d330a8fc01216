"""Reads for a member's home between meetings: their ideas, votes, decisions and notices."""

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from deliberation.models import (
    Action,
    Decision,
    Forum,
    Meeting,
    Member,
    Notification,
    Poll,
    Proposal,
    ProposalFollow,
    Summary,
)

NOTICES_SHOWN = 20
DECISIONS_SHOWN = 5


def _ideas(forum: Forum) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(forum=forum, hidden_at__isnull=True)
        .annotate(supporters=Count("endorsements", distinct=True))
        .order_by("-created_at", "-pk")
    )


def my_ideas(member: Member) -> list[Proposal]:
    """Return the ideas a member wrote, newest first."""
    return list(_ideas(member.forum).filter(author=member))


def supported_ideas(member: Member) -> list[Proposal]:
    """Return the ideas a member supports (not their own), newest first."""
    return list(_ideas(member.forum).filter(endorsements__member=member).exclude(author=member))


def open_forum_votes(forum: Forum) -> list[Poll]:
    """Return the votes between meetings that are open now, closing soonest first."""
    return list(
        Poll.objects.filter(forum=forum, meeting__isnull=True, status=Poll.Status.OPEN)
        .select_related("schedule")
        .order_by("schedule__closes_at", "pk")
    )


def latest_decisions(forum: Forum) -> list[Decision]:
    """Return the forum's newest decisions, by the date of their meeting."""
    decisions = (
        Decision.objects.filter(forum=forum)
        .select_related("meeting")
        .annotate(decided_at=Coalesce("meeting__starts_at", "meeting__created_at", "recorded_at"))
        .order_by("-decided_at", "-recorded_at", "-pk")
    )
    return list(decisions[:DECISIONS_SHOWN])


def latest_summary(forum: Forum) -> Summary | None:
    """Return the easy-read summary of the forum's latest meeting that was checked."""
    return (
        Summary.objects.filter(forum=forum, signed_off_at__isnull=False)
        .select_related("meeting")
        .annotate(held_at=Coalesce("meeting__starts_at", "meeting__created_at"))
        .order_by("-held_at", "-pk")
        .first()
    )


def live_meeting(forum: Forum) -> Meeting | None:
    """Return the forum's meeting that is on now, if any."""
    return (
        Meeting.objects.filter(forum=forum, status=Meeting.Status.OPEN)
        .order_by("-created_at")
        .first()
    )


def notices(member: Member) -> list[Notification]:
    """Return a member's newest notices, with everything their words need."""
    return list(
        Notification.objects.filter(member=member)
        .select_related(
            "proposal",
            "proposal__forum",
            "proposal__author",
            "comment",
            "comment__author",
            "poll",
            "poll__schedule",
            "decision",
            "action",
        )
        .order_by("-created_at", "-pk")[:NOTICES_SHOWN]
    )


def unread_count(member: Member) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).count()


def idea_outcome(proposal: Proposal) -> list[dict[str, Any]]:
    """Return the decisions about an idea (from the votes it was in), with their actions."""
    today = timezone.localdate()
    actions = Prefetch("actions", queryset=Action.objects.order_by("due_on", "pk"))
    decisions = (
        Decision.objects.filter(poll__proposal_links__proposal=proposal)
        .select_related("meeting")
        .prefetch_related(actions)
        .order_by("recorded_at", "pk")
        .distinct()
    )
    return [
        {
            "decision": d,
            "actions": [
                {
                    "action": a,
                    "done": a.status == "done",
                    "late": a.status in ("planned", "in_progress") and a.due_on < today,
                }
                for a in d.actions.all()
            ],
        }
        for d in decisions
    ]


def following(proposal: Proposal, member: Member) -> bool:
    return ProposalFollow.objects.filter(proposal=proposal, member=member, active=True).exists()
