"""Open data: the decision log as CSV and JSON, and the audit chain as JSON Lines.

The exports take the same filters as the log page and list the same decisions in
the same order. Their columns are documented in README.md ("Open data"), and the
chain re-verifies offline with a few lines of Python (also in the README).

Every export streams: rows are read a batch at a time (one or a few queries per
batch, never one per row) and sent as they are written, so a forum with 100,000
audit events is sent in constant memory. Under ASGI (daphne) the body is an async
iterator that reads each batch in the request's database thread; Django would read a
plain iterator to its end before sending anything.
"""

import csv
import datetime
import json
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from deliberation import audit, methods
from deliberation.models import Action, AuditEvent, Decision, Forum
from deliberation.selectors import record as record_selectors
from deliberation.views.decisions import (
    audit_head,
    decision_summary,
    log_filters,
    reader,
    record_forum,
)

FORMAT = "coprod-decision-log/1"
# The CSV columns, in order (README.md says what each one holds).
CSV_COLUMNS = [
    "decision_id",
    "recorded_at",
    "meeting_id",
    "meeting_title",
    "meeting_date",
    "agenda_item",
    "outcome",
    "outcome_easy_read",
    "rationale",
    "method",
    "weighting",
    "question",
    "passed",
    "winner",
    "voters",
    *(f"voters_{c}" for c in methods.CONSTITUENCIES),
    *(f"present_{c}" for c in methods.CONSTITUENCIES),
    "proposals",
    "recorded_by",
    "status",
    "actions",
    "actions_done",
    "actions_overdue",
    "ballot_root",
    "audit_hash",
    "url",
]
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _blank(value: object) -> object:
    return "" if value is None else value


# -- streaming -------------------------------------------------------------------------

BATCH = 500  # rows read per query while streaming


def _next_chunk(chunks: Iterator[bytes]) -> bytes | None:
    return next(chunks, None)


async def _pulled(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Read a sync iterator one chunk at a time, each in the request's database thread."""
    step = sync_to_async(_next_chunk, thread_sensitive=True)
    while (chunk := await step(chunks)) is not None:
        yield chunk


def streamed(
    request: HttpRequest, chunks: Iterator[bytes], *, content_type: str, filename: str
) -> StreamingHttpResponse:
    """Send chunks as they are made: async under ASGI, so nothing is held whole."""
    content: Iterator[bytes] | AsyncIterator[bytes] = (
        _pulled(chunks) if isinstance(request, ASGIRequest) else chunks
    )
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class _Line:
    """A file-like object for csv.writer that hands back each line it is given."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(
    columns: Sequence[str], batches: Iterable[Iterable[Sequence[object]]]
) -> Iterator[bytes]:
    """Write CSV a batch at a time, with a byte order mark and every cell made safe."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    # A byte order mark, so spreadsheet programs read the file as UTF-8 (Welsh letters).
    yield ("\ufeff" + writer.writerow(columns)).encode()
    for rows in batches:
        yield "".join(writer.writerow([_cell(v) for v in row]) for row in rows).encode()


def json_chunks(
    head: dict[str, Any], key: str, batches: Iterable[Iterable[Any]]
) -> Iterator[bytes]:
    """Write one JSON object, its list `key` streamed a batch at a time (indented by 2)."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)

    opening = dump({**head, key: []})
    # `head` then the list, opened: everything but the closing "]" and "}".
    yield (opening[: opening.rindex("[")] + "[").encode()
    first = True
    for items in batches:
        parts = []
        for item in items:
            text = "\n".join("    " + line for line in dump(item).splitlines())
            parts.append(("\n" if first else ",\n") + text)
            first = False
        if parts:
            yield "".join(parts).encode()
    yield ("\n  ]\n}" if not first else "]\n}").encode()


def in_batches[T: Model](queryset: QuerySet[T], size: int = BATCH) -> Iterator[list[T]]:
    """Yield a queryset's rows by primary key, `size` at a time (one query each, keyset)."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk  # type: ignore[attr-defined]


def in_order[T: Model](
    queryset: QuerySet[T], ids: Sequence[int], size: int = BATCH // 5
) -> Iterator[list[T]]:
    """Yield the rows with these ids, in this order, `size` at a time."""
    for start in range(0, len(ids), size):
        wanted = ids[start : start + size]
        found = {row.pk: row for row in queryset.filter(pk__in=wanted)}  # type: ignore[attr-defined]
        yield [found[pk] for pk in wanted if pk in found]


# -- the decision log ----------------------------------------------------------------------


def _decisions(
    request: HttpRequest, forum: Forum
) -> tuple[dict[str, object], Iterator[list[Decision]]]:
    """Return the log's filters as applied and the decisions they select, in batches."""
    form, decisions = log_filters(request, forum)
    # The order is the log's; the ids alone are read first, the rows a batch at a time.
    ids = list(decisions.values_list("pk", flat=True))
    loaded = record_selectors.decisions_for_export(decisions).prefetch_related("poll__options")
    return form.filters(), in_order(loaded.order_by(), ids)


def _url(request: HttpRequest, forum: Forum, decision: Decision) -> str:
    return request.build_absolute_uri(
        reverse("deliberation:decision", args=[forum.slug, decision.pk])
    )


def _proposal_ids(decision: Decision) -> list[int]:
    return (
        [link.proposal_id for link in decision.poll.proposal_links.all()] if decision.poll else []
    )


def _decision_row(request: HttpRequest, forum: Forum, decision: Decision) -> list[object]:
    s = decision_summary(decision)
    meeting = s["meeting"]
    return [
        s["id"],
        s["recorded_at"].isoformat(),
        meeting.pk if meeting else "",
        meeting.title if meeting else "",
        s["meeting_date"].isoformat() if s["meeting_date"] else "",
        s["agenda_item"],
        s["outcome"],
        s["outcome_easy_read"],
        s["rationale"],
        s["method"],
        s["weighting"],
        s["question"],
        _yes_no(s["passed"]),
        s["winner"],
        _blank(s["voters"]),
        *(_blank(s["voters_by_group"][c]) for c in methods.CONSTITUENCIES),
        *(s["present_by_group"][c] for c in methods.CONSTITUENCIES),
        " ".join(str(p) for p in _proposal_ids(decision)),
        s["recorded_by"],
        s["status"],
        s["actions"],
        s["actions_done"],
        s["actions_overdue"],
        s["ballot_root"],
        s["audit_hash"],
        _url(request, forum, decision),
    ]


@require_GET
def decisions_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Export the decision log (as filtered) as CSV, one row per decision."""
    forum = record_forum(slug)
    reader(request, forum)
    _filters, batches = _decisions(request, forum)
    rows = ([_decision_row(request, forum, d) for d in batch] for batch in batches)
    return streamed(
        request,
        csv_chunks(CSV_COLUMNS, rows),
        content_type="text/csv; charset=utf-8",
        filename=f"{forum.slug}-decisions.csv",
    )


def _action_json(action: Action, today: datetime.date) -> dict[str, Any]:
    return {
        **record_selectors.action_dict(action, today=today),
        "updates": [
            {
                "id": u.pk,
                "at": timezone.localtime(u.created_at).isoformat(),
                "note": u.note,
                "status_before": u.status_before,
                "status_after": u.status_after,
                "what_helped": u.what_helped,
                "what_got_in_the_way": u.what_got_in_the_way,
                "photo_sha256": u.photo_sha256 or None,
                "photo_description": u.photo_description,
            }
            for u in action.updates.all()
        ],
    }


def _decision_json(
    request: HttpRequest, forum: Forum, decision: Decision, today: datetime.date
) -> dict[str, Any]:
    s = decision_summary(decision)
    meeting = s["meeting"]
    return {
        "id": s["id"],
        "url": _url(request, forum, decision),
        "recorded_at": s["recorded_at"].isoformat(),
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "date": s["meeting_date"].isoformat() if s["meeting_date"] else None,
        }
        if meeting
        else None,
        "agenda_item": s["agenda_item"] or None,
        "outcome": s["outcome"],
        "outcome_easy_read": s["outcome_easy_read"],
        "rationale": s["rationale"],
        "method": s["method"],
        "weighting": s["weighting"] or None,
        "question": s["question"] or None,
        "passed": s["passed"],
        "winner": s["winner"] or None,
        "result": decision.result,
        "attendance": s["present_by_group"],
        "proposals": _proposal_ids(decision),
        "recorded_by": s["recorded_by"] or None,
        "status": s["status"],
        "ballot_root": s["ballot_root"] or None,
        "audit_hash": s["audit_hash"],
        "actions": [_action_json(a, today) for a in decision.actions.all()],
    }


def export_head(forum: Forum, format_name: str, filters: dict[str, object]) -> dict[str, Any]:
    """Return what every JSON export starts with: its format, the forum, when, the chain head."""
    return {
        "format": format_name,
        "forum": {"slug": forum.slug, "name": forum.name},
        "generated_at": timezone.localtime().isoformat(),
        "filters": {k: str(v.pk if hasattr(v, "pk") else v) for k, v in filters.items()},
        "audit_head": audit_head(forum),
    }


@require_GET
def decisions_json(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Export the decision log (as filtered) as JSON, with results, actions and updates."""
    forum = record_forum(slug)
    reader(request, forum)
    filters, batches = _decisions(request, forum)
    today = timezone.localdate()
    items = ([_decision_json(request, forum, d, today) for d in batch] for batch in batches)
    return streamed(
        request,
        json_chunks(export_head(forum, FORMAT, filters), "decisions", items),
        content_type="application/json",
        filename=f"{forum.slug}-decisions.json",
    )


def chain_lines(forum: Forum) -> Iterator[bytes]:
    """Write the chain as JSON Lines, a batch of events (and what sits beside them) at a time."""
    # The chain as it is now: events appended while this is sent are left for next time.
    head_seq = Forum.objects.values_list("audit_seq", flat=True).get(pk=forum.pk)
    events = AuditEvent.objects.filter(forum=forum, seq__lte=head_seq).order_by("seq")
    last = 0
    while batch := list(events.filter(seq__gt=last)[:BATCH]):
        last = batch[-1].seq
        # What sits beside the chain: each committed value with its salt, or "hidden"
        # (a hidden comment, a vote whose results are hidden until it closes) or "erased".
        digests = [
            digest
            for event in batch
            if event.payload.get("v")
            for digest in (event.payload.get("committed") or {}).values()
        ]
        beside = audit.disclosures(forum, digests) if digests else {}
        lines = []
        for event in batch:
            line = {**audit.event_body(event), "prev_hash": event.prev_hash, "hash": event.hash}
            committed = event.payload.get("committed") if event.payload.get("v") else None
            if committed:
                line["beside"] = {key: beside.get(digest) for key, digest in committed.items()}
            lines.append(json.dumps(line, ensure_ascii=False, sort_keys=True).encode() + b"\n")
        yield b"".join(lines)


@require_GET
def audit_jsonl(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Export the forum's whole audit chain as JSON Lines: one event per line, in order."""
    forum = record_forum(slug)
    reader(request, forum)
    return streamed(
        request,
        chain_lines(forum),
        content_type="application/jsonl; charset=utf-8",
        filename=f"{forum.slug}-audit.jsonl",
    )
