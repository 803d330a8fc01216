"""Open data between meetings: ideas, comments and votes as CSV and JSON.

The same readers as the decision log's exports (members and facilitators of the forum),
the same streaming and the same rule: an export shows what any member may read on the
pages and nothing more. A hidden idea or comment keeps only that it was hidden and why;
a secret vote gives only counts, never who voted what; a named vote names who voted
what once its results may be seen, as the vote's page promised them. No email address,
device key or link token is in any of them. Columns are documented in README.md.
"""

import datetime
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from deliberation import methods
from deliberation.models import Ballot, Comment, Forum, Poll, Proposal
from deliberation.selectors import open_data
from deliberation.views.decisions import reader, record_forum
from deliberation.views.exports import (
    csv_chunks,
    export_head,
    in_batches,
    json_chunks,
    streamed,
)

IDEAS_FORMAT = "coprod-ideas/1"
COMMENTS_FORMAT = "coprod-comments/1"
VOTES_FORMAT = "coprod-forum-votes/1"

IDEA_COLUMNS = [
    "idea_id",
    "created_at",
    "edited_at",
    "status",
    "title",
    "summary",
    "symbol",
    "body",
    "author",
    "author_constituency",
    *(f"support_{c}" for c in methods.CONSTITUENCIES),
    "comments",
    "hidden",
    "hidden_reason",
    "url",
]
COMMENT_COLUMNS = [
    "comment_id",
    "idea_id",
    "reply_to",
    "created_at",
    "edited_at",
    "author",
    "author_constituency",
    "body",
    "hidden",
    "hidden_reason",
    "url",
]
VOTE_COLUMNS = [
    "vote_id",
    "question",
    "method",
    "secret",
    "status",
    "opens_at",
    "closes_at",
    "results_shown",
    "voters",
    "option",
    "option_label",
    "total",
    "total_parity",
    *(f"total_{c}" for c in methods.CONSTITUENCIES),
    "counted_in_vote",
    "url",
]


def _when(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _number(value: object) -> object:
    """Write a whole count as 5, not 5.0 (parity totals and dots can be fractions)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _respond(
    request: HttpRequest, forum: Forum, name: str, chunks: Iterator[bytes], kind: str
) -> StreamingHttpResponse:
    content_type = "text/csv; charset=utf-8" if kind == "csv" else "application/json"
    return streamed(request, chunks, content_type=content_type, filename=f"{forum.slug}-{name}")


# -- ideas -----------------------------------------------------------------------------------


def _idea(request: HttpRequest, forum: Forum, idea: Proposal) -> dict[str, Any]:
    """Describe an idea as any member may read it: a hidden one keeps only why."""
    hidden = idea.is_hidden
    return {
        "id": idea.pk,
        "url": request.build_absolute_uri(
            reverse("deliberation:proposal", args=[forum.slug, idea.pk])
        ),
        "created_at": _when(idea.created_at),
        "edited_at": _when(idea.edited_at) or None,
        "status": idea.status,
        "title": "" if hidden else idea.title,
        "summary": "" if hidden else idea.summary,
        "symbol": "" if hidden else idea.symbol,
        "body": "" if hidden else idea.body,
        "author": "" if hidden or idea.author is None else idea.author.name,
        "author_constituency": "" if hidden else idea.author_constituency,
        "support": {c: getattr(idea, f"support_{c}") for c in methods.CONSTITUENCIES},
        "comments": idea.comment_count,  # type: ignore[attr-defined]
        "hidden": hidden,
        "hidden_reason": idea.hidden_reason if hidden else "",
    }


def _idea_row(item: dict[str, Any]) -> list[object]:
    return [
        item["id"],
        item["created_at"],
        item["edited_at"] or "",
        item["status"],
        item["title"],
        item["summary"],
        item["symbol"],
        item["body"],
        item["author"],
        item["author_constituency"],
        *(item["support"][c] for c in methods.CONSTITUENCIES),
        item["comments"],
        _yes_no(item["hidden"]),
        item["hidden_reason"],
        item["url"],
    ]


def _ideas(request: HttpRequest, forum: Forum) -> Iterator[list[dict[str, Any]]]:
    for batch in in_batches(open_data.ideas_for_export(forum)):
        yield [_idea(request, forum, idea) for idea in batch]


@require_GET
def ideas_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Export the forum's ideas as CSV, one row per idea, oldest first."""
    forum = record_forum(slug)
    reader(request, forum)
    rows = ([_idea_row(i) for i in batch] for batch in _ideas(request, forum))
    return _respond(request, forum, "ideas.csv", csv_chunks(IDEA_COLUMNS, rows), "csv")


@require_GET
def ideas_json(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Export the forum's ideas as JSON, oldest first."""
    forum = record_forum(slug)
    reader(request, forum)
    head = export_head(forum, IDEAS_FORMAT, {})
    return _respond(
        request, forum, "ideas.json", json_chunks(head, "ideas", _ideas(request, forum)), "json"
    )


# -- comments --------------------------------------------------------------------------------


def _comment(request: HttpRequest, forum: Forum, comment: Comment) -> dict[str, Any]:
    """Describe a comment as any member may read it: a hidden one keeps only why."""
    hidden = comment.is_hidden
    author = comment.author
    page = reverse("deliberation:proposal", args=[forum.slug, comment.proposal_id])
    return {
        "id": comment.pk,
        "idea": comment.proposal_id,
        "reply_to": comment.parent_id,
        "url": request.build_absolute_uri(f"{page}#comment-{comment.pk}"),
        "created_at": _when(comment.created_at),
        "edited_at": _when(comment.edited_at) or None,
        "author": "" if hidden or author is None else author.name,
        "author_constituency": "" if hidden or author is None else author.constituency,
        "body": "" if hidden else comment.body,
        "hidden": hidden,
        "hidden_reason": comment.hidden_reason if hidden else "",
    }


def _comment_row(item: dict[str, Any]) -> list[object]:
    return [
        item["id"],
        item["idea"],
        item["reply_to"] or "",
        item["created_at"],
        item["edited_at"] or "",
        item["author"],
        item["author_constituency"],
        item["body"],
        _yes_no(item["hidden"]),
        item["hidden_reason"],
        item["url"],
    ]


def _comments(request: HttpRequest, forum: Forum) -> Iterator[list[dict[str, Any]]]:
    for batch in in_batches(open_data.comments_for_export(forum)):
        yield [_comment(request, forum, c) for c in batch]


@require_GET
def comments_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Export the comments on the forum's ideas as CSV, one row per comment, oldest first."""
    forum = record_forum(slug)
    reader(request, forum)
    rows = ([_comment_row(c) for c in batch] for batch in _comments(request, forum))
    return _respond(request, forum, "comments.csv", csv_chunks(COMMENT_COLUMNS, rows), "csv")


@require_GET
def comments_json(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Export the comments on the forum's ideas as JSON, oldest first."""
    forum = record_forum(slug)
    reader(request, forum)
    head = export_head(forum, COMMENTS_FORMAT, {})
    chunks = json_chunks(head, "comments", _comments(request, forum))
    return _respond(request, forum, "comments.json", chunks, "json")


# -- votes between meetings ------------------------------------------------------------------


def _ballot(ballot: Ballot) -> dict[str, Any]:
    return {
        "voter": ballot.member.name if ballot.member else None,
        "constituency": ballot.constituency,
        "answer": ballot.answer,
        "source": ballot.source,
        "assisted_by": ballot.assisted_by.name if ballot.assisted_by else None,
    }


def _visible(poll: Poll) -> bool:
    return poll.status != Poll.Status.DRAFT and poll.results_visible


def _vote(
    request: HttpRequest,
    forum: Forum,
    poll: Poll,
    ballots: dict[int, list[Ballot]],
    counted: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    """Describe a vote between meetings: counts only while its results may not be seen."""
    schedule = poll.schedule  # type: ignore[attr-defined]
    visible = _visible(poll)
    # A closed vote's result was frozen when it closed; an open one is counted now.
    result = (poll.result if poll.is_closed else counted.get(poll.pk)) if visible else None
    counted_in = schedule.counted_in
    return {
        "id": poll.pk,
        "url": request.build_absolute_uri(
            reverse("deliberation:forum_poll", args=[forum.slug, poll.pk])
        ),
        "question": poll.question,
        "method": poll.method,
        "secret": poll.secret,
        "status": poll.status,
        "opens_at": _when(schedule.opens_at),
        "closes_at": _when(schedule.closes_at),
        "results_shown": poll.results_shown,
        "results_visible": visible,
        "voters": poll.secret_count if poll.secret else poll.named_count,  # type: ignore[attr-defined]
        "options": [{"key": o.key, "label": o.label} for o in poll.options.all()],
        "result": result,
        "counted_in": {"vote": counted_in.pk, "meeting": counted_in.meeting_id}
        if counted_in
        else None,
        # Who voted what, for a named vote whose results may be seen: its page told each
        # voter "the record will show your name and your vote". Never for a secret one.
        "ballots": [_ballot(b) for b in ballots.get(poll.pk, [])]
        if visible and not poll.secret
        else None,
    }


def _vote_rows(item: dict[str, Any]) -> list[list[object]]:
    """One row per option: the totals, overall and by group, where they may be seen."""
    result = item["result"] or {}
    weightings = result.get("weightings") or {}
    per_person = (weightings.get("per_person") or {}).get("totals") or {}
    parity = (weightings.get("parity") or {}).get("totals") or {}
    groups = result.get("by_constituency") or {}
    counted = item["counted_in"]["vote"] if item["counted_in"] else ""
    rows = []
    for option in item["options"] or [{"key": "", "label": ""}]:
        key = option["key"]
        rows.append(
            [
                item["id"],
                item["question"],
                item["method"],
                _yes_no(item["secret"]),
                item["status"],
                item["opens_at"],
                item["closes_at"],
                item["results_shown"],
                item["voters"],
                key,
                option["label"],
                _number(per_person.get(key, "")),
                _number(parity.get(key, "")),
                *(
                    _number(((groups.get(c) or {}).get("totals") or {}).get(key, ""))
                    for c in methods.CONSTITUENCIES
                ),
                counted,
                item["url"],
            ]
        )
    return rows


def _votes(request: HttpRequest, forum: Forum) -> Iterator[list[dict[str, Any]]]:
    for batch in in_batches(open_data.forum_polls_for_export(forum), size=100):
        shown = [p for p in batch if _visible(p)]
        ballots = open_data.named_ballots([p.pk for p in shown if not p.secret])
        counted = open_data.open_results([p for p in shown if not p.is_closed])
        yield [_vote(request, forum, poll, ballots, counted) for poll in batch]


@require_GET
def votes_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Export the forum's votes between meetings as CSV: one row per vote and option."""
    forum = record_forum(slug)
    reader(request, forum)
    rows = ([row for v in batch for row in _vote_rows(v)] for batch in _votes(request, forum))
    return _respond(request, forum, "votes.csv", csv_chunks(VOTE_COLUMNS, rows), "csv")


@require_GET
def votes_json(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Export the forum's votes between meetings as JSON, with results and named ballots."""
    forum = record_forum(slug)
    reader(request, forum)
    head = export_head(forum, VOTES_FORMAT, {})
    return _respond(
        request, forum, "votes.json", json_chunks(head, "votes", _votes(request, forum)), "json"
    )
