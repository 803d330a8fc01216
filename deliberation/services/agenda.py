"""A meeting's agenda: add items and move the meeting between them."""

from django.db import transaction
from django.db.models import Max
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
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> AgendaItem:
    """Add an item at the end of a meeting's agenda."""
    if not title.strip():
        raise InvalidInput(_("Please give the agenda item a title."))
    if meeting.status == Meeting.Status.CLOSED:
        raise MeetingNotOpen(_("This meeting has finished."))
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        recheck_forum_facilitator(principal, meeting.forum_id)
        last = meeting.agenda.aggregate(last=Max("position"))["last"] or 0
        item = AgendaItem.objects.create(
            meeting=meeting, position=last + 1, title=title.strip(), description=description
        )
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind="agenda.item_added",
            payload={"meeting": meeting.pk, "item": item.pk, "title": item.title},
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
    """Move the meeting to an agenda item; every screen follows."""
    if item is not None and item.meeting_id != meeting.pk:
        raise InvalidInput(_("That agenda item belongs to another meeting."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        recheck_forum_facilitator(principal, meeting.forum_id)
        if meeting.status != Meeting.Status.OPEN:
            raise MeetingNotOpen()
        meeting.current_item = item
        meeting.save(update_fields=["current_item"])
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind="agenda.moved",
            payload={"meeting": meeting.pk, "item": item.pk if item else None},
        )
        meeting.version = announce_change(
            meeting.pk, "agenda.moved", {"current_item": item.pk if item else None}
        )
    return meeting
