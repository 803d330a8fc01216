"""Comments on a proposal: writing one, and changing one's own for a short while."""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from deliberation import display, identity, markdown, permissions, throttle
from deliberation.forms.proposals import CommentForm, ReportForm
from deliberation.models import Comment, CommentReport, Proposal
from deliberation.selectors import proposals as proposal_selectors
from deliberation.services import comments as comment_services
from deliberation.views.common import Done, first_error, handle_post
from deliberation.views.threads import Invalid, member_of, tabs, thread_forum, viewer


def comment_view(
    comment: Comment,
    who: identity.Principal,
    now: datetime.datetime,
    is_lead: bool,
    reported: set[int] | frozenset[int] = frozenset(),
    may_report: bool = False,
) -> dict[str, Any]:
    """Describe a comment for the page; `may_report` is "comment.report" for the proposal.

    Asked once per page (the rule is the proposal's writers, less the comment's author),
    so a page of comments costs no query per comment.
    """
    return {
        "reported": comment.pk in reported,
        "can_report": may_report
        and not comment.is_hidden
        and comment.pk not in reported
        and comment.author_id != member_of(who).pk,
        "c": comment,
        "group": display.group_label(comment.author.constituency) if comment.author else "",
        "html": markdown.stored(comment.body_html) if not comment.is_hidden else "",
        "revisions": [
            {"r": r, "html": markdown.stored(r.body_html)} for r in comment.revisions.all()
        ]
        if is_lead
        else [],
        "edited": comment.edited_at is not None,
        "can_edit": not comment.is_hidden
        and comment.author_id == member_of(who).pk
        and now - comment.created_at <= comment_services.COMMENT_EDIT_WINDOW
        and permissions.can("proposal.comment", who, comment.proposal),
    }


def comment_in(proposal: Proposal, comment_id: str | int) -> Comment:
    try:
        return Comment.objects.select_related("proposal").get(pk=int(comment_id), proposal=proposal)
    except (TypeError, ValueError, Comment.DoesNotExist) as exc:
        raise Http404 from exc


def do_comment(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    form = CommentForm(request.POST)
    if not form.is_valid():
        raise Invalid(first_error(form), comment=form, action="comment")
    parent_id = form.cleaned_data.get("parent")
    parent = comment_in(proposal, parent_id) if parent_id else None
    comment = comment_services.comment_add(
        proposal=proposal,
        author=member_of(who),
        body=form.cleaned_data["body"],
        parent=parent,
        principal=who,
    )
    request._coprod_anchor = f"comment-{comment.pk}"  # type: ignore[attr-defined]
    return _("Your comment is saved.")


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, slug: str, comment_id: int) -> HttpResponse:
    """Change one's own comment for a short while after writing it."""
    forum = thread_forum(slug)
    who = viewer(request, forum)
    comment = get_object_or_404(
        Comment.objects.select_related("proposal"), pk=comment_id, proposal__forum=forum
    )
    if not permissions.can("comment.edit", who, comment):
        raise PermissionDenied
    form = CommentForm(request.POST or None, initial={"body": comment.body})

    def edit(data: dict[str, Any]) -> Done:
        comment_services.comment_edit(
            comment=comment, editor=member_of(who), body=data["body"], principal=who
        )
        url = reverse("deliberation:proposal", args=[forum.slug, comment.proposal_id])
        return _("Your comment is changed."), f"{url}#comment-{comment.pk}"

    posted = handle_post(request, form, edit)
    return posted.response or render(
        request,
        "deliberation/proposals/comment_edit.html",
        {**tabs(forum, who, "proposals"), "comment": comment, "form": form, "error": posted.error},
        status=posted.status,
    )


@throttle.throttle(throttle.COMMENT_REPORTS)
@require_http_methods(["GET", "POST"])
def comment_report(request: HttpRequest, slug: str, comment_id: int) -> HttpResponse:
    """Tell the facilitators about a comment: a page of its own, so it works without JS."""
    forum = thread_forum(slug)
    who = viewer(request, forum)
    comment = get_object_or_404(
        Comment.objects.select_related("proposal", "author"),
        pk=comment_id,
        proposal__forum=forum,
        hidden_at__isnull=True,
    )
    if not permissions.can("comment.report", who, comment):
        raise PermissionDenied
    form = ReportForm(request.POST or None)

    def report(data: dict[str, Any]) -> Done:
        comment_services.comment_report(
            comment=comment, reporter=member_of(who), reason=data["reason"], principal=who
        )
        url = reverse("deliberation:proposal", args=[forum.slug, comment.proposal_id])
        message = _("Thank you. The facilitators will look at this comment.")
        return message, f"{url}#comment-{comment.pk}"

    posted = handle_post(request, form, report)
    return posted.response or render(
        request,
        "deliberation/proposals/comment_report.html",
        {
            **tabs(forum, who, "proposals"),
            "comment": comment,
            "html": markdown.stored(comment.body_html),
            "form": form,
            "error": posted.error,
        },
        status=posted.status,
    )


@require_http_methods(["GET"])
def reports(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the facilitators the comments members told them about, to hide or leave."""
    forum = thread_forum(slug)
    who = viewer(request, forum)
    if not permissions.can("proposal.change_status", who, forum):
        raise PermissionDenied
    waiting: dict[int, dict[str, Any]] = {}
    for report in proposal_selectors.open_reports(forum):
        entry = waiting.setdefault(
            report.comment_id,
            {
                "c": report.comment,
                "html": markdown.stored(report.comment.body_html),
                "group": display.group_label(report.comment.author.constituency)
                if report.comment.author
                else "",
                "reports": [],
            },
        )
        entry["reports"].append(report)
    return render(
        request,
        "deliberation/proposals/reports.html",
        {**tabs(forum, who, "reports"), "waiting": list(waiting.values())},
    )


@require_POST
def report_dismiss(request: HttpRequest, slug: str, comment_id: int) -> HttpResponse:
    """Leave a reported comment as it is: close every report about it."""
    forum = thread_forum(slug)
    who = viewer(request, forum)
    comment = get_object_or_404(Comment, pk=comment_id, proposal__forum=forum)
    if not permissions.can("comment.hide", who, comment):
        raise PermissionDenied
    for report in CommentReport.objects.filter(comment=comment, outcome=CommentReport.Outcome.OPEN):
        comment_services.comment_report_dismiss(report=report, by=member_of(who), principal=who)
    messages.success(request, _("The comment stays as it is. The report is closed."))
    return redirect("deliberation:reports", slug=forum.slug)
