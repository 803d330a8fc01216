"""Comments on a proposal: writing one, and changing one's own for a short while."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from deliberation import display, identity, markdown, permissions
from deliberation.forms.proposals import CommentForm
from deliberation.models import Comment, Proposal
from deliberation.services import comments as comment_services
from deliberation.views.common import Done, first_error, handle_post
from deliberation.views.threads import Invalid, member_of, tabs, thread_forum, viewer


def comment_view(
    comment: Comment, who: identity.Principal, now: datetime.datetime, is_lead: bool
) -> dict[str, Any]:
    return {
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
