"""Easy-read summaries for facilitators: build, review with the checker, sign off.

Every page is a plain HTML form that calls one service; JavaScript only adds the
easy-read advice as you type and a search box over the pictures. Easy-read advice is
shown beside each point and never stops a point being saved.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliberation import display
from deliberation.easyread.symbols import (
    KEYWORDS,
    suggest_symbols,
    symbol_choices,
    symbol_label,
)
from deliberation.exceptions import DomainError
from deliberation.models import Forum, Meeting, PointKind, Summary, SummaryPoint, WelshStatus
from deliberation.selectors import summaries as summary_selectors
from deliberation.services import summaries as services
from deliberation.views import easyread
from deliberation.views.common import Done, facilitator_forum, handle_post

SEARCH_MAX = 100


def status_view(summary: Summary | None) -> dict[str, str]:
    """Describe where a summary is for a page: key, words and symbol."""
    return display.summary_status_view(services.summary_status(summary))


def _meeting(forum: Forum, meeting_id: int) -> Meeting:
    return get_object_or_404(Meeting, pk=meeting_id, forum=forum)


def _review_url(forum: Forum, meeting: Meeting, anchor: str = "") -> str:
    url = reverse("deliberation:summary_review", args=[forum.slug, meeting.pk])
    return f"{url}#{anchor}" if anchor else url


def _values(request: HttpRequest) -> dict[str, str]:
    """Read a point's fields from a form, as given."""
    return {
        "text": request.POST.get("text", ""),
        "text_cy": request.POST.get("text_cy", ""),
        "kind": request.POST.get("kind", ""),
        "symbol": request.POST.get("symbol", ""),
    }


def _checks(forum: Forum, text: str, text_cy: str) -> list[dict[str, Any]]:
    checks = easyread.field_checks([(_("Words"), text)], language="en", forum=forum)
    checks += easyread.field_checks([(_("Words in Welsh"), text_cy)], language="cy", forum=forum)
    return checks


def _symbols() -> list[dict[str, str]]:
    return [
        {
            "name": c.name,
            "label": c.label,
            "url": display.symbol_url(c.name),
            "words": " ".join([c.name.replace("_", " "), c.label, KEYWORDS.get(c.name, "")]),
        }
        for c in symbol_choices(display.SYMBOLS)
    ]


def _suggested_first(symbols: list[dict[str, str]], text: str) -> list[dict[str, Any]]:
    """Put the pictures the point's words suggest first, marked as suggestions."""
    suggested = suggest_symbols(text, display.SYMBOLS)
    first = [{**s, "suggested": True} for name in suggested for s in symbols if s["name"] == name]
    return first + [s for s in symbols if s["name"] not in suggested]


def _review_page(
    request: HttpRequest,
    forum: Forum,
    meeting: Meeting,
    *,
    error: str = "",
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Show the review page; a refused form comes back with what was typed in it."""
    summary = summary_selectors.meeting_summary(meeting)
    symbols = _symbols()
    points = []
    for point in summary.points.all() if summary else []:
        values = {"text": point.text, "text_cy": point.text_cy, "kind": point.kind,
                  "symbol": point.symbol}  # fmt: skip
        mine = bound is not None and bound.get("point") == point.pk
        if mine and bound is not None:
            values = {**values, **bound["values"]}
        points.append(
            {
                "point": point,
                "values": values,
                "error": error if mine else "",
                "symbol_label": symbol_label(point.symbol),
                "checks": _checks(forum, point.text, point.text_cy),
                "symbols": _suggested_first(symbols, point.text),
            }
        )
    adding = bound["values"] if bound is not None and bound.get("point") == "new" else {}
    return render(
        request,
        "deliberation/summaries/review.html",
        {
            "forum": forum,
            "meeting": meeting,
            "summary": summary,
            "state": status_view(summary),
            "points": points,
            "symbols": symbols,
            "kinds": PointKind.choices,
            "error": error,
            "adding": adding,
            "add_error": error if adding else "",
            "editable": summary is not None and summary.first_sent_at is None,
        },
        status=status,
    )


@login_required
@require_GET
def summary_review(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Show every point of the summary with its picture, its words and easy-read advice."""
    forum = facilitator_forum(request, slug)
    return _review_page(request, forum, _meeting(forum, meeting_id))


@login_required
@require_POST
def summary_build_view(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Build the summary from the meeting's record, or build it again."""
    forum = facilitator_forum(request, slug)
    meeting = _meeting(forum, meeting_id)
    before = Summary.objects.filter(meeting=meeting).first()

    def build(data: dict[str, Any]) -> Done:
        summary = services.summary_build(meeting=meeting, actor=request.user)
        if before is None:
            return _("The summary is built. Please check every point."), _review_url(
                forum, meeting, "points"
            )
        _after_change(
            request,
            summary,
            before.is_signed_off,
            _("The summary is built again. Please check every point."),
        )
        return "", _review_url(forum, meeting, "points")

    posted = handle_post(request, [], build)
    return posted.response or _review_page(
        request, forum, meeting, error=posted.error, status=posted.status
    )


def _after_change(request: HttpRequest, summary: Summary, was_signed_off: bool, said: str) -> None:
    messages.success(request, said)
    summary.refresh_from_db(fields=["signed_off_by", "signed_off_at"])
    if was_signed_off and not summary.is_signed_off:
        messages.warning(
            request,
            _("The summary changed, so it needs to be signed off again before it is sent."),
        )


@login_required
@require_POST
def summary_point(request: HttpRequest, slug: str, meeting_id: int, point_id: int) -> HttpResponse:
    """Save, move, remove or give a new picture to one point."""
    forum = facilitator_forum(request, slug)
    meeting = _meeting(forum, meeting_id)
    point = get_object_or_404(
        SummaryPoint.objects.select_related("summary"), pk=point_id, summary__meeting=meeting
    )
    summary = point.summary
    was_signed_off = summary.is_signed_off
    op = request.POST.get("op", "save")
    anchor = f"point-{point.pk}"
    try:
        if op == "save":
            values = _values(request)
            services.summary_point_update(point=point, actor=request.user, **values)
            said = _("The point is saved.")
        elif op == "symbol":
            services.summary_point_update(
                point=point,
                text=point.text,
                text_cy=point.text_cy,
                kind=point.kind,
                symbol=request.POST.get("symbol", ""),
                actor=request.user,
            )
            said = _("The picture is changed.")
        elif op in ("welsh_checked", "welsh_kept"):
            services.summary_point_welsh(
                point=point,
                status=WelshStatus.CHECKED if op == "welsh_checked" else WelshStatus.KEPT,
                actor=request.user,
            )
            said = _("Thank you. The Welsh of this point is done.")
        elif op in ("up", "down"):
            services.summary_point_move(
                point=point, direction="up" if op == "up" else "down", actor=request.user
            )
            said = _("The point is moved.")
        elif op == "remove":
            services.summary_point_remove(point=point, actor=request.user)
            said = _("The point is taken out.")
            anchor = "points"
        else:
            raise Http404
    except DomainError as exc:
        bound = {"point": point.pk, "values": _values(request)} if op == "save" else None
        return _review_page(request, forum, meeting, error=exc.message, bound=bound, status=400)
    _after_change(request, summary, was_signed_off, said)
    return redirect(_review_url(forum, meeting, anchor))


@login_required
@require_POST
def summary_point_add_view(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Add a point at the end of the summary."""
    forum = facilitator_forum(request, slug)
    meeting = _meeting(forum, meeting_id)
    summary = get_object_or_404(Summary, meeting=meeting)
    was_signed_off = summary.is_signed_off
    values = _values(request)

    def add(data: dict[str, Any]) -> Done:
        point = services.summary_point_add(summary=summary, actor=request.user, **values)
        _after_change(request, summary, was_signed_off, _("The point is added at the end."))
        return "", _review_url(forum, meeting, f"point-{point.pk}")

    posted = handle_post(request, [], add)
    bound = {"point": "new", "values": values}
    return posted.response or _review_page(
        request, forum, meeting, error=posted.error, bound=bound, status=posted.status
    )


@login_required
@require_http_methods(["GET", "POST"])
def summary_sign_off_view(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Record that a named member with lived experience read every point and found it clear."""
    forum = facilitator_forum(request, slug)
    meeting = _meeting(forum, meeting_id)
    summary = summary_selectors.meeting_summary(meeting)
    if summary is None:
        messages.error(request, _("Please build the summary first."))
        return redirect(_review_url(forum, meeting))
    candidates = list(summary_selectors.sign_off_candidates(forum))
    advice = summary_selectors.summary_points_with_findings(summary)
    given: dict[str, Any] = {"member": "", "confirmed": False, "note": "", "confirm": set()}
    error = ""
    status = 200
    if request.method == "POST":
        given = {
            "member": request.POST.get("member", ""),
            "confirmed": request.POST.get("confirmed") == "yes",
            "note": request.POST.get("note", ""),
            "confirm": {int(v) for v in request.POST.getlist("confirm") if v.isdigit()},
        }
        member = next((m for m in candidates if str(m.pk) == given["member"]), None)
        if member is None:
            error = _("Please choose the person with lived experience who checked it.")
        elif not given["confirmed"]:
            error = _("Please tick the box to say they read every point and it is clear.")
        else:
            try:
                services.summary_sign_off(
                    summary=summary,
                    member=member,
                    note=str(given["note"]),
                    confirmed=given["confirm"],
                    actor=request.user,
                )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    _("%(name)s signed off the summary. Thank you.") % {"name": member.name},
                )
                return redirect(_review_url(forum, meeting, "sign-off"))
        status = 400
    points = [
        {
            "point": p,
            "symbol_label": symbol_label(p.symbol),
            "checks": _checks(forum, p.text, p.text_cy) if p.pk in advice else [],
            "welsh_needs_check": p.welsh_status == WelshStatus.NEEDS_CHECK,
        }
        for p in summary.points.all()
    ]
    return render(
        request,
        "deliberation/summaries/sign_off.html",
        {
            "forum": forum,
            "meeting": meeting,
            "summary": summary,
            "state": status_view(summary),
            "points": points,
            "candidates": candidates,
            "given": given,
            "error": error,
        },
        status=status,
    )


@login_required
@require_GET
def symbol_picker(request: HttpRequest, slug: str) -> HttpResponse:
    """List the pictures whose words match a search; as JSON with ?format=json or Accept."""
    forum = facilitator_forum(request, slug)
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX]
    found = [
        {"name": c.name, "label": c.label, "url": display.symbol_url(c.name)}
        for c in symbol_choices(display.SYMBOLS, query)
    ]
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if request.GET.get("format") == "json" or wants_json:
        return JsonResponse({"q": query, "symbols": found})
    point = None
    point_id = request.GET.get("point", "")
    if point_id.isdigit():
        point = (
            SummaryPoint.objects.select_related("summary__meeting")
            .filter(pk=int(point_id), summary__forum=forum)
            .first()
        )
    return render(
        request,
        "deliberation/summaries/symbols.html",
        {
            "forum": forum,
            "query": query,
            "symbols": found,
            "point": point,
            "point_symbol_label": symbol_label(point.symbol) if point else "",
        },
    )
