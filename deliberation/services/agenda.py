"""A meeting's agenda: add items, move the meeting between them, and run their timers."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import audit, identity
from deliberation.exceptions import InvalidInput, MeetingNotOpen
from deliberation.models import AgendaItem, Meeting
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services.common import (
    Actor,
    actor_label,
    announce_change,
    recheck_forum_facilitator,
)


def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    description: str = "",
    kind: str = AgendaItem.Kind.TOPIC,
    minutes: int | None = None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> AgendaItem:
    """Add an item (a topic or a break, with its minutes if timed) at the end of the agenda."""
    if not title.strip():
        raise InvalidInput(_("Please give the agenda item a title."))
    if kind not in AgendaItem.Kind.values:
        raise InvalidInput(_("Please choose what kind of agenda item this is."))
    _check_minutes(minutes, required=kind == AgendaItem.Kind.BREAK)
    if meeting.status == Meeting.Status.CLOSED:
        raise MeetingNotOpen(_("This meeting has finished."))
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        recheck_forum_facilitator(principal, meeting.forum_id)
        last = meeting.agenda.aggregate(last=Max("position"))["last"] or 0
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=last + 1,
            title=title.strip(),
            description=description,
            kind=kind,
            minutes=minutes,
        )
        payload = {"meeting": meeting.pk, "item": item.pk, "title": item.title}
        if kind != AgendaItem.Kind.TOPIC or minutes is not None:
            payload.update(kind=kind, minutes=minutes)
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind="agenda.item_added",
            payload=payload,
        )
        announce_change(
            meeting.pk, "agenda.changed", {"agenda": meeting_selectors.agenda_list(meeting)}
        )
    return item


def agenda_move(
    *,
    meeting: Meeting,
    item: AgendaItem | None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Meeting:
    """Move the meeting to an agenda item; every screen follows.

    An item with minutes (a break, say) starts its timer, unless it is running already.
    """
    if item is not None and item.meeting_id != meeting.pk:
        raise InvalidInput(_("That agenda item belongs to another meeting."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        recheck_forum_facilitator(principal, meeting.forum_id)
        if meeting.status != Meeting.Status.OPEN:
            raise MeetingNotOpen()
        payload: dict[str, object] = {"meeting": meeting.pk, "item": item.pk if item else None}
        started = False
        if item is not None:
            item = AgendaItem.objects.select_for_update().get(pk=item.pk)
            now = timezone.now()
            if item.minutes and (item.ends_at is None or item.ends_at <= now):
                item.ends_at = now + datetime.timedelta(minutes=item.minutes)
                item.save(update_fields=["ends_at"])
                payload["ends_at"] = item.ends_at.isoformat()
                started = True
        meeting.current_item = item
        meeting.save(update_fields=["current_item"])
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind="agenda.moved",
            payload=payload,
        )
        if started:
            # The agenda (with the timer's end) first, so a screen that moves on finds it.
            announce_change(
                meeting.pk, "agenda.changed", {"agenda": meeting_selectors.agenda_list(meeting)}
            )
        meeting.version = announce_change(
            meeting.pk, "agenda.moved", {"current_item": item.pk if item else None}
        )
    return meeting


# A timer runs for at most this long from now: a meeting day, not a typing slip.
MAX_TIMER_MINUTES = 240


TIMER_EVENTS = {
    "start": "agenda.timer_started",
    "add": "agenda.timer_added",
    "stop": "agenda.timer_stopped",
}


def _check_minutes(minutes: int | None, *, required: bool = False) -> None:
    if minutes is None:
        if required:
            raise InvalidInput(_("Please say how many minutes."))
        return
    if isinstance(minutes, bool) or not 1 <= minutes <= MAX_TIMER_MINUTES:
        raise InvalidInput(
            _("Please give a number of minutes from 1 to %(most)s.") % {"most": MAX_TIMER_MINUTES}
        )


def _change_timer(
    *,
    meeting: Meeting,
    change: str,
    minutes: int | None,
    actor: Actor,
    principal: identity.Principal | None,
) -> AgendaItem:
    """Start, lengthen or stop the current item's timer; the server keeps its end time."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        recheck_forum_facilitator(principal, meeting.forum_id)
        if meeting.status != Meeting.Status.OPEN:
            raise MeetingNotOpen()
        if meeting.current_item_id is None:
            raise InvalidInput(_("Please go to an agenda item first."))
        item = AgendaItem.objects.select_for_update().get(pk=meeting.current_item_id)
        now = timezone.now()
        running = item.ends_at is not None and item.ends_at > now
        if change == "start":
            item.ends_at = now + datetime.timedelta(minutes=minutes or 0)
        elif change == "add":
            # More time for a timer that ran out starts again from now.
            base = item.ends_at if running and item.ends_at is not None else now
            item.ends_at = base + datetime.timedelta(minutes=minutes or 0)
            if item.ends_at - now > datetime.timedelta(minutes=MAX_TIMER_MINUTES):
                raise InvalidInput(
                    _("A timer can run for at most %(most)s minutes.") % {"most": MAX_TIMER_MINUTES}
                )
        else:
            if item.ends_at is None:
                raise InvalidInput(_("There is no timer to stop."))
            item.ends_at = None
        item.save(update_fields=["ends_at"])
        payload: dict[str, object] = {
            "meeting": meeting.pk,
            "item": item.pk,
            "ends_at": item.ends_at.isoformat() if item.ends_at else None,
        }
        if minutes is not None:
            payload["minutes"] = minutes
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind=TIMER_EVENTS[change],
            payload=payload,
        )
        announce_change(
            meeting.pk, "agenda.changed", {"agenda": meeting_selectors.agenda_list(meeting)}
        )
    return item


def agenda_timer_start(
    *,
    meeting: Meeting,
    minutes: int,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> AgendaItem:
    """Start (or start again) the current agenda item's timer for this many minutes."""
    _check_minutes(minutes, required=True)
    return _change_timer(
        meeting=meeting, change="start", minutes=minutes, actor=actor, principal=principal
    )


def agenda_timer_add(
    *,
    meeting: Meeting,
    minutes: int,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> AgendaItem:
    """Give the current agenda item's timer more minutes."""
    _check_minutes(minutes, required=True)
    return _change_timer(
        meeting=meeting, change="add", minutes=minutes, actor=actor, principal=principal
    )


def agenda_timer_stop(
    *,
    meeting: Meeting,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> AgendaItem:
    """Stop the current agenda item's timer; the screens stop counting down."""
    return _change_timer(
        meeting=meeting, change="stop", minutes=None, actor=actor, principal=principal
    )
