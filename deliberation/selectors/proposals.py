"""Reads for proposal threads: lists with support, comments, timelines, forum polls."""

from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from deliberation.models import (
    Comment,
    Constituency,
    Endorsement,
    Forum,
    Poll,
    PollOption,
    Proposal,
    ProposalEvent,
    ProposalPollLink,
)


def _support_counts() -> dict[str, Any]:
    """Annotations: endorsements by constituency and visible comments, as subqueries.

    Subqueries rather than joins, so counting 1,000 comments never multiplies rows.
    """

    def count(queryset: QuerySet[Any]) -> Any:
        counted = (
            queryset.filter(proposal=OuterRef("pk"))
            .order_by()
            .values("proposal")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    annotations = {
        f"support_{c}": count(Endorsement.objects.filter(constituency=c))
        for c in Constituency.values
    }
    annotations["comment_count"] = count(Comment.objects.filter(hidden_at__isnull=True))
    return annotations


def proposal_list(
    forum: Forum,
    *,
    status: str = "",
    symbol: str = "",
    constituency: str = "",
    q: str = "",
) -> QuerySet[Any]:
    """Return a forum's proposals, filtered and searched, with support and comment counts.

    Search uses PostgreSQL full-text search on PostgreSQL and a simple match on SQLite;
    hidden proposals never match a search (their words are not shown).
    """
    proposals = (
        Proposal.objects.filter(forum=forum).select_related("author").annotate(**_support_counts())
    )
    if status:
        proposals = proposals.filter(status=status)
    if symbol:
        proposals = proposals.filter(symbol=symbol)
    if constituency:
        proposals = proposals.filter(author_constituency=constituency)
    q = " ".join(q.split())[:200]
    if q:
        proposals = proposals.filter(hidden_at__isnull=True)
        if connection.vendor == "postgresql":
            vector = (
                SearchVector("title", weight="A", config="simple")
                + SearchVector("summary", weight="B", config="simple")
                + SearchVector("body", weight="C", config="simple")
            )
            query = SearchQuery(q, search_type="websearch", config="simple")
            return (
                proposals.annotate(rank=SearchRank(vector, query))
                .filter(rank__gt=0)
                .order_by("-rank", "-created_at", "-pk")
            )
        words = q.split()
        for word in words:
            proposals = proposals.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
    return proposals.order_by("-created_at", "-pk")


def support_by_constituency(proposal: Proposal) -> dict[str, int]:
    """Count a proposal's endorsements in each constituency (one query)."""
    counts = dict(
        Endorsement.objects.filter(proposal=proposal)
        .order_by()
        .values_list("constituency")
        .annotate(n=Count("pk"))
    )
    return {c: counts.get(c, 0) for c in Constituency.values}


def proposal_comments(proposal: Proposal) -> QuerySet[Comment]:
    """Return a proposal's top-level comments with their replies and earlier versions."""
    replies = (
        Comment.objects.select_related("author")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    )
    return (
        Comment.objects.filter(proposal=proposal, parent__isnull=True)
        .select_related("author")
        .prefetch_related("revisions", Prefetch("replies", queryset=replies))
        .order_by("created_at", "pk")
    )


def proposal_timeline(proposal: Proposal) -> list[ProposalEvent]:
    """Return a proposal's timeline events, oldest first, with who and where."""
    return list(
        ProposalEvent.objects.filter(proposal=proposal)
        .select_related("actor", "meeting", "poll")
        .order_by("created_at", "pk")
    )


def proposal_polls(proposal: Proposal) -> list[ProposalPollLink]:
    """Return the votes a proposal was put to, with their options and schedules."""
    return list(
        ProposalPollLink.objects.filter(proposal=proposal)
        .select_related("poll", "poll__meeting", "poll__schedule", "option")
        .order_by("poll__created_at", "pk")
    )


def forum_polls(forum: Forum) -> QuerySet[Poll]:
    """Return a forum's polls between meetings, newest first, with their schedules."""
    return (
        Poll.objects.filter(forum=forum, meeting__isnull=True, schedule__isnull=False)
        .select_related("schedule", "schedule__counted_in", "schedule__counted_in__meeting")
        .prefetch_related(Prefetch("options", queryset=PollOption.objects.order_by("position")))
        .order_by("-schedule__opens_at", "-pk")
    )
