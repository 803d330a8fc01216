"""Send a signed-off easy-read summary to every member in the way they need it.

Who gets it: every active member of the forum who is not a guest, whatever their role
(observers and facilitators too). Guests joined one meeting from a phone and left no
way to reach them; to send them the summary, add them as members. The way is chosen by
easyread.delivery.route from the member's communication needs, their email address
(NotificationPreference.email) and postal address: email with the PDF only with their
consent ("email" in their needs), paper by post into the print pack, or not sent with
a reason the facilitator can act on.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from deliberation import audit, outbox
from deliberation.easyread import delivery, render, review
from deliberation.exceptions import InvalidInput
from deliberation.models import Member, Summary, SummarySend
from deliberation.selectors import forums as forum_selectors
from deliberation.selectors import summaries as summary_selectors
from deliberation.services.common import Actor, actor_label

logger = logging.getLogger(__name__)

# A failed email is tried again by the worker after 5, 10, 20 and 40 minutes, then
# no more (the facilitator's page offers a button to try again).
MAX_ATTEMPTS = 5
FIRST_RETRY = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class Plan:
    """What sending will do for one member: the route, and why if they cannot be reached."""

    member: Member
    route: delivery.Route
    reason: str


def _reason_words(reason: str) -> str:
    """Say in plain words why a member cannot be given the summary (or how they were)."""
    words = {
        delivery.NO_POSTAL_ADDRESS: _(
            "They need paper, but we have no postal address. Add their address."
        ),
        delivery.NO_EMAIL_ADDRESS: _(
            "They said yes to email, but we have no email address. Add their email address."
        ),
        delivery.NO_EMAIL_CONSENT: _(
            "They have not said yes to email. Ask them: email, or paper by post?"
        ),
        delivery.NO_WAY_CHOSEN: _(
            "We do not know how to send it. Ask them: email, or paper by post? "
            "Then add their address."
        ),
        delivery.EMAILED_NO_ADDRESS: _(
            "They asked for paper, but we have no postal address, so we emailed it."
        ),
    }
    return str(words.get(reason, ""))


REASON_CODES = (
    delivery.NO_POSTAL_ADDRESS,
    delivery.NO_EMAIL_ADDRESS,
    delivery.NO_EMAIL_CONSENT,
    delivery.NO_WAY_CHOSEN,
    delivery.EMAILED_NO_ADDRESS,
)


EMAIL_FAILED = gettext_noop("The email did not go: %(error)s")


def detail_words(detail: str) -> str:
    """Put a stored "what happened" in the page's language.

    It is stored in English (the words are the key): a Welsh page shows it in Welsh,
    whoever sent the summary, and so do rows stored before this.
    """
    with translation.override("en"):
        known = {_reason_words(code): code for code in REASON_CODES}
        prefix = gettext(EMAIL_FAILED).split("%(error)s")[0]
    if detail in known:
        return _reason_words(known[detail])
    if prefix and detail.startswith(prefix):
        return _(EMAIL_FAILED) % {"error": detail[len(prefix) :]}
    return detail


def _plan_for(member: Member) -> Plan:
    """Choose how one member gets the summary, from their needs and addresses."""
    route = delivery.route(
        member.communication_needs or [],
        has_email=bool(forum_selectors.member_email(member)),
        has_address=bool((member.postal_address or "").strip()),
    )
    return Plan(member=member, route=route, reason=_reason_words(route.reason))


def sending_plan(summary: Summary) -> list[Plan]:
    """Say, for each member, how sending will give them the summary."""
    return [_plan_for(member) for member in summary_selectors.summary_recipients(summary.forum_id)]


def _require_sign_off(summary: Summary) -> None:
    summary.refresh_from_db(fields=["signed_off_by", "signed_off_at"])
    if not summary.is_signed_off:
        raise InvalidInput(
            _(
                "This summary cannot be sent yet. A member with lived experience "
                "must check it and sign it off first."
            )
        )


def _require_resolved(summary: Summary, members: list[Member]) -> None:
    """Refuse to send words not checked for the members who will get them.

    A Welsh reader must not get Welsh that no one checked against the English, and no
    reader gets a point whose easy-read advice the person signing off did not confirm.
    """
    languages = {plan.route.language for plan in map(_plan_for, members) if plan.route.reachable}
    words = summary_selectors.summary_review_words(summary)
    if "cy" in languages:
        unchecked = summary_selectors.summary_points_needing_welsh(summary)
        if unchecked:
            raise InvalidInput(
                _(
                    "Some members read Welsh, and the Welsh of some points needs a check. "
                    "Points: %(points)s."
                )
                % {"points": review.numbers(words, unchecked)}
            )
    advised = summary_selectors.summary_points_with_findings(summary, languages)
    unconfirmed = set(advised) - set(summary.findings_confirmed or [])
    if unconfirmed:
        raise InvalidInput(
            _(
                "Some points have easy-read advice that nobody confirmed at sign-off. "
                "Points: %(points)s. Please sign off again."
            )
            % {"points": review.numbers(words, unconfirmed)}
        )


def _set_record_code(summary: Summary) -> None:
    """Fix the record code (the forum's audit head) the first time the summary goes out."""
    with transaction.atomic():
        locked = Summary.objects.select_for_update().select_related("forum").get(pk=summary.pk)
        if not locked.record_code:
            locked.record_code = locked.forum.audit_head
            locked.first_sent_at = timezone.now()
            locked.save(update_fields=["record_code", "first_sent_at", "updated_at"])
    summary.refresh_from_db()


class _PdfCache:
    """Render each (language, print size) of the summary once per sending."""

    def __init__(self, summary: Summary) -> None:
        self.summary = summary
        self.pdfs: dict[tuple[str, bool], bytes] = {}

    def get(self, language: str, large_print: bool) -> bytes:
        key = (language, large_print)
        if key not in self.pdfs:
            self.pdfs[key] = render.render_pdf(
                self.summary, language=language, large_print=large_print
            )
        return self.pdfs[key]


def _deliver(summary: Summary, member: Member, pdfs: _PdfCache, actor: Actor) -> SummarySend:
    """Give one member the summary, then record it in a transaction of its own.

    The email goes out before, outside any transaction, so a slow mail server holds no
    lock; if the record then fails, the member is not marked as sent and a later send
    tries again. At worst a person gets the email twice; an email is never marked sent
    when it did not go. A failed email is tried again later, up to MAX_ATTEMPTS times.
    """
    plan = _plan_for(member)
    route = plan.route
    status = SummarySend.Status.NOT_SENT
    with translation.override("en"):  # stored in English, shown translated (detail_words)
        detail = _reason_words(route.reason)
    fmt = ""
    if route.format == delivery.POST:
        fmt, status = SummarySend.Format.POST, SummarySend.Status.TO_PRINT
    elif route.format == delivery.EMAIL:
        fmt = SummarySend.Format.EMAIL
        try:
            render.summary_email(
                summary,
                to=forum_selectors.member_email(member),
                language=route.language,
                large_print=route.large_print,
                pdf=pdfs.get(route.language, route.large_print),
            ).send()
        except Exception as exc:  # any mail server error is recorded, not raised
            logger.warning("Could not email the summary to member %s", member.pk)
            status = SummarySend.Status.FAILED
            with translation.override("en"):  # stored in English, shown translated
                detail = gettext(EMAIL_FAILED) % {"error": f"{type(exc).__name__}: {exc}"}
        else:
            status = SummarySend.Status.SENT
    now = timezone.now()
    with transaction.atomic():
        send, _created = SummarySend.objects.select_for_update().get_or_create(
            summary=summary,
            member=member,
            defaults={"status": status, "attempts": 0, "sent_at": now},
        )
        send.format = fmt
        send.language = route.language
        send.large_print = route.large_print
        send.status = status
        send.detail = detail[:300]
        send.attempts += 1
        send.sent_at = now
        send.retry_at = (
            now + FIRST_RETRY * 2 ** (send.attempts - 1)
            if status == SummarySend.Status.FAILED and send.attempts < MAX_ATTEMPTS
            else None
        )
        send.save()
        _record_sent(summary, send, actor)
    return send


def _members_to_send(summary: Summary) -> list[Member]:
    done = set(
        SummarySend.objects.filter(
            summary=summary,
            status__in=[SummarySend.Status.SENT, SummarySend.Status.TO_PRINT],
        ).values_list("member_id", flat=True)
    )
    return [m for m in summary_selectors.summary_recipients(summary.forum_id) if m.pk not in done]


def summary_send_queue(*, summary: Summary, actor: Actor = None) -> int:
    """Check the summary can go, then give its sending to the worker; return how many wait.

    Every member not yet given it gets a row that waits ("queued"), so the page shows
    how far sending has got; the worker renders the PDFs and sends (tasks.py).
    """
    _require_sign_off(summary)
    summary.refresh_from_db(fields=["findings_confirmed"])
    members = _members_to_send(summary)
    _require_resolved(summary, members)
    _set_record_code(summary)
    now = timezone.now()
    with transaction.atomic():
        for member in members:
            SummarySend.objects.update_or_create(
                summary=summary,
                member=member,
                defaults={"status": SummarySend.Status.QUEUED, "detail": "", "retry_at": None},
                create_defaults={
                    "status": SummarySend.Status.QUEUED,
                    "attempts": 0,
                    "sent_at": now,
                },
            )
        audit.append(
            forum_id=summary.forum_id,
            actor=actor_label(actor),
            kind="summary.send_queued",
            payload={
                "summary": summary.pk,
                "meeting": summary.meeting_id,
                "members": sorted(m.pk for m in members),
            },
        )
        outbox.summary_due(summary.pk, actor_label(actor))
    return len(members)


def summary_resend_queue(*, send: SummarySend, actor: Actor = None) -> SummarySend:
    """Give the worker one member's summary to send again, in the way their needs say now."""
    summary = send.summary
    _require_sign_off(summary)
    member = Member.objects.select_related("notify").get(pk=send.member_id)
    if not member.is_active:
        raise InvalidInput(_("This person is no longer a member, so we did not send it."))
    summary.refresh_from_db(fields=["findings_confirmed"])
    _require_resolved(summary, [member])
    _set_record_code(summary)
    with transaction.atomic():
        send = SummarySend.objects.select_for_update().get(pk=send.pk)
        send.status = SummarySend.Status.QUEUED
        send.retry_at = None
        send.detail = ""
        send.save(update_fields=["status", "retry_at", "detail"])
        audit.append(
            forum_id=summary.forum_id,
            actor=actor_label(actor),
            kind="summary.send_queued",
            payload={"summary": summary.pk, "meeting": summary.meeting_id, "members": [member.pk]},
        )
        outbox.summary_due(summary.pk, actor_label(actor))
    return send


def summary_send_queued(*, summary: Summary, actor: Actor = None) -> list[SummarySend]:
    """Send the summary to every member waiting for it (the worker runs this).

    If it can no longer go (its sign-off was taken back, or words need a check), the
    waiting rows say why, for the facilitator to act on and try again.
    """
    waiting = list(
        SummarySend.objects.filter(summary=summary, status=SummarySend.Status.QUEUED)
        .select_related("member", "member__notify")
        .order_by("member__name", "pk")
    )
    if not waiting:
        return []
    members = [s.member for s in waiting if s.member.is_active]
    try:
        _require_sign_off(summary)
        summary.refresh_from_db(fields=["findings_confirmed"])
        _require_resolved(summary, members)
    except InvalidInput as exc:
        return [_not_sent(summary, s, str(exc.message), actor) for s in waiting]
    pdfs = _PdfCache(summary)
    return [
        _deliver(summary, s.member, pdfs, actor)
        if s.member.is_active
        else _not_sent(
            summary, s, _("This person is no longer a member, so we did not send it."), actor
        )
        for s in waiting
    ]


def _record_sent(summary: Summary, send: SummarySend, actor: Actor, **extra: str) -> None:
    """Write how a member was sent the summary, or why not, into the record.

    The record names the member and how; never their needs (health information) nor
    their addresses. A failed email says when it is tried again (none: no more tries).
    """
    payload: dict[str, object] = {
        "summary": summary.pk,
        "meeting": summary.meeting_id,
        "member": send.member_id,
        "format": send.format,
        "language": send.language,
        "status": send.status,
        "attempt": send.attempts,
    }
    if send.status == SummarySend.Status.FAILED:
        payload["retry_at"] = send.retry_at.isoformat() if send.retry_at else None
    audit.append(
        forum_id=summary.forum_id,
        actor=actor_label(actor),
        kind="summary.sent",
        payload={**payload, **extra},
    )


def _not_sent(summary: Summary, send: SummarySend, why: str, actor: Actor) -> SummarySend:
    """Record that a waiting member was not sent the summary, and why."""
    with transaction.atomic():
        send.status = SummarySend.Status.FAILED
        send.detail = why[:300]
        send.retry_at = None
        send.sent_at = timezone.now()
        send.save(update_fields=["status", "detail", "retry_at", "sent_at"])
        _record_sent(summary, send, actor, why=why[:300])
    return send


def summary_retry_due(*, now: datetime.datetime | None = None) -> int:
    """Try again every failed summary email whose time to retry has come; return how many."""
    due = (
        SummarySend.objects.filter(
            status=SummarySend.Status.FAILED,
            retry_at__isnull=False,
            retry_at__lte=now or timezone.now(),
        )
        .select_related("summary", "member", "member__notify")
        .order_by("summary_id", "pk")
    )
    tried = 0
    caches: dict[int, _PdfCache] = {}
    for send in due:
        with transaction.atomic():
            # Claimed under a lock: a second worker skips it.
            claimed = SummarySend.objects.filter(
                pk=send.pk, status=SummarySend.Status.FAILED, retry_at=send.retry_at
            ).update(retry_at=None)
        if not claimed or not send.member.is_active:
            continue
        summary = send.summary
        if not summary.is_signed_off:
            continue
        pdfs = caches.setdefault(summary.pk, _PdfCache(summary))
        _deliver(summary, send.member, pdfs, "mailer")
        tried += 1
    return tried


def summary_send(*, summary: Summary, actor: Actor = None) -> list[SummarySend]:
    """Send the signed-off summary to every member not yet given it; record each send.

    Members already sent it (or already in the print pack) are left as they are; use
    summary_resend for one of them. Each member is sent and recorded in a transaction
    of their own, so one failed email never undoes the record of those that went.
    """
    _require_sign_off(summary)
    summary.refresh_from_db(fields=["findings_confirmed"])
    members = _members_to_send(summary)
    _require_resolved(summary, members)
    _set_record_code(summary)
    pdfs = _PdfCache(summary)
    return [_deliver(summary, member, pdfs, actor) for member in members]


def summary_resend(*, send: SummarySend, actor: Actor = None) -> SummarySend:
    """Send one member the summary again, in the way their needs say now."""
    summary = send.summary
    _require_sign_off(summary)
    _set_record_code(summary)
    member = Member.objects.select_related("notify").get(pk=send.member_id)
    if not member.is_active:
        raise InvalidInput(_("This person is no longer a member, so we did not send it."))
    summary.refresh_from_db(fields=["findings_confirmed"])
    _require_resolved(summary, [member])
    return _deliver(summary, member, _PdfCache(summary), actor)


def print_pack_pdf(summary: Summary) -> bytes:
    """Render the pack to print and post: an address page, then the summary, for each."""
    sends = (
        SummarySend.objects.filter(summary=summary, status=SummarySend.Status.TO_PRINT)
        .select_related("member")
        .order_by("member__name", "pk")
    )
    entries = [
        render.PackEntry(member=s.member, language=s.language, large_print=s.large_print)
        for s in sends
    ]
    return render.render_print_pack(summary, entries)
