"""Easy-read summaries as a web page, a PDF and a print pack; sending them to members.

The page and the PDF are for the forum's members (known by their personal link or the
name they joined a meeting with, as on the record pages) and its facilitators. The
send page, resending and the print pack are for facilitators; sending is a POST.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliberation import identity, permissions
from deliberation.easyread import delivery, review
from deliberation.easyread import render as easyread
from deliberation.exceptions import DomainError
from deliberation.models import Forum, Meeting, Member, Summary, SummarySend, WelshStatus
from deliberation.selectors import summaries as summary_selectors
from deliberation.services import sending
from deliberation.views.common import Done, facilitator_forum, handle_post


def _summary(forum: Forum, meeting_id: int) -> Summary:
    meeting = get_object_or_404(Meeting, pk=meeting_id, forum=forum)
    return get_object_or_404(
        Summary.objects.select_related("meeting", "forum", "signed_off_by"), meeting=meeting
    )


@dataclass(frozen=True)
class SummaryReader:
    """Who reads a summary: a member of the forum, a signed-in facilitator, or both."""

    forum: Forum
    member: Member | None
    facilitator: bool


def _reader(request: HttpRequest, slug: str) -> SummaryReader:
    """Return who reads the forum's summaries; refuse (403) anyone outside it."""
    forum = get_object_or_404(Forum, slug=slug)
    principal = identity.principal_for_request(request, forum=forum)
    facilitator = permissions.can("forum.facilitate", principal, forum)
    if not facilitator and not permissions.can("summary.read", principal, forum):
        raise PermissionDenied
    return SummaryReader(forum, principal.member, facilitator)


def _choices(request: HttpRequest, member: Member | None) -> tuple[str, bool]:
    """Return the language and print size asked for, else the reader's own needs."""
    needs = (member.communication_needs or []) if member is not None else []
    own_language, own_large = delivery.reading(needs)
    # Welsh needs choose Welsh; otherwise the page's own language.
    asked = request.GET.get("lang") or ("cy" if own_language == "cy" else get_language())
    large = request.GET.get("large")
    return easyread.clean_language(asked), own_large if large is None else large == "1"


@require_GET
def summary_page(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Show the easy-read summary of a meeting, ready to read or print."""
    who = _reader(request, slug)
    summary = _summary(who.forum, meeting_id)
    language, large = _choices(request, who.member)
    html = easyread.render_html(
        summary,
        language=language,
        large_print=large,
        output=easyread.WEB,
        request=request,
        extra={"facilitator": who.facilitator},
    )
    return HttpResponse(html)


@require_GET
def summary_pdf(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Download the easy-read summary as a PDF, in English or Welsh, normal or large print."""
    who = _reader(request, slug)
    summary = _summary(who.forum, meeting_id)
    language, large = _choices(request, who.member)
    pdf = easyread.render_pdf(summary, language=language, large_print=large)
    name = easyread.pdf_filename(summary, language=language, large_print=large)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


HOW_SYMBOLS = {"email": "jargon", "post": "home"}
LANGUAGE_WORDS = {"en": gettext_lazy("English"), "cy": gettext_lazy("Welsh")}


# Needs that no document meets on its own: the facilitator arranges them with the person.
ALSO_ARRANGE: dict[str, Promise] = {
    "audio": gettext_lazy("Also: read it aloud with them, or send a recording."),
    "interpreter": gettext_lazy("Also: go through it with them and a BSL interpreter."),
}


def _send_rows(summary: Summary) -> list[dict[str, Any]]:
    sends = {s.member_id: s for s in summary_selectors.summary_sends(summary)}
    rows = []
    for plan in sending.sending_plan(summary):
        fmt = plan.route.format
        rows.append(
            {
                "plan": plan,
                "member": plan.member,
                "send": sends.pop(plan.member.pk, None),
                "how": str(SummarySend.Format(fmt).label) if fmt else _("Cannot send it"),
                "how_symbol": HOW_SYMBOLS.get(fmt or "", "concern"),
                "language": LANGUAGE_WORDS[plan.route.language],
                "also": [
                    str(words)
                    for need, words in ALSO_ARRANGE.items()
                    if need in (plan.member.communication_needs or [])
                ],
            }
        )
    # People sent it before who are no longer members still show, with their result.
    for send in sends.values():
        rows.append({"plan": None, "member": send.member, "send": send})
    for row in rows:
        sent = row["send"]
        detail = sent.detail if isinstance(sent, SummarySend) else ""
        row["detail"] = sending.detail_words(detail) if detail else ""
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def summary_send_view(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Show who gets the summary in which form; send it on POST."""
    forum = facilitator_forum(request, slug)
    summary = _summary(forum, meeting_id)

    def send(data: dict[str, Any]) -> Done:
        waiting = sending.summary_send_queue(summary=summary, actor=request.user)
        message = ngettext(
            "Sending to %(n)s person now. Press “Show how far it got” to see how it goes.",
            "Sending to %(n)s people now. Press “Show how far it got” to see how it goes.",
            waiting,
        ) % {"n": waiting}
        return message, reverse("deliberation:summary_send", args=[forum.slug, meeting_id])

    posted = handle_post(request, [], send)
    if posted.response:
        return posted.response
    if posted.error:
        messages.error(request, posted.error)
    rows = _send_rows(summary)
    statuses = [r["send"].status for r in rows if r["send"]]
    words = summary_selectors.summary_review_words(summary)
    unchecked = set(
        summary.points.filter(welsh_status=WelshStatus.NEEDS_CHECK).values_list("pk", flat=True)
    )
    unconfirmed = set(summary_selectors.summary_points_with_findings(summary)) - set(
        summary.findings_confirmed or []
    )
    return render(
        request,
        "easyread/send.html",
        {
            "forum": forum,
            "meeting": summary.meeting,
            "summary": summary,
            "rows": rows,
            "to_print": sum(
                1 for r in rows if r["send"] and r["send"].status == SummarySend.Status.TO_PRINT
            ),
            "sent_before": any(r["send"] for r in rows),
            "waiting": statuses.count(SummarySend.Status.QUEUED),
            "done": len(statuses) - statuses.count(SummarySend.Status.QUEUED),
            "total": len(statuses),
            "failed": statuses.count(SummarySend.Status.FAILED),
            "welsh_unchecked": review.numbers(words, unchecked),
            "advice_unconfirmed": review.numbers(words, unconfirmed),
        },
        status=posted.status,
    )


@login_required
@require_POST
def summary_resend_view(
    request: HttpRequest, slug: str, meeting_id: int, send_id: int
) -> HttpResponse:
    """Send one member the summary again (the worker sends it)."""
    forum = facilitator_forum(request, slug)
    summary = _summary(forum, meeting_id)
    send = get_object_or_404(SummarySend.objects.select_related("member"), pk=send_id,
                             summary=summary)  # fmt: skip
    try:
        send = sending.summary_resend_queue(send=send, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s: %(status)s.") % {"name": send.member.name,
                                           "status": send.get_status_display()},
        )  # fmt: skip
    return redirect("deliberation:summary_send", slug=forum.slug, meeting_id=meeting_id)


@login_required
@require_GET
def print_pack(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Download one PDF to print and post: an address page and a summary for each person."""
    forum = facilitator_forum(request, slug)
    summary = _summary(forum, meeting_id)
    pdf = sending.print_pack_pdf(summary)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = easyread.pdf_filename(summary).replace("summary-", "print-pack-", 1)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
