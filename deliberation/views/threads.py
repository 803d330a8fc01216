"""Who is here in a forum's threads and votes between meetings, and what each page shows.

Participants have no account: their personal invite link tells this browser who they
are in the forum (identity.remember_forum_member); facilitators sign in.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from deliberation import display, identity, permissions
from deliberation.models import Forum, Member


def thread_forum(slug: str) -> Forum:
    """Return the forum with this short name, or 404."""
    return get_object_or_404(Forum, slug=slug)


def viewer(request: HttpRequest, forum: Forum) -> identity.Principal:
    """Return who is asking in the forum; refuse (403) anyone outside it.

    The forum member comes from a login or a personal link (identity.Principal.member),
    never from a name picked at a meeting; with it, every rule and service is given this
    principal.
    """
    principal = identity.principal_for_request(request, forum=forum)
    if not permissions.can("proposal.read", principal, forum):
        raise PermissionDenied
    return principal


def member_of(who: identity.Principal) -> Member:
    """Return the forum member of a principal that viewer() let in."""
    assert who.member is not None
    return who.member


def tabs(forum: Forum, who: identity.Principal, current: str) -> dict[str, Any]:
    """Return what every thread page shows: the forum, who is here, the tabs they may use."""
    return {
        "forum": forum,
        "me": member_of(who),
        "me_group": display.group_label(member_of(who).constituency),
        "tab": current,
        "is_lead": permissions.can("proposal.change_status", who, forum),
        "can_write": permissions.can("proposal.create", who, forum),
    }


class Invalid(Exception):
    """A proposal action's form with a mistake; the proposal is shown again with it."""

    def __init__(self, message: str, **bound: Any) -> None:
        super().__init__(message)
        self.message = message
        self.bound = bound
