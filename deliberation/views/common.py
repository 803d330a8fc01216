"""Small helpers shared by the page views."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from deliberation import identity, permissions
from deliberation.models import AgendaItem, Forum, Member


def facilitator_forum(request: HttpRequest, slug: str) -> Forum:
    """Return the forum, or refuse (403) anyone who does not facilitate it."""
    forum = get_object_or_404(Forum, slug=slug)
    # A facilitator's powers come from their login only, never from a link or a join.
    if not permissions.can("forum.facilitate", identity.Principal(user=request.user), forum):
        raise PermissionDenied
    return forum


def acting_member(request: HttpRequest, forum: Forum) -> Member | None:
    """Return the signed-in user's member record in this forum, if they have one.

    From the login only: a personal link or a name picked at a meeting never makes
    someone the one who entered a count or recorded a decision.
    """
    if not request.user.is_authenticated:
        return None
    return Member.objects.filter(forum=forum, user=request.user).first()


def pick_poll(snapshot: dict[str, Any]) -> tuple[dict[str, Any] | None, bool]:
    """Choose the poll a screen shows: the open one, else the last closed one of this item.

    live.js (pickPoll) makes the same choice from the same state.
    """
    polls = snapshot["polls"]
    for poll in polls:
        if poll["status"] == "open":
            return poll, True
    current = snapshot["meeting"]["current_item"]
    closed = [p for p in polls if p["status"] == "closed" and p["agenda_item"] == current]
    if closed:
        return max(closed, key=lambda p: p["id"]), False
    return None, False


def current_item(snapshot: dict[str, Any]) -> dict[str, Any] | None:
    """Return the agenda item the meeting is at, from a snapshot."""
    current = snapshot["meeting"]["current_item"]
    return next((item for item in snapshot["agenda"] if item["id"] == current), None)


def item_in_meeting(item: AgendaItem | None, meeting_id: int) -> bool:
    return item is None or item.meeting_id == meeting_id
