"""Forms of the record: decisions, actions and their progress, vote codes."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from deliberation import display, merkle
from deliberation.forms.base import EASYREAD, Form
from deliberation.forms.photos import PhotoForm
from deliberation.models import Action, ActionStatus, Decision, Forum, Meeting, Member, Poll


class DecisionForm(Form):
    poll = forms.ModelChoiceField(
        label=_("Vote"),
        queryset=Poll.objects.none(),
        required=False,
        empty_label=_("No vote: a decision from discussion"),
    )
    outcome = forms.CharField(
        label=_("What we decided"), widget=forms.Textarea(attrs={"rows": 3, **EASYREAD})
    )
    outcome_easy_read = forms.CharField(
        label=_("What we decided, in easy read"),
        help_text=_("Short sentences and everyday words. This goes on the projector."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, **EASYREAD}),
    )
    rationale = forms.CharField(
        label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 3, **EASYREAD})
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        polls = Poll.objects.filter(meeting=meeting)
        if not self.is_bound:
            # Offer only the votes still waiting for a decision; decision_record explains
            # in plain words why any other vote cannot have one.
            polls = polls.filter(status=Poll.Status.CLOSED, decision__isnull=True)
        self.fields["poll"].queryset = polls  # type: ignore[attr-defined]


class ActionForm(Form):
    decision = forms.ModelChoiceField(
        queryset=Decision.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("We could not find that decision.")},
    )
    description = forms.CharField(
        label=_("What will be done, in easy words"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 2, **EASYREAD}),
    )
    owner = forms.ModelChoiceField(
        label=_("Who will do it"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("Someone who is not a member (write below)"),
    )
    owner_name = forms.CharField(
        label=_("Or the team or service that will do it"), required=False, max_length=120
    )
    due_on = forms.DateField(
        label=_("By when"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(
        self, *args: Any, forum: Forum, decisions: QuerySet[Decision], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions  # type: ignore[attr-defined]
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            Member.objects.filter(forum=forum, is_active=True, is_guest=False).order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("owner") and not (data.get("owner_name") or "").strip():
            self.add_error("owner", _("Please say who will do it: a member, or a team or service."))
        return data


class ActionProgressForm(PhotoForm):
    note = forms.CharField(
        label=_("What happened?"),
        help_text=_("If you stop the action, say why here."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, **EASYREAD}),
    )
    status = forms.ChoiceField(label=_("Where is it now?"), required=False)
    what_helped = forms.CharField(
        label=_("What helped?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, **EASYREAD}),
    )
    what_got_in_the_way = forms.CharField(
        label=_("What got in the way?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, **EASYREAD}),
    )

    field_order = ["note", "status", "what_helped", "what_got_in_the_way", "photo"]

    def __init__(self, *args: Any, action: Action, may_manage: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Stopping an action or opening a finished one again is a facilitator's choice.
        allowed = list(ActionStatus.values) if may_manage else ["in_progress", "done"]
        if not action.is_open and not may_manage:
            allowed = []
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("No change: %(now)s") % {"now": display.ACTION_STATUSES[action.status]})
        ] + [(k, display.ACTION_STATUSES[k]) for k in allowed if k != action.status]


class DecisionLogFilterForm(Form):
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Any meeting"),
    )
    status = forms.ChoiceField(
        label=_("What happened since"),
        required=False,
        choices=[("", _("Anything")), *display.DECISION_STATUSES.items()],
    )
    since = forms.DateField(
        label=_("Decided from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("Decided until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, forum: Forum, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (  # type: ignore[attr-defined]
            Meeting.objects.filter(forum=forum, decisions__isnull=False)
            .distinct()
            .order_by("-starts_at", "-created_at")
        )

    def filters(self) -> dict[str, Any]:
        """Return the filters as record_selectors.decision_log takes them; none if not valid."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class ReceiptCheckForm(Form):
    code = forms.CharField(
        label=_("Your vote code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = merkle.normalise_code(self.cleaned_data["code"])
        if not code:
            raise ValidationError(
                _("A vote code has 8 letters and numbers, like 7KQ2-M9XD. Please check it.")
            )
        return code


class CheckBackForm(Form):
    decision = forms.ModelChoiceField(
        queryset=Decision.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("We could not find that decision.")},
    )
    method = forms.ChoiceField(
        label=_("How people answer"),
        choices=[
            ("traffic_light", _("Traffic light: agree, not sure, disagree")),
            ("yes_no", _("Yes or no")),
        ],
        initial="traffic_light",
    )

    def __init__(self, *args: Any, forum: Forum, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = Decision.objects.filter(  # type: ignore[attr-defined]
            forum=forum
        )
