"""Forms of votes: ballots, polls in a meeting, hand counts, votes between meetings."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from deliberation import display, methods
from deliberation.forms.base import CHOOSE, EASYREAD, GROUP_CHOICES, Form
from deliberation.models import AgendaItem, Forum, Meeting, Member, Poll, ResultsShown, Weighting
from deliberation.services.polls import POLL_SETTINGS, OptionInput


class BallotForm(Form):
    """One answer to one poll, for any voting method; ballot_cast checks the answer itself."""

    client_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The vote had no valid id. Please try again."),
            "invalid": _("The vote had no valid id. Please try again."),
        },
    )

    def __init__(
        self,
        *args: Any,
        poll: Poll,
        supports: list[Member] | None = None,
        paper: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_id", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.option_keys = [o.key for o in poll.options.all()]
        method = poll.method
        if method in methods.SINGLE_CHOICE:
            self.fields["choice"] = forms.ChoiceField(
                choices=[(k, display.CHOICES.get(k, k)) for k in self.option_keys],
                widget=forms.RadioSelect,
                error_messages=CHOOSE,
            )
            if method == "consent":
                self.fields["reason"] = forms.CharField(
                    required=False, max_length=methods.MAX_REASON_LENGTH, widget=forms.Textarea
                )
        elif method == "dots":
            for key in self.option_keys:
                # ballot_cast says in plain words what is wrong with the dots given.
                self.fields[f"dots_{key}"] = forms.IntegerField(
                    required=False,
                    error_messages={"invalid": _("Please give dots as whole numbers.")},
                )
        elif method == "ranked":
            places = [("", _("Not ranked"))] + [
                (str(n), display.ordinal(n)) for n in range(1, len(self.option_keys) + 1)
            ]
            for key in self.option_keys:
                self.fields[f"rank_{key}"] = forms.TypedChoiceField(
                    required=False,
                    choices=places,
                    coerce=int,
                    empty_value=None,
                    error_messages=CHOOSE,
                )
        elif method == "score":
            for key in self.option_keys:
                self.fields[f"score_{key}"] = forms.TypedChoiceField(
                    required=False,
                    choices=[(str(n), str(n)) for n in range(methods.MAX_SCORE + 1)],
                    coerce=int,
                    empty_value=None,
                    error_messages=CHOOSE,
                )
        self.supports = supports or []
        if self.supports:
            self.fields["for_member"] = forms.TypedChoiceField(
                required=False,
                choices=[("", _("My own vote"))] + [(str(m.pk), m.name) for m in self.supports],
                coerce=int,
                empty_value=None,
                error_messages={
                    "invalid_choice": _("You can only vote with a person you support.")
                },
            )
        if paper:
            self.fields["constituency"] = forms.ChoiceField(
                label=_("Group of the person who voted"), choices=GROUP_CHOICES
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        method = self.poll.method
        if self.errors:
            return data
        if method in methods.SINGLE_CHOICE:
            answer: dict[str, Any] = {"choice": data["choice"]}
            if data.get("reason"):
                answer["reason"] = data["reason"]
        elif method == "dots":
            answer = {
                "dots": {k: data[f"dots_{k}"] for k in self.option_keys if data.get(f"dots_{k}")}
            }
        elif method == "ranked":
            placed = sorted(
                (data[f"rank_{k}"], k) for k in self.option_keys if data.get(f"rank_{k}")
            )
            places = [place for place, _key in placed]
            if len(set(places)) != len(places):
                raise ValidationError(_("Please use each place only once."))
            answer = {"ranking": [key for _place, key in placed]}
        else:
            answer = {
                "scores": {
                    k: data[f"score_{k}"]
                    for k in self.option_keys
                    if data.get(f"score_{k}") is not None
                }
            }
        data["answer"] = answer
        return data

    def current(self) -> dict[str, Any]:
        """Return the values to show: what was posted, else the initial answer."""
        if self.is_bound:
            return {name: self.data.get(self.add_prefix(name)) for name in self.fields}
        return {name: self.initial.get(name) for name in self.fields}


def answer_initial(poll: Poll, answer: dict[str, Any] | None) -> dict[str, Any]:
    """Turn a stored answer back into form values, to show the current vote."""
    if not answer:
        return {}
    if "choice" in answer:
        return {"choice": answer["choice"], "reason": answer.get("reason", "")}
    if "dots" in answer:
        return {f"dots_{k}": v for k, v in answer["dots"].items()}
    if "ranking" in answer:
        return {f"rank_{k}": str(n) for n, k in enumerate(answer["ranking"], start=1)}
    if "scores" in answer:
        return {f"score_{k}": str(v) for k, v in answer["scores"].items()}
    return {}


class PollForm(Form):
    question = forms.CharField(
        label=_("Question"), max_length=300, widget=forms.TextInput(attrs=EASYREAD)
    )
    method = forms.ChoiceField(
        label=_("How people vote"), choices=Poll.Method.choices, widget=forms.RadioSelect
    )
    options = forms.CharField(
        label=_("Options"),
        help_text=_("For dots, ranking and score: one option on each line."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, **EASYREAD}),
    )
    dots = forms.IntegerField(
        label=_("Dots for each person"),
        help_text=_("Only for dots."),
        required=False,
        min_value=1,
        max_value=100,
        initial=3,
    )
    weighting = forms.ChoiceField(
        label=_("Main result uses"),
        choices=Weighting.choices,
        widget=forms.RadioSelect,
        help_text=_("Both are always shown. Parity stops a big group outvoting a small one."),
    )
    secret = forms.BooleanField(
        label=_("Secret vote"),
        help_text=_("Nobody can see how a person voted. Small groups are not shown alone."),
        required=False,
    )
    results_shown = forms.ChoiceField(
        label=_("Show the results"),
        choices=ResultsShown.choices,
        initial=ResultsShown.ALL_VOTED,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "So people are not swayed by how others voted. A secret vote shows its "
            "results when it closes."
        ),
    )
    double_majority = forms.BooleanField(
        label=_("Needs a majority in every group"),
        help_text=_("For yes/no, traffic light and consent votes."),
        required=False,
    )
    lived_experience_consent = forms.BooleanField(
        label=_("Needs no objection from people with lived experience"),
        help_text=_("For yes/no, traffic light and consent votes."),
        required=False,
    )
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("No agenda item"),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        # Its own ids: the console also draws a settings form for each vote.
        kwargs.setdefault("auto_id", "new-poll-%s")
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda.all()  # type: ignore[attr-defined]
        self.fields["weighting"].initial = meeting.forum.default_weighting
        self.fields["agenda_item"].initial = meeting.current_item_id

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        method = data.get("method")
        lines = [line.strip() for line in (data.get("options") or "").splitlines()]
        data["option_inputs"] = [OptionInput(label=line) for line in lines if line]
        if method and method not in methods.SINGLE_CHOICE and len(data["option_inputs"]) < 2:
            self.add_error("options", _("Please write at least two options, one on each line."))
        # Not chosen: the default of a new vote, waiting for everyone here.
        data["results_shown"] = data.get("results_shown") or ResultsShown.ALL_VOTED
        if method == "dots":
            if not data.get("dots"):
                self.add_error("dots", _("Please say how many dots each person has."))
        else:
            data["dots"] = 0
        return data


class PollPickForm(Form):
    poll = forms.ModelChoiceField(
        queryset=Poll.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("We could not find that vote in this meeting.")},
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["poll"].queryset = (  # type: ignore[attr-defined]
            Poll.objects.filter(meeting=meeting).select_related("forum").prefetch_related("options")
        )


class PollSettingsForm(PollPickForm):
    question = forms.CharField(
        label=_("Question"), max_length=300, widget=forms.TextInput(attrs=EASYREAD)
    )
    weighting = forms.ChoiceField(
        label=_("Main result uses"), choices=Weighting.choices, widget=forms.RadioSelect
    )
    secret = forms.BooleanField(label=_("Secret vote"), required=False)
    results_shown = forms.ChoiceField(
        label=_("Show the results"),
        choices=ResultsShown.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    double_majority = forms.BooleanField(label=_("Needs a majority in every group"), required=False)
    lived_experience_consent = forms.BooleanField(
        label=_("Needs no objection from people with lived experience"), required=False
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, meeting=meeting, **kwargs)
        # The console draws one of these for each vote: each gets ids of its own, so a
        # label ticks the box of its own vote and never one in another form.
        poll_id = str((self.data.get("poll") if self.is_bound else self.initial.get("poll")) or "")
        if "auto_id" not in kwargs and poll_id.isdigit():
            self.auto_id = f"poll-{poll_id}-%s"

    @staticmethod
    def initial_for(poll: Poll) -> dict[str, Any]:
        """Return the form's values for a poll as it is now."""
        return {"poll": poll.pk, **{name: getattr(poll, name) for name in POLL_SETTINGS}}

    def changes(self) -> dict[str, Any]:
        """Return the settings as poll_update_settings takes them."""
        changes = {name: self.cleaned_data[name] for name in POLL_SETTINGS}
        # Not chosen: when results are shown stays as it is.
        changes["results_shown"] = (
            changes["results_shown"] or self.cleaned_data["poll"].results_shown
        )
        return changes


class HandCountForm(PollPickForm):
    constituency = forms.ChoiceField(label=_("Group"), choices=GROUP_CHOICES)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, meeting=meeting, **kwargs)
        for key in sorted({k for keys in methods.FIXED_CHOICES.values() for k in keys}):
            self.fields[f"count_{key}"] = forms.IntegerField(
                label=display.CHOICES[key], required=False, min_value=0, max_value=10_000
            )

    def counts(self) -> dict[str, int]:
        poll = self.cleaned_data["poll"]
        keys = methods.FIXED_CHOICES.get(poll.method, ())
        return {k: self.cleaned_data.get(f"count_{k}") or 0 for k in keys}


class ForumPollForm(Form):
    """A vote between meetings: the same as a meeting's vote, or a new question."""

    mirror_of = forms.ModelChoiceField(
        label=_("Same question as this meeting vote"),
        queryset=Poll.objects.none(),
        required=False,
        empty_label=_("No: a new question"),
        help_text=_("Choose this if the votes will be counted with the meeting's."),
    )
    question = forms.CharField(
        label=_("Question"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=EASYREAD),
    )
    method = forms.ChoiceField(
        label=_("How people vote"), choices=Poll.Method.choices, required=False
    )
    options = forms.CharField(
        label=_("Options"),
        help_text=_("For dots, ranking and score: one option on each line."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, **EASYREAD}),
    )
    dots = forms.IntegerField(label=_("Dots for each person"), required=False, min_value=1)
    opens_at = forms.DateTimeField(
        label=_("Opens at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    secret = forms.BooleanField(label=_("Secret vote"), required=False)

    def __init__(self, *args: Any, forum: Forum, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mirror_of"].queryset = (  # type: ignore[attr-defined]
            Poll.objects.filter(forum=forum, meeting__isnull=False)
            .exclude(status=Poll.Status.CLOSED)
            .exclude(meeting__status=Meeting.Status.CLOSED)
            .order_by("-created_at")
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lines = [line.strip() for line in (data.get("options") or "").splitlines()]
        data["option_inputs"] = [OptionInput(label=line) for line in lines if line]
        if not data.get("mirror_of"):
            if not (data.get("question") or "").strip():
                self.add_error("question", _("Please write the question."))
            if not data.get("method"):
                self.add_error("method", _("Please choose how people vote."))
        return data


class CountInForm(Form):
    meeting_poll = forms.ModelChoiceField(
        label=_("Count with this meeting vote"), queryset=Poll.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, forum_poll: Poll, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting_poll"].queryset = (  # type: ignore[attr-defined]
            Poll.objects.filter(
                forum_id=forum_poll.forum_id, meeting__isnull=False, method=forum_poll.method
            )
            .exclude(status=Poll.Status.CLOSED)
            .select_related("meeting")
            .order_by("-created_at")
        )
