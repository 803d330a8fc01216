"""Open data: the decision log as CSV and JSON, and the audit chain as JSON Lines.

The exports take the same filters as the log page and list the same decisions in
the same order. Their columns are documented in README.md ("Open data"), and the
chain re-verifies offline with a few lines of Python (also in the README).
"""

import csv
import datetime
import io
import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from deliberation import audit, methods
from deliberation.models import Action, Decision, Forum
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


def _decisions(request: HttpRequest, forum: Forum) -> tuple[dict[str, object], list[Decision]]:
    """Return the log's filters as applied and the decisions they select, loaded for export."""
    form, decisions = log_filters(request, forum)
    loaded = record_selectors.decisions_for_export(decisions).prefetch_related("poll__options")
    return form.filters(), list(loaded)


def _url(request: HttpRequest, forum: Forum, decision: Decision) -> str:
    return request.build_absolute_uri(
        reverse("deliberation:decision", args=[forum.slug, decision.pk])
    )


def _proposal_ids(decision: Decision) -> list[int]:
    return (
        [link.proposal_id for link in decision.poll.proposal_links.all()] if decision.poll else []
    )


def _filename(forum: Forum, name: str) -> str:
    return f'attachment; filename="{forum.slug}-{name}"'


@require_GET
def decisions_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Export the decision log (as filtered) as CSV, one row per decision."""
    forum = record_forum(slug)
    reader(request, forum)
    _filters, decisions = _decisions(request, forum)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for decision in decisions:
        s = decision_summary(decision)
        meeting = s["meeting"]
        row = [
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
        writer.writerow([_cell(value) for value in row])
    # A byte order mark, so spreadsheet programs read the file as UTF-8 (Welsh letters).
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(forum, "decisions.csv")
    return response


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


@require_GET
def decisions_json(request: HttpRequest, slug: str) -> JsonResponse:
    """Export the decision log (as filtered) as JSON, with results, actions and updates."""
    forum = record_forum(slug)
    reader(request, forum)
    filters, decisions = _decisions(request, forum)
    today = timezone.localdate()
    items = []
    for decision in decisions:
        s = decision_summary(decision)
        meeting = s["meeting"]
        items.append(
            {
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
        )
    data = {
        "format": FORMAT,
        "forum": {"slug": forum.slug, "name": forum.name},
        "generated_at": timezone.localtime().isoformat(),
        "filters": {k: str(v.pk if hasattr(v, "pk") else v) for k, v in filters.items()},
        "audit_head": audit_head(forum),
        "decisions": items,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = _filename(forum, "decisions.json")
    return response


def chain_lines(forum: Forum) -> Iterator[bytes]:
    # What sits beside the chain: each committed value with its salt, or "hidden"
    # (a hidden comment, a vote whose results are hidden until it closes) or "erased".
    beside = audit.disclosures(forum)
    for event in record_selectors.audit_chain(forum):
        line = {
            **audit.event_body(event),
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        }
        committed = event.payload.get("committed") if event.payload.get("v") else None
        if committed:
            line["beside"] = {key: beside.get(digest) for key, digest in committed.items()}
        yield json.dumps(line, ensure_ascii=False, sort_keys=True).encode() + b"\n"


@require_GET
def audit_jsonl(request: HttpRequest, slug: str) -> HttpResponse:
    """Export the forum's whole audit chain as JSON Lines: one event per line, in order."""
    forum = record_forum(slug)
    reader(request, forum)
    # Built whole: under ASGI Django would read a streamed iterator to the end anyway.
    response = HttpResponse(
        b"".join(chain_lines(forum)), content_type="application/jsonl; charset=utf-8"
    )
    response["Content-Disposition"] = _filename(forum, "audit.jsonl")
    return response
