"""Comments on proposals: add, change soon after, hide and show again."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import audit, identity, markdown
from deliberation.exceptions import (
    AlreadyReported,
    EditTimeOver,
    InvalidInput,
    NotAllowed,
    ProposalClosed,
)
from deliberation.models import Comment, CommentReport, CommentRevision, Member, Proposal
from deliberation.services import notifications
from deliberation.services.common import Actor, actor_label
from deliberation.services.proposals import (
    FINISHED,
    _locked,
    _recheck,
    _require,
    _set_hidden,
)

COMMENT_MAX = 4_000
REPORT_REASON_MAX = 300
# How long an author may change a comment after writing it.
COMMENT_EDIT_WINDOW = datetime.timedelta(minutes=15)


def comment_add(
    *,
    proposal: Proposal,
    author: Member,
    body: str,
    parent: Comment | None = None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Comment:
    """Comment on a proposal, or reply to a comment (replies have no replies)."""
    refused = _("You cannot comment here.")
    _require(principal, author, "proposal.comment", proposal, refused)
    body = body.strip()
    if not body:
        raise InvalidInput(_("Please write your comment."))
    if len(body) > COMMENT_MAX:
        raise InvalidInput(_("Your comment is too long. Please make it shorter."))
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise InvalidInput(_("That comment belongs to another proposal."))
        # One level of replies: a reply to a reply joins the same conversation.
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
        if parent.is_hidden:
            raise InvalidInput(_("That comment is hidden, so you cannot reply to it."))
    body_html = str(markdown.render(body))  # before the transaction: it takes a moment
    with transaction.atomic():
        proposal = _locked(proposal)
        _recheck(principal, author, "proposal.comment", proposal, refused)
        if proposal.is_hidden:
            raise ProposalClosed(_("This proposal is hidden, so you cannot comment on it."))
        if proposal.status in FINISHED:
            raise ProposalClosed(_("This proposal is finished, so you cannot comment on it now."))
        comment = Comment.objects.create(
            proposal=proposal,
            parent=parent,
            author=author,
            body=body,
            body_html=body_html,
        )
        audit.append(
            forum_id=proposal.forum_id,
            actor=actor_label(actor or author),
            kind="comment.added",
            payload={
                "proposal": proposal.pk,
                "comment": comment.pk,
                "parent": parent.pk if parent else None,
                "author": author.pk,
                # The words sit beside the chain: hidden with the comment, erasable.
                "body": audit.Private(body, member_id=author.pk, subject=f"comment:{comment.pk}"),
                **audit.binding(comment),
            },
        )
        notifications.queue_for_comment(comment)
    return comment


def comment_edit(
    *,
    comment: Comment,
    editor: Member,
    body: str,
    now: datetime.datetime | None = None,
    principal: identity.Principal | None = None,
) -> Comment:
    """Change one's own comment soon after writing it; the earlier text stays in the record."""
    refused = _("You can only change your own comments.")
    _require(principal, editor, "comment.edit", comment, refused)
    body = body.strip()
    if not body:
        raise InvalidInput(_("Please write your comment."))
    if len(body) > COMMENT_MAX:
        raise InvalidInput(_("Your comment is too long. Please make it shorter."))
    now = now or timezone.now()
    body_html = str(markdown.render(body))  # before the transaction: it takes a moment
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        _recheck(principal, editor, "comment.edit", comment, refused)
        if comment.is_hidden:
            raise NotAllowed(_("This comment is hidden, so it cannot be changed."))
        if now - comment.created_at > COMMENT_EDIT_WINDOW:
            raise EditTimeOver()
        if body == comment.body:
            return comment
        CommentRevision.objects.create(
            comment=comment,
            body=comment.body,
            body_html=comment.body_html,
            written_at=comment.edited_at or comment.created_at,
        )
        before = comment.body
        author_id, subject = comment.author_id, f"comment:{comment.pk}"
        comment.body = body
        comment.body_html = body_html
        comment.edited_at = now
        comment.save(update_fields=["body", "body_html", "edited_at"])
        audit.append(
            forum_id=comment.proposal.forum_id,
            actor=actor_label(editor),
            kind="comment.edited",
            payload={
                "comment": comment.pk,
                "before": audit.Private(before, member_id=author_id, subject=subject),
                "after": audit.Private(body, member_id=author_id, subject=subject),
            },
        )
    return comment


def comment_hide(
    *,
    comment: Comment,
    by: Member,
    reason: str,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Comment:
    """Hide a comment with a reason shown in its place; the text stays in the record."""
    # Its words beside the chain are hidden too: every member can read the record.
    return _set_hidden(
        comment,
        name="comment",
        rule="comment.hide",
        hidden=True,
        by=by,
        reason=reason,
        actor=actor,
        principal=principal,
        forum_id=by.forum_id,
        then=lambda row: _hidden(row, by),
    )


def _hidden(comment: Comment, by: Member) -> None:
    """Hide the comment's words beside the chain; close the reports that asked for it."""
    audit.hide_subject(f"comment:{comment.pk}", hidden=True)
    CommentReport.objects.filter(comment=comment, outcome=CommentReport.Outcome.OPEN).update(
        outcome=CommentReport.Outcome.HIDDEN, resolved_at=timezone.now(), resolved_by=by
    )


def comment_unhide(
    *,
    comment: Comment,
    by: Member,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Comment:
    """Show a hidden comment again."""
    return _set_hidden(
        comment,
        name="comment",
        rule="comment.hide",
        hidden=False,
        by=by,
        reason="",
        actor=actor,
        principal=principal,
        forum_id=by.forum_id,
        then=lambda row: audit.hide_subject(f"comment:{row.pk}", hidden=False),
    )


def comment_report(
    *,
    comment: Comment,
    reporter: Member,
    reason: str = "",
    principal: identity.Principal | None = None,
) -> CommentReport:
    """Tell the facilitators about a comment, once; other members never see who told."""
    refused = _("You cannot do this here.")
    _require(principal, reporter, "comment.report", comment, refused)
    reason = " ".join(reason.split())
    if len(reason) > REPORT_REASON_MAX:
        raise InvalidInput(
            _("Please keep it short: %(n)s letters at most.") % {"n": REPORT_REASON_MAX}
        )
    with transaction.atomic():
        comment = Comment.objects.select_for_update().select_related("proposal").get(pk=comment.pk)
        _recheck(principal, reporter, "comment.report", comment, refused)
        if comment.is_hidden:
            raise NotAllowed(_("A facilitator has hidden this comment already."))
        if CommentReport.objects.filter(comment=comment, reporter=reporter).exists():
            raise AlreadyReported()
        try:
            with transaction.atomic():
                report = CommentReport.objects.create(
                    comment=comment, reporter=reporter, reason=reason
                )
        except IntegrityError as exc:  # a double click that raced the check above
            raise AlreadyReported() from exc
        # Every member can read the record: who told, and why, stay hidden beside it.
        audit.append(
            forum_id=comment.proposal.forum_id,
            actor="member",
            kind="comment.reported",
            payload={
                "comment": comment.pk,
                "report": report.pk,
                "reporter": audit.Private(
                    reporter.pk, member_id=reporter.pk, subject=f"report:{report.pk}", hidden=True
                ),
                "reason": audit.Private(
                    reason, member_id=reporter.pk, subject=f"report:{report.pk}", hidden=True
                ),
            },
        )
    return report


def comment_report_dismiss(
    *,
    report: CommentReport,
    by: Member,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> CommentReport:
    """Leave a reported comment as it is, and close the report."""
    refused = _("Only a facilitator can do this.")
    _require(principal, by, "comment.hide", report.comment, refused)
    with transaction.atomic():
        report = (
            CommentReport.objects.select_for_update()
            .select_related("comment__proposal")
            .get(pk=report.pk)
        )
        _recheck(principal, by, "comment.hide", report.comment, refused)
        if report.outcome != CommentReport.Outcome.OPEN:
            return report
        report.outcome = CommentReport.Outcome.DISMISSED
        report.resolved_at = timezone.now()
        report.resolved_by = by
        report.save(update_fields=["outcome", "resolved_at", "resolved_by"])
        audit.append(
            forum_id=report.comment.proposal.forum_id,
            actor=actor_label(actor or by),
            kind="comment.report_dismissed",
            payload={"comment": report.comment_id, "report": report.pk},
        )
    return report
