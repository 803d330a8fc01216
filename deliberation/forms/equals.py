"""Forms of meeting as equals: cards from the phone, the speaking queue on the console."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation import display
from deliberation.forms.base import Form
from deliberation.models import Attendance, Meeting, Member, Role


class CardForm(Form):
    kind = forms.ChoiceField(
        choices=list(display.CARDS.items()),
        error_messages={"invalid_choice": _("That card is not known.")},
    )
    # Ticked on the page: a card is anonymous unless the person takes the tick away.
    hide_name = forms.BooleanField(label=_("Don't show my name"), required=False)


class SpeakerForm(Form):
    member = forms.ModelChoiceField(
        label=_("Who speaks"),
        queryset=Member.objects.none(),
        error_messages={"invalid_choice": _("That person is not here.")},
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        present = Attendance.objects.filter(
            meeting=meeting, status=Attendance.Status.PRESENT
        ).values("member_id")
        self.fields["member"].queryset = Member.objects.filter(  # type: ignore[attr-defined]
            pk__in=present, is_active=True
        ).exclude(role=Role.OBSERVER)


class SpeakingSettingsForm(Form):
    lived_experience_first = forms.BooleanField(
        label=_("People with lived experience speak first"), required=False
    )
    show_names = forms.BooleanField(label=_("Show names on the projector"), required=False)
    time_limit = forms.ChoiceField(
        label=_("Time to speak"),
        choices=[(str(s), label) for s, label in display.TIME_LIMITS],
        required=False,
    )

    def clean_time_limit(self) -> int | None:
        """Return the seconds to speak, or None for no limit."""
        return int(self.cleaned_data["time_limit"] or 0) or None
