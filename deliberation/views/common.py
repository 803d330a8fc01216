"""Small helpers shared by the page views."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from deliberation import identity, permissions
from deliberation.exceptions import DomainError
from deliberation.models import AgendaItem, Forum, Meeting, Member

# What a form's action returns: the message to show (none if empty) and where to go, as an
# address or a response made ready (to set a cookie on it).
Done = tuple[str, str | HttpResponse]


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


def phone_meeting(request: HttpRequest, meeting_id: int) -> tuple[Meeting, Member | None]:
    """Return the meeting (404 if there is none) and this phone's member in it, or None.

    One query for both (identity.meeting_and_member); the member only if present.
    """
    meeting, member = identity.meeting_and_member(request.session, meeting_id)
    if meeting is None:
        raise Http404
    return meeting, member


def pick_poll(snapshot: dict[str, Any]) -> tuple[dict[str, Any] | None, bool]:
    """Choose the poll a screen shows: the open one, else the last closed one of this item.

    state.mjs (pickPoll) makes the same choice from the same state.
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


def question_item(snapshot: dict[str, Any]) -> dict[str, Any] | None:
    """Return the agenda item a phone shows above its question, from a snapshot.

    The open vote's own item (what the vote is about, even if the meeting moved on
    while it is open), else the meeting's. state.mjs (questionItem) chooses the same.
    """
    open_poll = next((p for p in snapshot["polls"] if p["status"] == "open"), None)
    wanted = snapshot["meeting"]["current_item"]
    if open_poll is not None and open_poll["agenda_item"] is not None:
        wanted = open_poll["agenda_item"]
    return next((item for item in snapshot["agenda"] if item["id"] == wanted), None)


def item_in_meeting(item: AgendaItem | None, meeting_id: int) -> bool:
    return item is None or item.meeting_id == meeting_id


def first_error(form: forms.BaseForm) -> str:
    """Return the form's first error, to show at the top of the page."""
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return _("Please check the form.")


@dataclass(frozen=True)
class Posted:
    """What a page's form came to: a redirect once done, else the error and status to show."""

    response: HttpResponse | None = None
    error: str = ""
    status: int = 200


def handle_post(
    request: HttpRequest,
    form: forms.BaseForm | Sequence[forms.BaseForm],
    action: Callable[[dict[str, Any]], Done],
    *,
    error_on_form: bool = False,
    not_allowed_status: int = 400,
) -> Posted:
    """Check a POSTed form, then do its action through a service; say what happened.

    The action is given the first form's cleaned data and returns (message, where to go).
    A form with a mistake, or a DomainError from the service, gives the error in plain
    words with status 400 (a refusal: not_allowed_status), and error_on_form also shows
    the service's error on the form. A GET does nothing.
    """
    if request.method != "POST":
        return Posted()
    checked = [form] if isinstance(form, forms.BaseForm) else list(form)
    for each in checked:
        if not each.is_valid():
            return Posted(error=first_error(each), status=400)
    try:
        message, to = action(checked[0].cleaned_data if checked else {})
    except DomainError as exc:
        if error_on_form and checked:
            checked[0].add_error(None, exc.message)
        status = not_allowed_status if exc.code == "not_allowed" else 400
        return Posted(error=exc.message, status=status)
    if message:
        messages.success(request, message)
    return Posted(response=to if isinstance(to, HttpResponse) else redirect(to))
