"""'You said, we did': the actions that follow a decision, and their progress."""

import datetime
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import audit, identity, permissions, photos
from deliberation.exceptions import InvalidInput
from deliberation.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Decision,
    Forum,
    Meeting,
    Member,
)
from deliberation.selectors import record as record_selectors
from deliberation.services import notifications
from deliberation.services.common import Actor, actor_label, announce_change
from deliberation.services.proposals import PhotoInput

DESCRIPTION_MAX = 600
NOTE_MAX = 4_000
OWNER_MAX = 120


def _text(value: str, *, limit: int, missing: str = "") -> str:
    value = value.strip()
    if missing and not value:
        raise InvalidInput(missing)
    if len(value) > limit:
        raise InvalidInput(_("Please make this shorter: %(n)s letters at most.") % {"n": limit})
    return value


def _what_and_when(description: str, due_on: datetime.date) -> str:
    """Return what will be done, cleaned; refuse it missing or too long, or no date."""
    description = _text(
        description,
        limit=DESCRIPTION_MAX,
        missing=_("Please say in easy words what will be done."),
    )
    if not isinstance(due_on, datetime.date):
        raise InvalidInput(_("Please give the date it will be done by."))
    return description


def _owner(decision: Decision, owner: Member | None, owner_name: str) -> tuple[Member | None, str]:
    if owner is not None:
        if owner.forum_id != decision.forum_id:
            raise InvalidInput(_("That person is not a member of this forum."))
        return owner, owner.name
    name = " ".join(owner_name.split())
    if not name:
        raise InvalidInput(_("Please say who will do it: a member, or a team or service."))
    if len(name) > OWNER_MAX:
        raise InvalidInput(_("Please make the name shorter."))
    return None, name


def _require(principal: identity.Principal | None, rule: str, target: Any, forum_id: int) -> None:
    """Check again, under the change's lock, that whoever asks may do this.

    The page checked first; this check sees the row and the person as they are now (an
    action done or stopped meanwhile, a member who left). No principal: a trusted caller
    (a management command, the seed data).
    """
    if principal is None:
        return
    principal = identity.refreshed(principal)
    if permissions.can("forum.facilitate", principal, Forum.objects.get(pk=forum_id)):
        return
    permissions.require(rule, principal, target)


def _payload(action: Action) -> dict[str, Any]:
    return {
        "action": action.pk,
        "decision": action.decision_id,
        "description": action.description,
        "owner": action.owner_id,
        # A member's name sits beside the chain, so it can be erased.
        "owner_name": (
            audit.Private(action.owner_name, member_id=action.owner_id)
            if action.owner_id
            else action.owner_name
        ),
        "due_on": action.due_on.isoformat(),
        "status": action.status,
    }


def _refresh_recaps(forum_id: int) -> None:
    """Send the new 'last time' recap to any open meeting of the forum showing it."""
    for meeting in Meeting.objects.filter(
        forum_id=forum_id, status=Meeting.Status.OPEN, recap_shown=True
    ):
        announce_change(
            meeting.pk, "recap.changed", {"recap": record_selectors.meeting_recap(meeting)}
        )


def action_create(
    *,
    decision: Decision,
    description: str,
    due_on: datetime.date,
    owner: Member | None = None,
    owner_name: str = "",
    created_by: Member | None = None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Action:
    """Add what someone will do because of a decision, and by when."""
    description = _what_and_when(description, due_on)
    owner, owner_name = _owner(decision, owner, owner_name)
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        _require(principal, "action.manage", decision, decision.forum_id)
        action = Action.objects.create(
            decision=decision,
            forum_id=decision.forum_id,
            description=description,
            owner=owner,
            owner_name=owner_name,
            due_on=due_on,
            created_by=created_by,
        )
        audit.append(
            forum_id=decision.forum_id,
            actor=actor_label(actor or created_by),
            kind="action.created",
            payload={**_payload(action), **audit.binding(action)},
        )
        notifications.queue_for_action(action, exclude=created_by)
        _refresh_recaps(decision.forum_id)
    return action


def action_edit(
    *,
    action: Action,
    description: str,
    due_on: datetime.date,
    owner: Member | None = None,
    owner_name: str = "",
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Action:
    """Correct what an action is, who does it or by when; its progress stays as it is."""
    description = _what_and_when(description, due_on)
    with transaction.atomic():
        action = Action.objects.select_for_update().select_related("decision").get(pk=action.pk)
        _require(principal, "action.manage", action, action.forum_id)
        owner, owner_name = _owner(action.decision, owner, owner_name)
        before = _payload(action)
        action.description = description
        action.owner = owner
        action.owner_name = owner_name
        action.due_on = due_on
        action.save(update_fields=["description", "owner", "owner_name", "due_on"])
        after = _payload(action)
        audit.append(
            forum_id=action.forum_id,
            actor=actor_label(actor),
            kind="action.edited",
            payload={
                **after,
                "changed": sorted(k for k in after if after[k] != before[k]),
                **audit.binding(action),
            },
        )
        notifications.queue_for_action(action)
        _refresh_recaps(action.forum_id)
    return action


def action_progress_add(
    *,
    action: Action,
    note: str,
    status: str | None = None,
    what_helped: str = "",
    what_got_in_the_way: str = "",
    photo: PhotoInput | None = None,
    author: Member | None = None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> ActionUpdate:
    """Add a progress note to an action, moving it on to a new status if one is given.

    Stopping an action needs its reason: the note says why, and is kept as the
    action's reason. Who may make which change is permissions.action_change_rule's to
    say; with a principal it is checked again here, under the action's lock. A photo is
    re-encoded so no location or other metadata stays, and its SHA-256 goes into the
    audit event.
    """
    note = _text(note, limit=NOTE_MAX, missing=_("Please write what happened."))
    what_helped = _text(what_helped, limit=NOTE_MAX)
    what_got_in_the_way = _text(what_got_in_the_way, limit=NOTE_MAX)
    if status is not None and status not in ActionStatus.values:
        raise InvalidInput(_("Please choose where the action is now."))
    description = photos.describe(photo.description) if photo is not None else ""
    clean = photos.reencode(photo.file, size=photo.size) if photo is not None else None
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        _require(principal, permissions.action_change_rule(action, status), action, action.forum_id)
        before = action.status
        after = status or before
        update = ActionUpdate(
            action=action,
            note=note,
            status_before=before,
            status_after=after,
            what_helped=what_helped,
            what_got_in_the_way=what_got_in_the_way,
            photo_description=description,
            author=author,
        )
        if clean is not None:
            data = clean.content.read()
            clean.content.seek(0)
            update.photo_sha256 = hashlib.sha256(data).hexdigest()
            update.photo.save(f"photo.{clean.extension}", clean.content, save=False)
        update.save()
        if after != before:
            action.status = after
            action.status_changed_at = timezone.now()
            action.dropped_reason = note if after == ActionStatus.DROPPED else ""
            action.save(update_fields=["status", "status_changed_at", "dropped_reason"])

        # The author's words sit beside the chain, so they can be erased.
        def words(text: str) -> audit.Private:
            return audit.Private(
                text, member_id=author.pk if author else None, subject=f"action_update:{update.pk}"
            )

        audit.append(
            forum_id=action.forum_id,
            actor=actor_label(actor or author),
            kind="action.progress",
            payload={
                "action": action.pk,
                "decision": action.decision_id,
                "update": update.pk,
                "note": words(note),
                "status_before": before,
                "status_after": after,
                "what_helped": words(what_helped),
                "what_got_in_the_way": words(what_got_in_the_way),
                "photo_sha256": update.photo_sha256 or None,
                "photo_description": description,
                "author": author.pk if author else None,
                **audit.binding(action, update),
            },
        )
        notifications.queue_for_action(action, exclude=author)
        _refresh_recaps(action.forum_id)
    return update
