"""Reads for proposal threads: lists with support, comments, timelines, forum polls."""

import re
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from deliberation.models import (
    Comment,
    CommentReport,
    Constituency,
    Endorsement,
    Forum,
    Poll,
    PollOption,
    Proposal,
    ProposalEvent,
    ProposalPollLink,
    ProposalRevision,
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


# How the list of ideas can be sorted: the GET parameter's values, newest first by default.
SORTS = ("newest", "supported", "discussed")
DEFAULT_SORT = "newest"
SEARCH_MAX = 200
# The SQLite FTS5 table the migration makes (0002): proposals and visible comments.
SEARCH_TABLE = "deliberation_ideasearch"
_WORD = re.compile(r"\w+", re.UNICODE)


def search_words(q: str) -> list[str]:
    """Return the words of a search, without syntax, unencodable text or control characters.

    A search box gets anything: quotes, brackets, FTS5 operators, lone surrogates from a
    broken form. Only words are searched for, so none of it can become an error.
    """
    text = q.encode("utf-8", "ignore").decode("utf-8")[:SEARCH_MAX]
    return _WORD.findall(text)[:20]


def _search(proposals: QuerySet[Any], words: list[str]) -> QuerySet[Any]:
    """Keep the proposals whose words, or whose visible comments' words, match every word.

    PostgreSQL: full-text search with English stems (plurals) or the words as written
    ('simple', for Welsh and names), on the GIN indexes of migration 0002. SQLite: the
    FTS5 table of the same migration, with porter stems, kept in step by triggers.
    """
    text = " ".join(words)
    if connection.vendor == "postgresql":
        english = SearchQuery(text, search_type="plain", config="english")
        simple = SearchQuery(text, search_type="plain", config="simple")
        comments = Comment.objects.filter(hidden_at__isnull=True).annotate(
            english=SearchVector("body", config="english"),
            simple=SearchVector("body", config="simple"),
        )
        matching = comments.filter(Q(english=english) | Q(simple=simple)).values("proposal_id")
        return proposals.annotate(
            english=SearchVector("title", "summary", "body", config="english"),
            simple=SearchVector("title", "summary", "body", config="simple"),
        ).filter(Q(english=english) | Q(simple=simple) | Q(pk__in=matching))
    # Each word quoted: FTS5 reads it as a word, never as an operator.
    match = " ".join('"' + word.replace('"', "") + '"' for word in words)
    # The table name is our constant; the search is a parameter, never part of the SQL.
    sql = f"SELECT proposal_id FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH %s"  # noqa: S608
    return proposals.filter(pk__in=RawSQL(sql, [match]))  # noqa: S611


def proposal_list(
    forum: Forum,
    *,
    status: str = "",
    symbol: str = "",
    constituency: str = "",
    q: str = "",
    sort: str = DEFAULT_SORT,
) -> QuerySet[Any]:
    """Return a forum's proposals, filtered, searched and sorted, with support and comments.

    Hidden proposals and hidden comments never match a search (their words are not shown).
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
    words = search_words(q)
    if q.strip():
        proposals = proposals.filter(hidden_at__isnull=True)
        if words:
            proposals = _search(proposals, words)
        else:
            proposals = proposals.none()
    if sort == "supported":
        total = sum((F(f"support_{c}") for c in Constituency.values), Value(0))
        return proposals.annotate(support_total=total).order_by(
            "-support_total", "-created_at", "-pk"
        )
    if sort == "discussed":
        return proposals.order_by(F("comment_count").desc(), "-created_at", "-pk")
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


def proposal_revisions(proposal: Proposal) -> list[ProposalRevision]:
    """Return a proposal's earlier words, oldest first."""
    return list(ProposalRevision.objects.filter(proposal=proposal).order_by("written_at", "pk"))


def open_reports(forum: Forum) -> QuerySet[Any]:
    """Return the reports about comments that wait for a facilitator, oldest first."""
    return (
        CommentReport.objects.filter(
            comment__proposal__forum=forum, outcome=CommentReport.Outcome.OPEN
        )
        .select_related("comment", "comment__author", "comment__proposal", "reporter")
        .order_by("created_at", "pk")
    )
