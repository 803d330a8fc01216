"""Proposal threads between meetings: propose, endorse, hide, move on, vote on them."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deliberation import audit, identity, markdown, permissions, photos
from deliberation.display import SYMBOLS
from deliberation.exceptions import (
    AlreadyEndorsed,
    InvalidInput,
    NotEndorsed,
    ProposalClosed,
    StatusChangeRefused,
)
from deliberation.models import (
    Comment,
    Endorsement,
    Forum,
    Meeting,
    Member,
    NoticeKind,
    Poll,
    Proposal,
    ProposalEvent,
    ProposalPhoto,
    ProposalPollLink,
    ProposalRevision,
    ProposalStatus,
)
from deliberation.services import notifications
from deliberation.services.common import Actor, actor_label, recheck

# Easy read: short titles, at most three short sentences of summary.
TITLE_MAX = 80
SUMMARY_MAX = 300
SUMMARY_SENTENCES = 3
BODY_MAX = 20_000
REASON_MAX = 300
MAX_PHOTOS = 4

# Where a proposal may go next; withdrawing is the author's, from the first two.
TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.OPEN: frozenset({ProposalStatus.SHORTLISTED}),
    ProposalStatus.SHORTLISTED: frozenset({ProposalStatus.OPEN, ProposalStatus.DECIDED}),
    ProposalStatus.DECIDED: frozenset({ProposalStatus.ADOPTED, ProposalStatus.NOT_ADOPTED}),
    ProposalStatus.ADOPTED: frozenset(),
    ProposalStatus.NOT_ADOPTED: frozenset(),
    ProposalStatus.WITHDRAWN: frozenset(),
}
WITHDRAWABLE = frozenset({ProposalStatus.OPEN, ProposalStatus.SHORTLISTED})
FINISHED = frozenset({ProposalStatus.ADOPTED, ProposalStatus.NOT_ADOPTED, ProposalStatus.WITHDRAWN})


@dataclass(frozen=True)
class PhotoInput:
    file: IO[bytes]
    description: str
    size: int | None = None


def count_sentences(text: str) -> int:
    """Count sentences the simple way: by their end marks (., ! or ?)."""
    parts = [p for p in re.split(r"[.!?]+(?:\s|$)", text.strip()) if p.strip()]
    return len(parts)


def _clean_text(*, title: str, summary: str, symbol: str, body: str) -> tuple[str, str, str, str]:
    title = " ".join(title.split())
    summary = " ".join(summary.split())
    if not title:
        raise InvalidInput(_("Please give your idea a short title."))
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("Please make the title shorter: %(n)s letters at most.") % {"n": TITLE_MAX}
        )
    if not summary:
        raise InvalidInput(_("Please say what your idea is, in up to 3 short sentences."))
    if len(summary) > SUMMARY_MAX or count_sentences(summary) > SUMMARY_SENTENCES:
        raise InvalidInput(
            _("Please keep the summary to 3 short sentences (%(n)s letters at most).")
            % {"n": SUMMARY_MAX}
        )
    if symbol not in SYMBOLS:
        raise InvalidInput(_("Please choose a picture for your idea."))
    if len(body) > BODY_MAX:
        raise InvalidInput(_("The longer text is too long. Please make it shorter."))
    return title, summary, symbol, body.strip()


def _event(
    proposal: Proposal,
    kind: str,
    *,
    actor: Member | None,
    reason: str = "",
    reason_code: str = "",
    reason_args: dict[str, str] | None = None,
    status_from: str = "",
    status_to: str = "",
    meeting: Meeting | None = None,
    poll: Poll | None = None,
) -> ProposalEvent:
    return ProposalEvent.objects.create(
        proposal=proposal,
        kind=kind,
        actor=actor,
        reason=reason,
        reason_code=reason_code,
        reason_args=reason_args or {},
        status_from=status_from,
        status_to=status_to,
        meeting=meeting,
        poll=poll,
    )


def _asker(principal: identity.Principal | None, member: Member) -> identity.Principal:
    """Return who asks: the page's principal, or the member a trusted caller names."""
    return principal if principal is not None else identity.member_principal(member)


def _require(
    principal: identity.Principal | None, member: Member, rule: str, target: Any, message: str
) -> None:
    """Check the rule before the work, as the page saw the person."""
    permissions.require(rule, _asker(principal, member), target, message)


def _recheck(
    principal: identity.Principal | None, member: Member, rule: str, target: Any, message: str
) -> None:
    """Check the rule again under the lock, with the row and the person as they are now.

    Between the page's check and the lock a member may have been made an observer or
    have left, a proposal hidden or finished: the service refuses in plain words.
    """
    recheck(_asker(principal, member), rule, target, message)


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _clean_reason(reason: str, message: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(message)
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            _("Please keep the reason short: %(n)s letters at most.") % {"n": REASON_MAX}
        )
    return reason


def _redrawn(photo: PhotoInput) -> tuple[str, photos.CleanPhoto]:
    return photos.describe(photo.description), photos.reencode(photo.file, size=photo.size)


def _add_photo(
    proposal: Proposal, photo: tuple[str, photos.CleanPhoto], added_by: Member | None
) -> ProposalPhoto:
    description, clean = photo
    row = ProposalPhoto(proposal=proposal, description=description, added_by=added_by)
    row.image.save(f"photo.{clean.extension}", clean.content, save=False)
    row.save()
    return row


def proposal_create(
    *,
    forum: Forum,
    author: Member,
    title: str,
    summary: str,
    symbol: str,
    body: str = "",
    photos: Sequence[PhotoInput] = (),
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Proposal:
    """Put forward a proposal in the forum, with its photos; tell those who asked."""
    refused = _("You cannot propose in this forum.")
    _require(principal, author, "proposal.create", forum, refused)
    title, summary, symbol, body = _clean_text(
        title=title, summary=summary, symbol=symbol, body=body
    )
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(_("You can add up to %(n)s photos.") % {"n": MAX_PHOTOS})
    # Decoding and redrawing a photo takes time and memory: done before the
    # transaction, so no other writer (a ballot) waits for it.
    redrawn = [_redrawn(photo) for photo in photos]
    body_html = str(markdown.render(body))
    with transaction.atomic():
        _recheck(principal, author, "proposal.create", forum, refused)
        proposal = Proposal.objects.create(
            forum=forum,
            author=author,
            author_constituency=author.constituency,
            title=title,
            summary=summary,
            symbol=symbol,
            body=body,
            body_html=body_html,
        )
        added = [_add_photo(proposal, photo, author) for photo in redrawn]
        _event(proposal, ProposalEvent.Kind.CREATED, actor=author, status_to=proposal.status)
        audit.append(
            forum_id=forum.pk,
            actor=actor_label(actor or author),
            kind="proposal.created",
            payload={
                "proposal": proposal.pk,
                "author": author.pk,
                "title": title,
                "summary": summary,
                "symbol": symbol,
                "body": body,
                "photos": [p.pk for p in added],
                **audit.binding(proposal),
            },
        )
        notifications.queue_for_proposal(proposal)
        notifications.follow_default(proposal=proposal, member=author)
    return proposal


def proposal_edit(
    *,
    proposal: Proposal,
    editor: Member,
    title: str,
    summary: str,
    symbol: str,
    body: str,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Proposal:
    """Change a proposal's words; its author while it is open, a facilitator until it ends."""
    refused = _("You cannot change this proposal.")
    _require(principal, editor, "proposal.edit", proposal, refused)
    title, summary, symbol, body = _clean_text(
        title=title, summary=summary, symbol=symbol, body=body
    )
    body_html = str(markdown.render(body))  # before the transaction: it takes a moment
    with transaction.atomic():
        proposal = _locked(proposal)
        asker = identity.refreshed(_asker(principal, editor))
        permissions.require("proposal.edit", asker, proposal, refused)
        is_lead = permissions.can("proposal.hide", asker, proposal)
        if proposal.status in FINISHED:
            raise ProposalClosed()
        if not is_lead and proposal.status != ProposalStatus.OPEN:
            raise ProposalClosed(
                _("This proposal is on its way to a vote, so only a facilitator can change it.")
            )
        before = {
            "title": proposal.title,
            "summary": proposal.summary,
            "symbol": proposal.symbol,
            "body": proposal.body,
        }
        after = {"title": title, "summary": summary, "symbol": symbol, "body": body}
        if before == after:
            return proposal
        revision = ProposalRevision.objects.create(
            proposal=proposal,
            **before,
            body_html=proposal.body_html,
            written_at=proposal.edited_at or proposal.created_at,
            replaced_by=editor,
        )
        for field, value in after.items():
            setattr(proposal, field, value)
        proposal.body_html = body_html
        proposal.edited_at = timezone.now()
        proposal.save(update_fields=[*after, "body_html", "edited_at"])
        _event(proposal, ProposalEvent.Kind.EDITED, actor=editor)
        # The record keeps the earlier words as well as the new ones.
        audit.append(
            forum_id=proposal.forum_id,
            actor=actor_label(actor or editor),
            kind="proposal.edited",
            payload={
                "proposal": proposal.pk,
                "before": before,
                "after": after,
                "revision": revision.pk,
                **audit.binding(proposal),
            },
        )
    return proposal


def proposal_photo_add(
    *,
    proposal: Proposal,
    photo: PhotoInput,
    added_by: Member,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> ProposalPhoto:
    """Attach a photo to a proposal, re-encoded without its metadata."""
    refused = _("You cannot add photos here.")
    _require(principal, added_by, "proposal.photo", proposal, refused)
    redrawn = _redrawn(photo)  # before the transaction, as in proposal_create
    with transaction.atomic():
        proposal = _locked(proposal)
        _recheck(principal, added_by, "proposal.photo", proposal, refused)
        if proposal.status in FINISHED:
            raise ProposalClosed()
        if proposal.photos.count() >= MAX_PHOTOS:
            raise InvalidInput(_("You can add up to %(n)s photos.") % {"n": MAX_PHOTOS})
        row = _add_photo(proposal, redrawn, added_by)
        audit.append(
            forum_id=proposal.forum_id,
            actor=actor_label(actor or added_by),
            kind="proposal.photo_added",
            payload={"proposal": proposal.pk, "photo": row.pk, "description": row.description},
        )
    return row


def _set_hidden[Hideable: (Proposal, Comment)](
    row: Hideable,
    *,
    name: str,
    rule: str,
    hidden: bool,
    by: Member,
    reason: str,
    actor: Actor,
    principal: identity.Principal | None,
    forum_id: int,
    then: Callable[[Hideable], object],
) -> Hideable:
    """Hide a proposal or a comment with a reason shown in its place, or show it again.

    `name` is "proposal" or "comment": the audit event is "<name>.hidden" or "<name>.shown"
    with the row's key under the name; `then` adds what else goes with it, inside the
    change. Nothing is deleted; showing a row that is not hidden changes nothing and writes
    no event.
    """
    if hidden:
        refused = _("Only a facilitator can hide this.")
    else:
        refused = _("Only a facilitator can do this.")
    _require(principal, by, rule, row, refused)
    if hidden:
        reason = _clean_reason(reason, _("Please say why you hide it. People will see the reason."))
    with transaction.atomic():
        row = type(row).objects.select_for_update().get(pk=row.pk)
        _recheck(principal, by, rule, row, refused)
        if not hidden and not row.is_hidden:
            return row
        row.hidden_at = timezone.now() if hidden else None
        row.hidden_reason = reason if hidden else ""
        row.hidden_by = by if hidden else None
        row.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        then(row)
        audit.append(
            forum_id=forum_id,
            actor=actor_label(actor or by),
            kind=f"{name}.hidden" if hidden else f"{name}.shown",
            payload={
                **({name: row.pk, "reason": reason} if hidden else {name: row.pk}),
                # Whether it is hidden, why and by whom: the pages show it as the record.
                **audit.binding(row),
            },
        )
    return row


def proposal_hide(
    *,
    proposal: Proposal,
    by: Member,
    reason: str,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Proposal:
    """Hide a proposal with a reason that is shown in its place; nothing is deleted."""
    return _set_hidden(
        proposal,
        name="proposal",
        rule="proposal.hide",
        hidden=True,
        by=by,
        reason=reason,
        actor=actor,
        principal=principal,
        forum_id=proposal.forum_id,
        then=lambda row: _event(row, ProposalEvent.Kind.HIDDEN, actor=by, reason=row.hidden_reason),
    )


def proposal_unhide(
    *,
    proposal: Proposal,
    by: Member,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Proposal:
    """Show a hidden proposal again."""
    return _set_hidden(
        proposal,
        name="proposal",
        rule="proposal.hide",
        hidden=False,
        by=by,
        reason="",
        actor=actor,
        principal=principal,
        forum_id=proposal.forum_id,
        then=lambda row: _event(row, ProposalEvent.Kind.SHOWN, actor=by),
    )


def proposal_endorse(
    *,
    proposal: Proposal,
    member: Member,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Endorsement:
    """Say "I support this", once; support is counted by the member's group."""
    refused = _("You cannot support proposals here.")
    _require(principal, member, "proposal.endorse", proposal, refused)
    with transaction.atomic():
        proposal = _locked(proposal)
        _recheck(principal, member, "proposal.endorse", proposal, refused)
        if proposal.is_hidden or proposal.status in FINISHED:
            raise ProposalClosed(_("This proposal cannot get support now."))
        if Endorsement.objects.filter(proposal=proposal, member=member).exists():
            raise AlreadyEndorsed()
        try:
            with transaction.atomic():
                endorsement = Endorsement.objects.create(
                    proposal=proposal, member=member, constituency=member.constituency
                )
        except IntegrityError as exc:  # a double click that raced the check above
            raise AlreadyEndorsed() from exc
        notifications.follow_default(proposal=proposal, member=member)
        audit.append(
            forum_id=proposal.forum_id,
            actor=actor_label(actor or member),
            kind="proposal.endorsed",
            payload={
                "proposal": proposal.pk,
                "member": member.pk,
                "constituency": member.constituency,
            },
        )
    return endorsement


def proposal_unendorse(
    *,
    proposal: Proposal,
    member: Member,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Proposal:
    """Take back one's support for a proposal; the record keeps both the support and this."""
    refused = _("You cannot support proposals here.")
    _require(principal, member, "proposal.endorse", proposal, refused)
    with transaction.atomic():
        proposal = _locked(proposal)
        _recheck(principal, member, "proposal.endorse", proposal, refused)
        if proposal.status in FINISHED:
            raise ProposalClosed(_("This proposal is finished, so its support stays as it was."))
        endorsement = Endorsement.objects.filter(proposal=proposal, member=member).first()
        if endorsement is None:
            raise NotEndorsed()
        constituency = endorsement.constituency
        endorsement.delete()
        audit.append(
            forum_id=proposal.forum_id,
            actor=actor_label(actor or member),
            kind="proposal.unendorsed",
            payload={"proposal": proposal.pk, "member": member.pk, "constituency": constituency},
        )
    return proposal


def _status_name(status: str) -> str:
    return str(ProposalStatus(status).label)


def _move(
    proposal: Proposal,
    to: str,
    *,
    reason: str,
    by: Member | None,
    actor: Actor,
    meeting: Meeting | None = None,
    poll: Poll | None = None,
    reason_code: str = "",
    reason_args: dict[str, str] | None = None,
) -> Proposal:
    before = proposal.status
    proposal.status = to
    proposal.save(update_fields=["status"])
    _event(
        proposal,
        ProposalEvent.Kind.STATUS,
        actor=by,
        reason=reason,
        reason_code=reason_code,
        reason_args=reason_args,
        status_from=before,
        status_to=to,
        meeting=meeting,
        poll=poll,
    )
    audit.append(
        forum_id=proposal.forum_id,
        actor=actor_label(actor or by),
        kind="proposal.status_changed",
        payload={
            "proposal": proposal.pk,
            "from": before,
            "to": to,
            "reason": reason,
            "poll": poll.pk if poll else None,
            **audit.binding(proposal),
        },
    )
    notifications.queue_for_followers(proposal, NoticeKind.STATUS, status=to, exclude=by)
    return proposal


def proposal_status_change(
    *,
    proposal: Proposal,
    to: str,
    reason: str,
    by: Member,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Proposal:
    """Move a proposal on (open, shortlisted, decided, adopted or not), with a reason."""
    refused = _("Only a facilitator can move a proposal on.")
    _require(principal, by, "proposal.change_status", proposal, refused)
    if to not in ProposalStatus.values:
        raise InvalidInput(_("Please choose where the proposal goes next."))
    if to == ProposalStatus.WITHDRAWN:
        raise StatusChangeRefused(_("Only the person who wrote a proposal can take it back."))
    reason = _clean_reason(reason, _("Please say why. The reason is shown on the timeline."))
    with transaction.atomic():
        proposal = _locked(proposal)
        _recheck(principal, by, "proposal.change_status", proposal, refused)
        if to not in TRANSITIONS[proposal.status]:
            raise StatusChangeRefused(refusal(proposal.status, to))
        return _move(proposal, to, reason=reason, by=by, actor=actor)


def refusal(current: str, to: str) -> str:
    """Say in plain words why a proposal cannot go from one status to another."""
    if current == to:
        return _("This proposal is already “%(now)s”.") % {"now": _status_name(current)}
    nexts = sorted(TRANSITIONS[current], key=ProposalStatus.values.index)
    if not nexts:
        return _("This proposal is finished (“%(now)s”). It cannot move on any more.") % {
            "now": _status_name(current)
        }
    return _("A proposal that is “%(now)s” cannot go to “%(to)s”. It can go to: %(next)s.") % {
        "now": _status_name(current),
        "to": _status_name(to),
        "next": ", ".join(f"“{_status_name(n)}”" for n in nexts),
    }


def proposal_withdraw(
    *,
    proposal: Proposal,
    by: Member,
    reason: str,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Proposal:
    """Take back one's own proposal before it is voted on."""
    refused = _("Only the person who wrote it can take it back.")
    _require(principal, by, "proposal.withdraw", proposal, refused)
    reason = _clean_reason(reason, _("Please say why you take it back."))
    with transaction.atomic():
        proposal = _locked(proposal)
        _recheck(principal, by, "proposal.withdraw", proposal, refused)
        if proposal.status not in WITHDRAWABLE:
            if proposal.status == ProposalStatus.WITHDRAWN:
                raise StatusChangeRefused(_("This proposal has already been taken back."))
            raise StatusChangeRefused(
                _("This proposal has been voted on, so it cannot be taken back now.")
            )
        return _move(proposal, ProposalStatus.WITHDRAWN, reason=reason, by=by, actor=actor)


def proposals_poll_closed(*, poll: Poll, actor: Actor = None) -> list[Proposal]:
    """Move the shortlisted proposals of a poll that just closed to "voted on".

    Runs inside poll_close's transaction, so the vote's result and the proposals'
    new status are saved together.
    """
    links = list(
        ProposalPollLink.objects.filter(
            poll=poll, proposal__status=ProposalStatus.SHORTLISTED
        ).select_related("proposal", "option")
    )
    moved = []
    meeting = poll.meeting
    for link in links:
        proposal = _locked(link.proposal)
        if proposal.status != ProposalStatus.SHORTLISTED:
            continue
        if meeting is None and _meeting_vote_to_come(proposal):
            # A vote between meetings for a meeting's vote: the meeting's vote, with these
            # ballots counted in, gives the one result; the idea moves on when it closes.
            continue
        args = {"question": poll.question, "where": meeting.title if meeting else ""}
        moved.append(
            _move(
                proposal,
                ProposalStatus.DECIDED,
                reason=reason_words("poll_closed", args, english=True),
                reason_code="poll_closed",
                reason_args=args,
                by=None,
                actor=actor,
                meeting=meeting,
                poll=poll,
            )
        )
    return moved


def _meeting_vote_to_come(proposal: Proposal) -> bool:
    """Is the idea also on a meeting's vote that has not closed yet?"""
    return (
        ProposalPollLink.objects.filter(proposal=proposal, poll__meeting__isnull=False)
        .exclude(poll__status=Poll.Status.CLOSED)
        .exists()
    )


def proposals_poll_reopened(*, poll: Poll, actor: Actor = None) -> list[Proposal]:
    """Move the proposals a poll's closing moved to "voted on" back to "shortlisted".

    Runs inside poll_reopen's transaction; the vote's next closing moves them on again.
    A proposal already adopted or not adopted is refused before this (poll_reopen).
    """
    links = ProposalPollLink.objects.filter(
        poll=poll, proposal__status=ProposalStatus.DECIDED
    ).select_related("proposal")
    moved = []
    meeting = poll.meeting
    for link in links:
        proposal = _locked(link.proposal)
        last_move = proposal.events.filter(kind=ProposalEvent.Kind.STATUS).last()
        if proposal.status != ProposalStatus.DECIDED or last_move is None:
            continue
        if last_move.poll_id != poll.pk:
            continue
        args = {"question": poll.question}
        moved.append(
            _move(
                proposal,
                ProposalStatus.SHORTLISTED,
                reason=reason_words("poll_reopened", args, english=True),
                reason_code="poll_reopened",
                reason_args=args,
                by=None,
                actor=actor,
                meeting=meeting,
                poll=poll,
            )
        )
    return moved


def reason_words(code: str, args: dict[str, str], *, english: bool = False) -> str:
    """Put a reason the system wrote into words, in the page's language (or English).

    The timeline stores the code and its values; the words are made when shown, so a
    Welsh page reads Welsh whoever's action wrote the reason. The English words are kept
    too (ProposalEvent.reason), for the record and for an unknown code.
    """
    with translation.override("en" if english else translation.get_language()):
        if code == "poll_closed":
            where = args.get("where") or _("the forum")
            return _("The vote “%(question)s” at %(where)s has closed.") % {
                "question": args.get("question", ""),
                "where": where,
            }
        if code == "poll_reopened":
            return _("The vote “%(question)s” is open again.") % {
                "question": args.get("question", "")
            }
    return ""


def outcome_for(link: ProposalPollLink, result: dict[str, Any] | None) -> dict[str, Any]:
    """Describe how a proposal did in a closed poll: its place, and whether it passed."""
    if not result:
        return {}
    outcome = result.get("outcome", {})
    if link.option is None:
        return {"passed": outcome.get("passed"), "reasons": outcome.get("reasons", [])}
    weightings = result.get("weightings", {})
    weighting = outcome.get("weighting") or "parity"
    if weighting not in weightings and weightings:
        # A protected secret result keeps only the one-person-one-vote count.
        weighting = next(iter(weightings))
    totals = weightings.get(weighting, {}).get("totals", {})
    ordered = sorted(totals.items(), key=lambda kv: -kv[1])
    key = link.option.key
    place = next((i + 1 for i, (k, _v) in enumerate(ordered) if k == key), None)
    return {
        "winner": outcome.get("winner") == key,
        "place": place,
        "of": len(ordered),
        "total": totals.get(key, 0),
    }
