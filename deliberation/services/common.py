"""Small pieces shared by the services."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F
from django.utils.translation import gettext as _

from deliberation import identity, permissions, realtime
from deliberation.models import Forum, Meeting, Member

Actor = Member | AbstractBaseUser | AnonymousUser | str | None


def actor_label(actor: Actor) -> str:
    """Describe who made a change, for the audit record."""
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    if isinstance(actor, Member):
        return f"member:{actor.pk}"
    if getattr(actor, "is_authenticated", False):
        return f"user:{actor.pk}"
    return "anonymous"


def recheck(
    principal: identity.Principal | None, rule: str, target: Any, message: str | None = None
) -> None:
    """Check the rule again under the change's lock, with the person as they are now.

    The page or socket checked first; between that check and the lock a facilitator may
    have been made a participant, or a member may have left. No principal: a trusted
    caller (a management command, the seed data, a test building data).
    """
    if principal is None:
        return
    permissions.require(rule, identity.refreshed(principal), target, message)


def recheck_facilitator(principal: identity.Principal | None, rule: str, target: Any) -> None:
    """Check a facilitator's rule again under the change's lock (see recheck)."""
    recheck(principal, rule, target, _("Only a facilitator can do this."))


def recheck_forum_facilitator(principal: identity.Principal | None, forum_id: int) -> None:
    """Check again under the change's lock that the principal facilitates the forum.

    The forum is read only when there is a principal, and apart from the locked row, so
    a trusted caller costs no query and the row's cached forum is not read early.
    """
    if principal is not None:
        recheck_facilitator(principal, "forum.facilitate", Forum.objects.get(pk=forum_id))


def bump_version(meeting_id: int) -> int:
    """Increase a meeting's version and return the new value; call inside the change."""
    Meeting.objects.filter(pk=meeting_id).update(version=F("version") + 1)
    return Meeting.objects.values_list("version", flat=True).get(pk=meeting_id)


def announce_change(meeting_id: int, event_type: str, data: dict[str, Any]) -> int:
    """Bump the meeting's version and broadcast the change after commit."""
    version = bump_version(meeting_id)
    realtime.announce(meeting_id, {"type": event_type, "version": version, **data})
    return version


def announce_console(
    meeting_id: int, event_type: str, data: dict[str, Any], *, audience: str = "console"
) -> None:
    """Tell only the projector and facilitator, after commit, without a new version.

    Phones never need these (who joined, draft polls), and 1,000 phones each told of
    1,000 arrivals would be a million messages.
    """
    realtime.announce(meeting_id, {"type": event_type, **data}, audience=audience)
