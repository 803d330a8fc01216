"""Meeting as equals without JavaScript: hands up and cards from the phone, the queue on
the console. Each is a plain form through the same service the socket calls."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation import identity, throttle
from deliberation.exceptions import DomainError, InvalidInput
from deliberation.forms.equals import CardForm, SpeakerForm, SpeakingSettingsForm
from deliberation.models import Meeting, Member
from deliberation.services import equals as equals_services
from deliberation.views.common import facilitator_forum, first_error, phone_meeting

# -- the phone ---------------------------------------------------------------------------


def _hand_raise(request: HttpRequest, meeting: Meeting, member: Member, device: str) -> str:
    equals_services.hand_raise(meeting=meeting, member=member, device_token=device)
    return _("Your hand is up. The facilitator will ask you to speak.")


def _hand_lower(request: HttpRequest, meeting: Meeting, member: Member, device: str) -> str:
    equals_services.hand_lower(meeting=meeting, member=member, device_token=device)
    return _("Your hand is down.")


def _card(request: HttpRequest, meeting: Meeting, member: Member, device: str) -> str:
    form = CardForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(first_error(form))
    equals_services.card_show(
        meeting=meeting,
        member=member,
        kind=form.cleaned_data["kind"],
        anonymous=form.cleaned_data["hide_name"],
        device_token=device,
    )
    return _("Your card is shown.")


PHONE_ACTIONS: dict[str, Callable[[HttpRequest, Meeting, Member, str], str]] = {
    "hand_raise": _hand_raise,
    "hand_lower": _hand_lower,
    "card": _card,
}


@require_POST
@throttle.throttle(throttle.EQUALS_PRESSES)
def phone_action(request: HttpRequest, meeting_id: int, action: str) -> HttpResponse:
    """Put a hand up or down, or show a card, from a phone without JavaScript."""
    handler = PHONE_ACTIONS.get(action)
    if handler is None:
        raise Http404
    meeting, member = phone_meeting(request, meeting_id)
    if member is None:
        return redirect("deliberation:join_meeting", code=meeting.join_code)
    device = str(request.session.get(identity.SESSION_DEVICE, ""))
    try:
        message = handler(request, meeting, member, device)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect(reverse("deliberation:phone", args=[meeting.pk]) + "#equals")


# -- the console -------------------------------------------------------------------------


def _asker(request: HttpRequest, meeting: Meeting) -> identity.Principal:
    return identity.Principal(user=request.user, forum_id=meeting.forum_id)


def _speaker(request: HttpRequest, meeting: Meeting) -> Member:
    form = SpeakerForm(request.POST, meeting=meeting)
    if not form.is_valid():
        raise InvalidInput(first_error(form))
    member: Member = form.cleaned_data["member"]
    return member


def _start(request: HttpRequest, meeting: Meeting) -> str:
    member = _speaker(request, meeting)
    equals_services.speaking_start(
        meeting=meeting, member=member, actor=request.user, principal=_asker(request, meeting)
    )
    return _("%(name)s is speaking now.") % {"name": member.name}


def _finish(request: HttpRequest, meeting: Meeting) -> str:
    equals_services.speaking_finish(
        meeting=meeting, actor=request.user, principal=_asker(request, meeting)
    )
    return _("The turn is finished.")


def _lower(request: HttpRequest, meeting: Meeting) -> str:
    member = _speaker(request, meeting)
    equals_services.hand_lower(
        meeting=meeting, member=member, actor=request.user, principal=_asker(request, meeting)
    )
    return _("%(name)s is off the list.") % {"name": member.name}


def _clear(request: HttpRequest, meeting: Meeting) -> str:
    equals_services.cards_clear(
        meeting=meeting, actor=request.user, principal=_asker(request, meeting)
    )
    return _("The cards are cleared.")


def _settings(request: HttpRequest, meeting: Meeting) -> str:
    form = SpeakingSettingsForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(first_error(form))
    data = form.cleaned_data
    equals_services.speaking_settings_set(
        meeting=meeting,
        lived_experience_first=data["lived_experience_first"],
        show_names=data["show_names"],
        time_limit=data["time_limit"],
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("The settings are saved.")


CONSOLE_ACTIONS: dict[str, Callable[[HttpRequest, Meeting], str]] = {
    "start": _start,
    "finish": _finish,
    "lower": _lower,
    "clear": _clear,
    "settings": _settings,
}


@login_required
@require_POST
def console_action(request: HttpRequest, slug: str, meeting_id: int, action: str) -> HttpResponse:
    """Start or finish a turn, take a hand down, clear the cards, or change the settings."""
    forum = facilitator_forum(request, slug)
    handler = CONSOLE_ACTIONS.get(action)
    if handler is None:
        raise Http404
    meeting = get_object_or_404(Meeting, pk=meeting_id, forum=forum)
    try:
        message = handler(request, meeting)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect(reverse("deliberation:console", args=[forum.slug, meeting.pk]) + "#speaking")
