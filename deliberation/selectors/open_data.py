"""Reads for the open-data exports of ideas, comments and votes between meetings.

Each export reads its rows a batch at a time (views/exports.py); these return the
querysets with everything a row needs joined or annotated, so a batch costs a fixed
number of queries however many rows it holds.
"""

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from deliberation import methods
from deliberation.models import (
    Ballot,
    Comment,
    Constituency,
    Endorsement,
    Forum,
    HandCount,
    Participation,
    Poll,
    PollOption,
    Proposal,
)


def _count(queryset: QuerySet[Any], link: str = "proposal") -> Any:
    counted = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def ideas_for_export(forum: Forum) -> QuerySet[Proposal]:
    """Return a forum's ideas with their author, support by group and shown comments."""
    support = {
        f"support_{c}": _count(Endorsement.objects.filter(constituency=c))
        for c in Constituency.values
    }
    return (
        Proposal.objects.filter(forum=forum)
        .select_related("author")
        .annotate(**support, comment_count=_count(Comment.objects.filter(hidden_at__isnull=True)))
    )


def comments_for_export(forum: Forum) -> QuerySet[Comment]:
    """Return the comments on a forum's ideas, with their author and idea."""
    return Comment.objects.filter(proposal__forum=forum).select_related("author", "proposal")


def forum_polls_for_export(forum: Forum) -> QuerySet[Poll]:
    """Return a forum's votes between meetings with options, schedule and turnout."""
    return (
        Poll.objects.filter(forum=forum, meeting__isnull=True, schedule__isnull=False)
        .select_related("schedule", "schedule__counted_in", "schedule__counted_in__meeting")
        .prefetch_related(Prefetch("options", queryset=PollOption.objects.order_by("position")))
        .annotate(
            named_count=_count(Ballot.objects.all(), "poll"),
            secret_count=_count(Participation.objects.all(), "poll"),
        )
    )


def named_ballots(poll_ids: list[int]) -> dict[int, list[Ballot]]:
    """Return the ballots of these (named) polls with who voted, by poll (one query)."""
    by_poll: dict[int, list[Ballot]] = {pk: [] for pk in poll_ids}
    rows = (
        Ballot.objects.filter(poll_id__in=poll_ids, poll__secret=False)
        .select_related("member", "assisted_by")
        .order_by("poll_id", "pk")
    )
    for ballot in rows:
        by_poll[ballot.poll_id].append(ballot)
    return by_poll


def open_results(polls: list[Poll]) -> dict[int, dict[str, Any]]:
    """Count open polls now, as selectors.meetings.compute_result does, in two queries.

    Only for polls whose results may be seen while open (never a secret one).
    """
    ids = [p.pk for p in polls]
    ballots: dict[int, list[methods.Ballot]] = {pk: [] for pk in ids}
    rows = Ballot.objects.filter(poll_id__in=ids).values_list(
        "poll_id", "constituency", "answer", "source"
    )
    for poll_id, constituency, answer, source in rows:
        ballots[poll_id].append(
            methods.Ballot(constituency=constituency, answer=answer, source=source)
        )
    counts = HandCount.objects.filter(poll_id__in=ids).values_list(
        "poll_id", "constituency", "choice", "count"
    )
    for poll_id, constituency, choice, count in counts:
        ballots[poll_id].append(
            methods.Ballot(
                constituency=constituency, answer={"choice": choice}, count=count, source="hand"
            )
        )
    return {
        poll.pk: methods.tally(
            methods.PollSpec(
                method=poll.method,
                options=tuple(o.key for o in poll.options.all()),
                dots=poll.dots,
            ),
            ballots[poll.pk],
            secret=poll.secret,
            double_majority=poll.double_majority,
            lived_experience_consent=poll.lived_experience_consent,
            primary=poll.weighting,
        )
        for poll in polls
    }
