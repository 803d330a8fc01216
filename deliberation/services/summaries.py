"""Easy-read summaries: build the points, let the facilitator edit them, record sign-off.

A person with lived experience checks every summary before it is sent (Inclusion
Europe's condition for its easy-to-read logo). Any change to a point after sign-off
clears the sign-off, so what is sent is always what was checked. A summary that has
been sent is the record of what people were told: it cannot be built again or changed.
"""

from collections.abc import Collection
from typing import Any, Literal

from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from deliberation import audit, permissions, textcheck
from deliberation.display import SYMBOLS
from deliberation.easyread import builder, review
from deliberation.exceptions import InvalidInput, NotAllowed, NotFound, UnstorableText
from deliberation.models import (
    Meeting,
    Member,
    PointKind,
    Summary,
    SummaryPoint,
    WelshStatus,
)
from deliberation.selectors import summaries as summary_selectors
from deliberation.services.common import Actor, actor_label

TEXT_MAX = 600
NOTE_MAX = 1_000

# Where a summary is. summary_build makes a draft; summary_sign_off signs it off; a change
# after sign-off (_clear_sign_off) needs it signed off again; sending.summary_send sends it,
# and a sent summary never changes again (_locked).
SummaryStatus = Literal["not_built", "draft", "sign_off_again", "signed_off", "sent"]


def summary_status(summary: Summary | None) -> SummaryStatus:
    """Say where a summary is: not built, draft, needs sign-off again, signed off or sent."""
    if summary is None:
        return "not_built"
    if summary.first_sent_at is not None:
        return "sent"
    if summary.is_signed_off:
        return "signed_off"
    if summary_selectors.summary_sign_off_lapsed(summary):
        return "sign_off_again"
    return "draft"


def _welsh_drafts(record: builder.MeetingRecord) -> list[builder.PointDraft]:
    """Draft the points in Welsh from the translated sentences (names and titles stay)."""
    words = builder.Words(
        gettext=gettext,
        ngettext=ngettext,
        day=lambda value: formats.date_format(value, "l j F"),
        time=builder.time_of_day,
    )
    with translation.override("cy"):
        return builder.build_points(record, words)


def _point_payload(point: SummaryPoint) -> dict[str, Any]:
    return {
        "summary": point.summary_id,
        "point": point.pk,
        "position": point.position,
        "kind": point.kind,
        "symbol": point.symbol,
        "text": point.text,
        "text_cy": point.text_cy,
        "welsh_status": point.welsh_status,
    }


def _locked(summary: Summary) -> Summary:
    """Lock the summary row for this change; refuse a summary that has been sent."""
    locked = Summary.objects.select_for_update().get(pk=summary.pk)
    if locked.first_sent_at is not None:
        raise NotAllowed(
            _(
                "This summary has been sent. It shows what people were told, "
                "so it cannot change now."
            )
        )
    return locked


def _point_in(summary: Summary, point: SummaryPoint) -> SummaryPoint:
    """Return the point as it is now; refuse one taken out of the summary meanwhile."""
    found = SummaryPoint.objects.filter(pk=point.pk, summary=summary).first()
    if found is None:
        raise NotFound(_("This point is not in the summary any more."))
    return found


def _clear_sign_off(summary: Summary, *, actor: Actor, reason: str) -> None:
    """Clear a sign-off because the words changed; say so in the audit log."""
    if not summary.is_signed_off:
        return
    member_id = summary.signed_off_by_id
    summary.signed_off_by = None
    summary.signed_off_at = None
    summary.signed_off_note = ""
    summary.save(update_fields=["signed_off_by", "signed_off_at", "signed_off_note", "updated_at"])
    audit.append(
        forum_id=summary.forum_id,
        actor=actor_label(actor),
        kind="summary.sign_off_cleared",
        payload={"summary": summary.pk, "was_signed_off_by": member_id, "because": reason},
    )


def _touch(summary: Summary, *, actor: Actor, reason: str) -> None:
    if summary.is_signed_off:
        _clear_sign_off(summary, actor=actor, reason=reason)
    else:
        summary.save(update_fields=["updated_at"])


def _clean(*, text: str, text_cy: str, symbol: str, kind: str) -> tuple[str, str, str, str]:
    """Check a point's fields; return them tidied. Easy-read advice never blocks this."""
    text = (text or "").strip()
    text_cy = (text_cy or "").strip()
    if not text:
        raise InvalidInput(_("Please write the words for this point."))
    if not textcheck.all_storable([text, text_cy]):
        # This view reads its fields without a form, so the check is here.
        raise UnstorableText()
    if len(text) > TEXT_MAX or len(text_cy) > TEXT_MAX:
        raise InvalidInput(
            _("Please make the words shorter: %(n)s letters at most.") % {"n": TEXT_MAX}
        )
    if kind not in PointKind.values:
        raise InvalidInput(_("Please choose what this point is about from the list."))
    symbol = (symbol or "").strip() or builder.DEFAULT_SYMBOLS[kind]
    if symbol not in SYMBOLS:
        raise InvalidInput(_("Please choose a picture from the list."))
    return text, text_cy, symbol, kind


def summary_build(*, meeting: Meeting, actor: Actor = None) -> Summary:
    """Build a meeting's summary from its record, or build again one not sent yet."""
    with transaction.atomic():
        record = summary_selectors.meeting_record(meeting)
        drafts = builder.build_points(record)
        welsh = _welsh_drafts(record)
        summary, created = Summary.objects.get_or_create(
            meeting=meeting, defaults={"forum_id": meeting.forum_id}
        )
        if not created:
            summary = _locked(summary)
            _clear_sign_off(summary, actor=actor, reason="built again")
            summary.points.all().delete()
            summary.built_at = timezone.now()
            summary.save(update_fields=["built_at", "updated_at"])
        SummaryPoint.objects.bulk_create(
            SummaryPoint(
                summary=summary,
                position=n,
                kind=d.kind,
                symbol=d.symbol,
                text=d.text,
                text_cy=cy.text,
                # Words people wrote stay in English inside the Welsh: a person checks them.
                welsh_status=WelshStatus.NEEDS_CHECK if cy.quotes else WelshStatus.CHECKED,
            )
            for n, (d, cy) in enumerate(zip(drafts, welsh, strict=True), start=1)
        )
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind="summary.built",
            payload={
                "summary": summary.pk,
                "meeting": meeting.pk,
                "again": not created,
                "points": [
                    {
                        "kind": d.kind,
                        "symbol": d.symbol,
                        "text": d.text,
                        "text_cy": cy.text,
                        "welsh_needs_check": cy.quotes,
                    }
                    for d, cy in zip(drafts, welsh, strict=True)
                ],
            },
        )
    return summary


def summary_point_update(
    *,
    point: SummaryPoint,
    text: str,
    text_cy: str = "",
    symbol: str,
    kind: str,
    actor: Actor = None,
) -> SummaryPoint:
    """Change a point's words, Welsh words, kind and picture."""
    text, text_cy, symbol, kind = _clean(text=text, text_cy=text_cy, symbol=symbol, kind=kind)
    with transaction.atomic():
        summary = _locked(point.summary)
        point = _point_in(summary, point)
        if (point.text, point.text_cy, point.symbol, point.kind) == (text, text_cy, symbol, kind):
            return point
        if text_cy != point.text_cy and text_cy:
            # Whoever changed the Welsh had the English beside it.
            point.welsh_status = WelshStatus.CHECKED
        elif text != point.text or text_cy != point.text_cy:
            # The English changed and the Welsh did not (or the Welsh was cleared, so a
            # Welsh reader gets the English): it may not say the same now.
            point.welsh_status = WelshStatus.NEEDS_CHECK
        point.text, point.text_cy, point.symbol, point.kind = text, text_cy, symbol, kind
        point.save(update_fields=["text", "text_cy", "symbol", "kind", "welsh_status"])
        audit.append(
            forum_id=summary.forum_id,
            actor=actor_label(actor),
            kind="summary.point_changed",
            payload=_point_payload(point),
        )
        _touch(summary, actor=actor, reason="point changed")
    return point


def summary_point_add(
    *,
    summary: Summary,
    text: str,
    text_cy: str = "",
    kind: str = PointKind.QUESTION,
    symbol: str = "",
    actor: Actor = None,
) -> SummaryPoint:
    """Add a point at the end of a summary."""
    text, text_cy, symbol, kind = _clean(text=text, text_cy=text_cy, symbol=symbol, kind=kind)
    with transaction.atomic():
        summary = _locked(summary)
        last = summary.points.aggregate(last=Max("position"))["last"] or 0
        point = SummaryPoint.objects.create(
            summary=summary, position=last + 1, kind=kind, symbol=symbol, text=text,
            text_cy=text_cy,
            welsh_status=WelshStatus.CHECKED if text_cy else WelshStatus.NEEDS_CHECK,
        )  # fmt: skip
        audit.append(
            forum_id=summary.forum_id,
            actor=actor_label(actor),
            kind="summary.point_added",
            payload=_point_payload(point),
        )
        _touch(summary, actor=actor, reason="point added")
    return point


def summary_point_remove(*, point: SummaryPoint, actor: Actor = None) -> Summary:
    """Take a point out of a summary."""
    with transaction.atomic():
        summary = _locked(point.summary)
        point = _point_in(summary, point)
        payload = _point_payload(point)
        point.delete()
        audit.append(
            forum_id=summary.forum_id,
            actor=actor_label(actor),
            kind="summary.point_removed",
            payload=payload,
        )
        _touch(summary, actor=actor, reason="point removed")
    return summary


def summary_point_move(
    *, point: SummaryPoint, direction: Literal["up", "down"], actor: Actor = None
) -> SummaryPoint:
    """Swap a point with the one above or below it; at either end nothing changes."""
    if direction not in ("up", "down"):
        raise InvalidInput(_("Please choose up or down."))
    with transaction.atomic():
        summary = _locked(point.summary)
        point = _point_in(summary, point)
        others = summary.points.exclude(pk=point.pk)
        if direction == "up":
            neighbour = others.filter(position__lt=point.position).order_by("-position").first()
        else:
            neighbour = others.filter(position__gt=point.position).order_by("position").first()
        if neighbour is None:
            return point
        mine, theirs = point.position, neighbour.position
        # Positions are unique per summary: park one point at 0 while they swap.
        SummaryPoint.objects.filter(pk=point.pk).update(position=0)
        SummaryPoint.objects.filter(pk=neighbour.pk).update(position=mine)
        SummaryPoint.objects.filter(pk=point.pk).update(position=theirs)
        point.position = theirs
        audit.append(
            forum_id=summary.forum_id,
            actor=actor_label(actor),
            kind="summary.point_moved",
            payload={
                "summary": summary.pk,
                "point": point.pk,
                "direction": direction,
                "position": theirs,
                "swapped_with": neighbour.pk,
            },
        )
        _touch(summary, actor=actor, reason="point moved")
    return point


def summary_point_welsh(*, point: SummaryPoint, status: str, actor: Actor = None) -> SummaryPoint:
    """Say a point's Welsh is checked against its English, or is kept as it is on purpose."""
    if status not in (WelshStatus.CHECKED, WelshStatus.KEPT):
        raise InvalidInput(_("Please say: the Welsh is right, or keep it as it is."))
    with transaction.atomic():
        summary = _locked(point.summary)
        point = _point_in(summary, point)
        if point.welsh_status == status:
            return point
        point.welsh_status = status
        point.save(update_fields=["welsh_status"])
        audit.append(
            forum_id=summary.forum_id,
            actor=actor_label(actor),
            kind="summary.welsh_checked",
            payload={"summary": summary.pk, "point": point.pk, "welsh_status": status},
        )
        summary.save(update_fields=["updated_at"])
    return point


def summary_sign_off(
    *,
    summary: Summary,
    member: Member,
    note: str = "",
    confirmed: Collection[int] = (),
    actor: Actor = None,
) -> Summary:
    """Record that a member with lived experience read every point and found it clear.

    The Welsh of every point must be checked or kept on purpose, and the person signing
    off confirms each point that still has easy-read advice (`confirmed`: point ids).
    """
    note = (note or "").strip()
    if not textcheck.is_storable(note):
        raise UnstorableText()
    if len(note) > NOTE_MAX:
        raise InvalidInput(
            _("Please make the note shorter: %(n)s letters at most.") % {"n": NOTE_MAX}
        )
    with transaction.atomic():
        summary = _locked(summary)
        member = Member.objects.get(pk=member.pk)
        permissions.require(
            "summary.sign_off",
            member,
            summary,
            message=_(
                "Only a member of this forum with lived experience can check the "
                "summary and say it is clear."
            ),
        )
        if not summary.points.exists():
            raise InvalidInput(_("This summary has no points yet. Please build it first."))
        words = summary_selectors.summary_review_words(summary)
        unchecked = summary_selectors.summary_points_needing_welsh(summary)
        if unchecked:
            raise InvalidInput(
                _(
                    "The Welsh of some points needs a check first. Points: %(points)s. "
                    "Check the Welsh, or keep it as it is."
                )
                % {"points": review.numbers(words, unchecked)}
            )
        advised = set(summary_selectors.summary_points_with_findings(summary))
        missing = advised - set(confirmed)
        if missing:
            raise InvalidInput(
                _(
                    "Some points have easy-read advice. Please read it and tick each one. "
                    "Points: %(points)s."
                )
                % {"points": review.numbers(words, missing)}
            )
        summary.signed_off_by = member
        summary.signed_off_at = timezone.now()
        summary.signed_off_note = note
        summary.findings_confirmed = sorted(advised)
        summary.save(
            update_fields=[
                "signed_off_by",
                "signed_off_at",
                "signed_off_note",
                "findings_confirmed",
                "updated_at",
            ]
        )
        audit.append(
            forum_id=summary.forum_id,
            actor=actor_label(actor),
            kind="summary.signed_off",
            payload={
                "summary": summary.pk,
                "member": member.pk,
                # What they said sits beside the chain, so it can be erased.
                "note": audit.Private(note, member_id=member.pk, subject=f"summary:{summary.pk}"),
                "points": list(summary.points.order_by("position").values_list("pk", flat=True)),
                "findings_confirmed": summary.findings_confirmed,
            },
        )
    return summary
