"""Notices about new ideas, comments and followed ideas: on the member's home and by email.

Emails go each one, or in a daily digest, never twice; a member who chose no emails
still sees the notices of the ideas they follow on their home page.

The background worker sends them (deliberation/tasks.py): never inside a request, and
never inside a database transaction, so a slow mail server holds no lock. A failed
email is tried again later, less often each time, up to MAX_ATTEMPTS tries.
"""

import datetime
import logging
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from deliberation import audit, markdown, outbox
from deliberation.exceptions import InvalidInput, NotFound
from deliberation.models import (
    ONCE_PER_VOTE,
    Action,
    ActionStatus,
    Comment,
    CommunicationNeed,
    Decision,
    Member,
    NoticeKind,
    Notification,
    NotificationPreference,
    NotifyFrequency,
    Poll,
    Proposal,
    ProposalFollow,
    ProposalStatus,
)
from deliberation.services.common import Actor, actor_label

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "coprod.notifications.unsubscribe"
# An unsubscribe link works for 90 days: long enough for an email read late, short
# enough that an old link found in a mailbox or a log is of no use.
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 90
# A failed email is tried again after 5, 10, 20 and 40 minutes, then no more: the
# record then says it was given up (a wrong address does not get better by waiting).
MAX_ATTEMPTS = 5
FIRST_RETRY = datetime.timedelta(minutes=5)


def retry_delay(attempts: int) -> datetime.timedelta:
    """Return how long to wait before the next try, after `attempts` failed tries."""
    return FIRST_RETRY * 2 ** max(attempts - 1, 0)


# -- choosing --------------------------------------------------------------------------


def _valid_email(email: str) -> str:
    """Return the address without spaces around it, or refuse one that is not an address."""
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput(_("Please check the email address.")) from exc
    return email


def notification_preference_set(
    *, member: Member, frequency: str, email: str, actor: Actor = None
) -> NotificationPreference:
    """Choose how to hear about new proposals and comments: not at all, each, or daily."""
    if frequency not in NotifyFrequency.values:
        raise InvalidInput(_("Please choose how often you want emails."))
    email = _valid_email(email)
    if frequency != NotifyFrequency.NONE and not email:
        raise InvalidInput(_("Please give your email address, so we can send you emails."))
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.update_or_create(
            member=member, defaults={"frequency": frequency, "email": email}
        )
        # The address is personal data: the record says that it changed, not what it is.
        audit.append(
            forum_id=member.forum_id,
            actor=actor_label(actor or member),
            kind="notifications.chosen",
            payload={"member": member.pk, "frequency": frequency, "has_email": bool(email)},
        )
    return preference


def email_address_set(*, member: Member, email: str) -> bool:
    """Change a member's one email address; call inside the change that records it.

    The same address is used for proposal emails and, with their consent ("email" in
    their communication needs), for easy-read summaries. Returns whether it changed.
    """
    email = _valid_email(email)
    preference = NotificationPreference.objects.filter(member=member).first()
    if preference is None:
        if email:
            NotificationPreference.objects.create(member=member, email=email)
        return bool(email)
    if preference.email == email:
        return False
    preference.email = email
    if not email:
        # No address, no emails: stop proposal emails rather than fail them.
        preference.frequency = NotifyFrequency.NONE
    preference.save(update_fields=["email", "frequency", "updated_at"])
    return True


def _id_pad(nonce: str) -> int:
    """Return the secret number a token's member id is hidden with (one per token)."""
    return int.from_bytes(
        salted_hmac(UNSUBSCRIBE_SALT + ".id", nonce, algorithm="sha256").digest()[:8], "big"
    )


def unsubscribe_token(member: Member) -> str:
    """Return the signed token of a member's one-click unsubscribe link.

    The token is dated (it expires after UNSUBSCRIBE_MAX_AGE) and does not show the
    member's id: the id is hidden with a number only the server can work out, from
    the secret key and a random nonce, so a link forwarded or logged says nobody's id.
    """
    nonce = secrets.token_urlsafe(9)
    return signing.dumps({"n": nonce, "x": member.pk ^ _id_pad(nonce)}, salt=UNSUBSCRIBE_SALT)


def member_for_unsubscribe(token: str) -> Member:
    """Return the member a signed unsubscribe token names; refuse any token we did not sign."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise NotFound(
            _(
                "This link is too old. Please use the link in a newer email, "
                "or ask the facilitator to stop the emails."
            )
        ) from exc
    except signing.BadSignature as exc:
        raise NotFound(
            _("This link is not right. Please copy the whole link from the email.")
        ) from exc
    member = None
    if isinstance(value, dict) and isinstance(value.get("n"), str):
        hidden = value.get("x")
        if isinstance(hidden, int) and not isinstance(hidden, bool):
            member = Member.objects.filter(pk=hidden ^ _id_pad(value["n"])).first()
    if member is None:
        raise NotFound(_("This link is not right. Please copy the whole link from the email."))
    return member


def notification_unsubscribe(*, token: str) -> Member:
    """Stop all emails to the member a signed link names, without logging in.

    A link used again (a mail program's second click, a replay) changes nothing and
    writes nothing to the record.
    """
    member = member_for_unsubscribe(token)
    with transaction.atomic():
        preference = (
            NotificationPreference.objects.select_for_update().filter(member=member).first()
        )
        if preference is not None and preference.frequency == NotifyFrequency.NONE:
            return member
        NotificationPreference.objects.update_or_create(
            member=member, defaults={"frequency": NotifyFrequency.NONE}
        )
        audit.append(
            forum_id=member.forum_id,
            actor="unsubscribe-link",
            kind="notifications.unsubscribed",
            payload={"member": member.pk},
        )
    return member


# -- queueing (inside the change that made something new) ------------------------------


def queue_for_proposal(proposal: Proposal) -> list[Notification]:
    """Note a new proposal for everyone who asked to hear about it; call inside the change."""
    return _queue(proposal, None, proposal.author_id)


def queue_for_comment(comment: Comment) -> list[Notification]:
    """Note a new comment for everyone who asked to hear about it; call inside the change."""
    return _queue(comment.proposal, comment, comment.author_id)


def _queue(
    proposal: Proposal, comment: Comment | None, author_id: int | None
) -> list[Notification]:
    preferences = (
        NotificationPreference.objects.filter(
            member__forum_id=proposal.forum_id, member__is_active=True, member__is_guest=False
        )
        .exclude(frequency=NotifyFrequency.NONE)
        .exclude(email="")
        .exclude(member_id=author_id or 0)
        .values_list("member_id", "frequency")
    )
    rows = Notification.objects.bulk_create(
        Notification(member_id=member_id, proposal=proposal, comment=comment, frequency=frequency)
        for member_id, frequency in preferences
    )
    _send_after_commit(rows)
    return rows


def _send_after_commit(rows: Sequence[Notification]) -> None:
    """Send the `each` emails of new rows once the change that made them is saved."""
    each = [row.pk for row in rows if row.frequency == NotifyFrequency.EACH and row.pk]
    if each:
        # The worker sends them once the change is saved, so nobody hears of something
        # that was rolled back, and the request does not wait for the mail server.
        outbox.notifications_due(each)


# -- following an idea ------------------------------------------------------------------


def follow_default(*, proposal: Proposal, member: Member) -> None:
    """Follow an idea its author wrote or a member supports; call inside that change.

    A member who stopped following it earlier stays stopped.
    """
    if member.is_guest:
        return
    ProposalFollow.objects.get_or_create(member=member, proposal=proposal)


def proposal_follow(
    *, proposal: Proposal, member: Member, follow: bool, actor: Actor = None
) -> ProposalFollow:
    """Start or stop following an idea: notices when it moves on, votes, decisions."""
    if member.forum_id != proposal.forum_id or member.is_guest or not member.is_active:
        raise InvalidInput(_("You cannot follow ideas in this forum."))
    with transaction.atomic():
        row, _created = ProposalFollow.objects.select_for_update().get_or_create(
            member=member, proposal=proposal, defaults={"active": follow}
        )
        if row.active != follow:
            row.active = follow
            row.save(update_fields=["active"])
        audit.append(
            forum_id=proposal.forum_id,
            actor=actor_label(actor or member),
            kind="proposal.followed" if follow else "proposal.unfollowed",
            payload={"proposal": proposal.pk, "member": member.pk},
        )
    return row


def is_following(proposal: Proposal, member: Member) -> bool:
    return ProposalFollow.objects.filter(proposal=proposal, member=member, active=True).exists()


def queue_for_followers(
    proposal: Proposal,
    kind: str,
    *,
    status: str = "",
    poll: Poll | None = None,
    decision: Decision | None = None,
    action: Action | None = None,
    exclude: Member | None = None,
) -> list[Notification]:
    """Note news of an idea for everyone following it; call inside the change that made it.

    Each follower gets it on their home page; by email too as they chose (each one, or in
    the daily digest). A vote's notices (ONCE_PER_VOTE) go once per member per vote, however
    many of their ideas it asks about and however often this is called.
    """
    followers = (
        ProposalFollow.objects.filter(
            proposal=proposal, active=True, member__is_active=True, member__is_guest=False
        )
        .exclude(member_id=exclude.pk if exclude else 0)
        .values_list("member_id", flat=True)
    )
    member_ids = list(followers)
    if kind in ONCE_PER_VOTE and poll is not None:
        told = set(
            Notification.objects.filter(poll=poll, kind=kind, member_id__in=member_ids).values_list(
                "member_id", flat=True
            )
        )
        member_ids = [m for m in member_ids if m not in told]
    if not member_ids:
        return []
    chosen = dict(
        NotificationPreference.objects.filter(member_id__in=member_ids)
        .exclude(email="")
        .values_list("member_id", "frequency")
    )
    rows = []
    for member_id in member_ids:
        row = Notification(
            member_id=member_id,
            kind=kind,
            proposal=proposal,
            status=status,
            poll=poll,
            decision=decision,
            action=action,
            frequency=chosen.get(member_id, NotifyFrequency.NONE),
        )
        if kind in ONCE_PER_VOTE:
            try:
                with transaction.atomic():  # another run told them a moment ago
                    row.save()
            except IntegrityError:
                continue
        rows.append(row)
    if kind not in ONCE_PER_VOTE:
        rows = Notification.objects.bulk_create(rows)
    _send_after_commit(rows)
    return rows


def queue_for_vote(poll: Poll, kind: str) -> list[Notification]:
    """Tell the followers of the ideas a vote asks about that it opened or closes soon."""
    rows: list[Notification] = []
    for link in poll.proposal_links.select_related("proposal").order_by("pk"):
        if link.proposal.is_hidden:
            continue
        rows += queue_for_followers(link.proposal, kind, poll=poll)
    return rows


def queue_for_decision(decision: Decision, *, exclude: Member | None = None) -> None:
    """Tell the followers of the ideas a decision is about; call inside decision_record."""
    for proposal in _decision_proposals(decision):
        queue_for_followers(proposal, NoticeKind.DECISION, decision=decision, exclude=exclude)


def queue_for_action(action: Action, *, exclude: Member | None = None) -> None:
    """Tell the followers of the ideas an action is about that it is new or changed."""
    for proposal in _decision_proposals(action.decision):
        # The action's status now: a later change is a notice of its own.
        queue_for_followers(
            proposal,
            NoticeKind.ACTION,
            status=action.status,
            action=action,
            decision=action.decision,
            exclude=exclude,
        )


def _decision_proposals(decision: Decision) -> list[Proposal]:
    if decision.poll_id is None:
        return []
    return list(
        Proposal.objects.filter(poll_links__poll_id=decision.poll_id, hidden_at__isnull=True)
        .order_by("pk")
        .distinct()
    )


def notices_mark_read(*, member: Member, ids: Iterable[int] | None = None) -> int:
    """Mark a member's notices read (all, or the ones given); returns how many changed."""
    rows = Notification.objects.filter(member=member, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


# -- sending ---------------------------------------------------------------------------


def _language(member: Member) -> str:
    return "cy" if CommunicationNeed.WELSH in (member.communication_needs or []) else "en"


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def notice_words(row: Notification) -> dict[str, str]:
    """Say in easy words what a followed idea's notice tells, and where to read more."""
    proposal = row.proposal
    slug = proposal.forum.slug
    title = proposal.title
    path = reverse("deliberation:proposal", args=[slug, proposal.pk])
    headline = detail = ""
    if row.kind == NoticeKind.STATUS:
        label = str(ProposalStatus(row.status).label) if row.status in ProposalStatus.values else ""
        headline = _("An idea you follow moved on: %(title)s") % {"title": title}
        detail = _("Now: %(status)s") % {"status": label}
        if row.status == ProposalStatus.ADOPTED:
            detail = _("We will do it!")
        elif row.status == ProposalStatus.NOT_ADOPTED:
            detail = _("We will not do it. The idea page says why.")
    elif row.kind in ONCE_PER_VOTE and row.poll is not None:
        schedule = getattr(row.poll, "schedule", None)
        closes = (
            formats.date_format(timezone.localtime(schedule.closes_at), "j M Y H:i")
            if schedule
            else ""
        )
        if row.kind == NoticeKind.VOTE_OPEN:
            headline = _("You can vote now: %(question)s") % {"question": row.poll.question}
        else:
            headline = _("The vote closes soon: %(question)s") % {"question": row.poll.question}
        detail = _("It is about the idea: %(title)s. The vote closes %(when)s.") % {
            "title": title,
            "when": closes,
        }
        if row.poll.meeting_id is None:
            path = reverse("deliberation:forum_poll", args=[slug, row.poll.pk])
    elif row.kind == NoticeKind.DECISION and row.decision is not None:
        headline = _("We decided about: %(title)s") % {"title": title}
        detail = row.decision.outcome_easy_read or row.decision.outcome
        path = reverse("deliberation:decision", args=[slug, row.decision.pk])
    elif row.kind == NoticeKind.ACTION and row.action is not None:
        then = row.status or row.action.status
        status = str(ActionStatus(then).label) if then in ActionStatus.values else ""
        headline = _("News about what we will do: %(title)s") % {"title": title}
        detail = f"{row.action.description} ({status})"
        if then == ActionStatus.DONE:
            detail = _("We did it: %(what)s") % {"what": row.action.description}
        path = reverse("deliberation:action", args=[slug, row.action.pk])
    elif row.kind == NoticeKind.COMMENT and row.comment is not None:
        name = row.comment.author.name if row.comment.author else "—"
        headline = _("%(name)s wrote a comment on: %(title)s") % {"name": name, "title": title}
        path += f"#comment-{row.comment.pk}"
    else:
        name = proposal.author.name if proposal.author else "—"
        headline = _("%(name)s shared a new idea: %(title)s") % {"name": name, "title": title}
        detail = proposal.summary
    return {"headline": headline, "detail": detail, "path": path}


def _items(rows: Sequence[Notification]) -> list[dict[str, Any]]:
    items = []
    for row in rows:
        proposal = row.proposal
        comment = row.comment
        url = _url(reverse("deliberation:proposal", args=[proposal.forum.slug, proposal.pk]))
        if row.kind not in (NoticeKind.PROPOSAL, NoticeKind.COMMENT):
            words = notice_words(row)
            items.append({"kind": "news", **words, "url": _url(words["path"])})
            continue
        item: dict[str, Any] = {
            "kind": "comment" if comment else "proposal",
            "title": proposal.title,
            "summary": proposal.summary,
            "author": (comment.author if comment else proposal.author),
            "url": url + (f"#comment-{comment.pk}" if comment else ""),
        }
        if comment is not None:
            item["comment_text"] = comment.body
            item["comment_html"] = markdown.stored(comment.body_html)
        items.append(item)
    return items


def _deliverable(row: Notification) -> bool:
    """Is the thing still there to tell about (not hidden since)?"""
    if row.proposal.is_hidden:
        return False
    return row.comment is None or not row.comment.is_hidden


def build_email(
    member: Member, email: str, rows: Sequence[Notification], *, digest: bool
) -> EmailMultiAlternatives:
    """Write the email for some notifications of one member, in their language."""
    with translation.override(_language(member)):
        items = _items(rows)
        forum = member.forum
        unsubscribe = _url(reverse("deliberation:unsubscribe", args=[unsubscribe_token(member)]))
        preferences = _url(reverse("deliberation:notify", args=[forum.slug]))
        if digest:
            subject = _("New in %(forum)s: %(n)s things") % {"forum": forum.name, "n": len(items)}
        elif items[0]["kind"] == "news":
            subject = items[0]["headline"]
        elif items[0]["kind"] == "comment":
            subject = _("New comment on: %(title)s") % {"title": items[0]["title"]}
        else:
            subject = _("New idea: %(title)s") % {"title": items[0]["title"]}
        context = {
            "member": member,
            "forum": forum,
            "items": items,
            "digest": digest,
            "unsubscribe_url": unsubscribe,
            "preferences_url": preferences,
        }
        text = render_to_string("email/notification.txt", context)
        html = render_to_string("email/notification.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split())[:200],
        body=text,
        to=[email],
        headers={
            # RFC 8058: mail programs may offer their own one-click "unsubscribe" button.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _pending(
    frequency: str,
    ids: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
    before: datetime.datetime | None = None,
) -> "Any":
    """Return the rows waiting to be sent now: not sent, not given up, not waiting to retry."""
    rows = Notification.objects.filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=now or timezone.now()),
        sent_at__isnull=True,
        frequency=frequency,
        attempts__lt=MAX_ATTEMPTS,
    )
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if before is not None:
        rows = rows.filter(created_at__lt=before)
    return rows


def send_pending(
    *,
    frequency: str,
    ids: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
    before: datetime.datetime | None = None,
) -> int:
    """Send what is waiting: one email per item (`each`) or one per member (`daily`).

    Each member's rows are claimed (marked sent) in a transaction, sent after it, and
    a failure is recorded in another: two runs at once, or a run after a crash, never
    send an item twice, and a failed email waits for its retry. Returns how many
    emails went out. With `before`, only items that came before then.
    """
    now = now or timezone.now()
    pending = _pending(frequency, ids, now, before).order_by("pk").values_list("pk", "member_id")
    batches: list[tuple[int, list[int] | None]]
    if frequency == NotifyFrequency.DAILY:
        batches = [(member_id, None) for member_id in sorted({m for _pk, m in pending})]
    else:
        # One email per item: a failure later on never un-marks one already sent.
        batches = [(member_id, [pk]) for pk, member_id in pending]
    sent = 0
    for member_id, only in batches:
        try:
            sent += _send_member(
                member_id, frequency, only if only is not None else ids, now, before
            )
        except Exception:  # one bad row must not stop everyone else's emails
            logger.exception("Could not send notifications to member %s", member_id)
    return sent


def _send_member(
    member_id: int,
    frequency: str,
    ids: Iterable[int] | None,
    now: datetime.datetime,
    before: datetime.datetime | None,
) -> int:
    with transaction.atomic():
        rows = list(
            _pending(frequency, ids, now, before)
            .filter(member_id=member_id)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "member",
                "member__forum",
                "member__notify",
                "proposal",
                "proposal__forum",
                "proposal__author",
                "comment",
                "comment__author",
                "poll__schedule",
                "decision",
                "action__decision",
            )
            .order_by("created_at", "pk")
        )
        if not rows:
            return 0
        # Claimed: another run skips them from now on. A crash before the email goes
        # loses it rather than sending it twice.
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(sent_at=now)
    member = rows[0].member
    preference = getattr(member, "notify", None)
    wanted = (
        preference is not None
        and preference.frequency == frequency
        and preference.email
        and member.is_active
    )
    deliver = [row for row in rows if wanted and _deliverable(row)]
    # Rows not delivered (hidden since, or the member chose otherwise) are done too.
    daily = frequency == NotifyFrequency.DAILY
    groups = ([deliver] if deliver else []) if daily else [[row] for row in deliver]
    sent = 0
    failed: list[Notification] = []
    error = ""
    for group in groups:
        if failed:
            failed.extend(group)
            continue
        assert preference is not None
        try:
            email = build_email(member, preference.email, group, digest=daily)
            email.send()
        except Exception as exc:  # the mail server's error is recorded and tried again
            logger.warning("Could not email notifications to member %s", member.pk)
            error = f"{type(exc).__name__}: {exc}"[:300]
            failed.extend(group)
        else:
            sent += 1
    with transaction.atomic():
        if failed:
            _record_failure(member, frequency, failed, error, now)
        # The record says what was sent to whom, never the address it went to.
        audit.append(
            forum_id=member.forum_id,
            actor="mailer",
            kind="notifications.sent",
            payload={
                "member": member.pk,
                "frequency": frequency,
                "emails": sent,
                "sent": sorted(row.pk for row in deliver if row not in failed),
                "not_sent": sorted(row.pk for row in rows if row not in deliver),
                "failed": sorted(row.pk for row in failed),
            },
        )
    return sent


def _record_failure(
    member: Member,
    frequency: str,
    failed: list[Notification],
    error: str,
    now: datetime.datetime,
) -> None:
    """Put failed rows back to wait for their next try, or give them up after the last."""
    attempts = max(row.attempts for row in failed) + 1
    give_up = attempts >= MAX_ATTEMPTS
    retry_at = None if give_up else now + retry_delay(attempts)
    Notification.objects.filter(pk__in=[row.pk for row in failed]).update(
        sent_at=None, attempts=F("attempts") + 1, retry_at=retry_at, last_error=error
    )
    audit.append(
        forum_id=member.forum_id,
        actor="mailer",
        kind="notifications.failed",
        payload={
            "member": member.pk,
            "frequency": frequency,
            "rows": sorted(row.pk for row in failed),
            "attempt": attempts,
            "retry_at": retry_at.isoformat() if retry_at else None,
            "given_up": give_up,
            "error": error,
        },
    )


def digests_send(
    *, now: datetime.datetime | None = None, daily_before: datetime.datetime | None = None
) -> dict[str, int]:
    """Send every waiting daily digest, and any single email whose retry is due.

    With `daily_before`, a digest tells only of what came before then (the worker
    passes the day's digest time, so a digest goes once a day however often it runs).
    """
    return {
        "daily": send_pending(frequency=NotifyFrequency.DAILY, now=now, before=daily_before),
        "each": send_pending(frequency=NotifyFrequency.EACH, now=now),
    }


def pending_count(member: Member) -> int:
    return Notification.objects.filter(Q(member=member) & Q(sent_at__isnull=True)).count()
