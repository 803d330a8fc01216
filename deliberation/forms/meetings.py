"""Forms of joining a meeting and of running it from the console."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deliberation import display
from deliberation.forms.base import EASYREAD, GROUP_CHOICES, Form, normalise_code
from deliberation.models import AgendaItem, Attendance, Meeting, Member
from deliberation.selectors import forums as forum_selectors
from deliberation.services.agenda import MAX_TIMER_MINUTES


class JoinCodeForm(Form):
    code = forms.CharField(
        label=_("Type the code from the screen"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise ValidationError(_("Please type the code."))
        return code


class NameChoiceForm(Form):
    member = forms.ModelChoiceField(
        queryset=Member.objects.none(),
        empty_label=display.BLANK_CHOICE,
        error_messages={"invalid_choice": _("Please choose your name from the list.")},
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = forum_selectors.expected_participants(meeting)  # type: ignore[attr-defined]


class GuestForm(Form):
    name = forms.CharField(label=_("What is your name?"), max_length=120)
    constituency = forms.ChoiceField(
        label=_("Which group are you in?"),
        choices=GROUP_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose your group.")},
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Please write your name."))
        return name


class MeetingForm(Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs=EASYREAD)
    )
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        help_text=_("One item on each line."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, **EASYREAD}),
    )
    allow_name_choice = forms.BooleanField(
        label=_("People can pick their name from a list"),
        help_text=_("If this is off, members join with their personal card or link."),
        required=False,
        initial=True,
    )

    def clean_agenda(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]


class AgendaMoveForm(Form):
    item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(), required=False, empty_label=display.BLANK_CHOICE
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.agenda.all()  # type: ignore[attr-defined]


class AgendaAddForm(Form):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=AgendaItem.Kind.choices,
        initial=AgendaItem.Kind.TOPIC,
        required=False,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("New agenda item"),
        help_text=_("A break needs no title: it is called “Break”."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=EASYREAD),
    )
    description = forms.CharField(
        label=_("Easy-read description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, **EASYREAD}),
    )
    minutes = forms.IntegerField(
        label=_("How many minutes?"),
        help_text=_("A break needs this. The timer starts when you go to the item."),
        required=False,
        min_value=1,
        max_value=MAX_TIMER_MINUTES,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["kind"] = data.get("kind") or AgendaItem.Kind.TOPIC
        is_break = data.get("kind") == AgendaItem.Kind.BREAK
        if not data.get("title", "").strip():
            if is_break:
                data["title"] = gettext("Break")
            else:
                self.add_error("title", _("Please give the agenda item a title."))
        if is_break and data.get("minutes") is None and "minutes" not in self.errors:
            self.add_error("minutes", _("Please say how many minutes."))
        return data


class TimerForm(Form):
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=1, max_value=MAX_TIMER_MINUTES, initial=5
    )


class MeetingSettingsForm(Form):
    allow_name_choice = forms.BooleanField(
        label=_("People can pick their name from a list"), required=False
    )


class AttendanceForm(Form):
    attendance = forms.ModelChoiceField(
        queryset=Attendance.objects.none(), empty_label=display.BLANK_CHOICE
    )
    constituency = forms.ChoiceField(
        label=_("Group"), choices=[("", "—"), *GROUP_CHOICES], required=False
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendance"].queryset = Attendance.objects.filter(  # type: ignore[attr-defined]
            meeting=meeting
        ).select_related("member", "meeting")


class MarkPresentForm(Form):
    """Pick a member who is in the room without a phone."""

    member = forms.ModelChoiceField(
        queryset=Member.objects.none(), label=_("Name"), empty_label=display.BLANK_CHOICE
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (  # type: ignore[attr-defined]
            Member.objects.filter(forum_id=meeting.forum_id, is_active=True, is_guest=False)
            .exclude(attendance__meeting=meeting, attendance__status=Attendance.Status.PRESENT)
            .order_by("name")
        )


class RecapForm(Form):
    shown = forms.BooleanField(required=False)
