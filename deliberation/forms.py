"""Forms of the web pages: they parse and check input; services make the change."""

import re
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from deliberation import display, methods, selectors, textcheck
from deliberation.models import (
    AgendaItem,
    Attendance,
    CommunicationNeed,
    Decision,
    Meeting,
    Member,
    Poll,
    Role,
    Weighting,
)
from deliberation.services.polls import OptionInput

GROUP_CHOICES = [(key, display.GROUPS[key]) for key in methods.CONSTITUENCIES]
CHOOSE = {
    "required": _("Please choose an answer."),
    "invalid_choice": _("Please choose an answer."),
}
# Words members will read: static/coprod/easyread.js checks them as you type (the value
# is the text's language), and the console shows the checker's advice once saved.
EASYREAD = {"data-easyread": "en"}


def storable_text(value: str) -> None:
    """Refuse text with a character we cannot store: NUL, another control, a lone surrogate."""
    if isinstance(value, str) and not textcheck.is_storable(value):
        raise ValidationError(
            _("Some letters or signs in your message cannot be used. Please type it again."),
            code="invalid_text",
        )


class Form(forms.Form):
    """Every form of the site: each text field also refuses text we cannot store."""

    def full_clean(self) -> None:
        # Here, not in __init__: some forms add their fields after the parent's __init__.
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and storable_text not in field.validators:
                field.validators.append(storable_text)
        super().full_clean()


def normalise_code(value: str) -> str:
    """Upper-case a join code and drop spaces and dashes people type between letters."""
    return re.sub(r"[\s\-]+", "", value or "").upper()


# -- participants ------------------------------------------------------------------


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
        error_messages={"invalid_choice": _("Please choose your name from the list.")},
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.expected_participants(meeting)  # type: ignore[attr-defined]


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


# -- facilitators ------------------------------------------------------------------


class ForumForm(Form):
    name = forms.CharField(label=_("Name of the forum"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name for web addresses"),
        max_length=60,
        required=False,
        help_text=_("Letters, numbers and dashes. Leave empty to make one from the name."),
    )
    description = forms.CharField(
        label=_("What this forum is for"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        from django.utils.text import slugify

        from deliberation.models import Forum

        super().clean()
        data = self.cleaned_data
        slug = data.get("slug") or slugify(data.get("name", ""))[:60]
        if not slug:
            raise ValidationError(_("Please give a short name for web addresses."))
        if Forum.objects.filter(slug=slug).exists():
            self.add_error("slug", _("Another forum uses this short name. Please choose another."))
        data["slug"] = slug
        return data


class MemberForm(Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    constituency = forms.ChoiceField(
        label=_("Group (which voice they bring)"), choices=GROUP_CHOICES, widget=forms.RadioSelect
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PARTICIPANT)
    communication_needs = forms.MultipleChoiceField(
        label=_("Communication needs"),
        help_text=_(
            "Ask the person what helps them. Tick all that help. "
            "Tick Email only if they say yes to getting emails from us."
        ),
        choices=CommunicationNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_review_on = forms.DateField(
        label=_("Ask about their needs again on"),
        help_text=_("Needs can change. Pick a date to check them with the person again."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send the summary by email only if Email is ticked above."),
        required=False,
    )
    postal_address = forms.CharField(
        label=_("Postal address"),
        help_text=_(
            "For paper copies by post. Write it as it goes on an envelope. "
            "Only facilitators see it."
        ),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
    )
    supports = forms.ModelMultipleChoiceField(
        label=_("Supports (for supporters: the people they help vote)"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Still a member"), required=False, initial=True)

    def __init__(self, *args: Any, forum: Any, member: Member | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Member.objects.filter(forum=forum, is_guest=False).order_by("name")
        if member is not None:
            queryset = queryset.exclude(pk=member.pk)
        else:
            del self.fields["is_active"]
        self.fields["supports"].queryset = queryset  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("supports") and data.get("role") != Role.SUPPORTER:
            self.add_error("supports", _("Only a supporter can support other people."))
        return data


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
    item = forms.ModelChoiceField(queryset=AgendaItem.objects.none(), required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.agenda.all()  # type: ignore[attr-defined]


class AgendaAddForm(Form):
    title = forms.CharField(
        label=_("New agenda item"), max_length=200, widget=forms.TextInput(attrs=EASYREAD)
    )
    description = forms.CharField(
        label=_("Easy-read description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, **EASYREAD}),
    )


class MeetingSettingsForm(Form):
    allow_name_choice = forms.BooleanField(
        label=_("People can pick their name from a list"), required=False
    )


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
    results_hidden = forms.BooleanField(
        label=_("Hide results until the vote closes"),
        help_text=_("So people are not swayed by how others voted."),
        required=False,
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
    results_hidden = forms.BooleanField(
        label=_("Hide results until the vote closes"), required=False
    )
    double_majority = forms.BooleanField(label=_("Needs a majority in every group"), required=False)
    lived_experience_consent = forms.BooleanField(
        label=_("Needs no objection from people with lived experience"), required=False
    )

    def changes(self) -> dict[str, Any]:
        """Return the settings as poll_update_settings takes them."""
        return {
            name: self.cleaned_data[name]
            for name in (
                "question",
                "weighting",
                "secret",
                "results_hidden",
                "double_majority",
                "lived_experience_consent",
            )
        }


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


class AttendanceForm(Form):
    attendance = forms.ModelChoiceField(queryset=Attendance.objects.none())
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

    member = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("Name"))

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (  # type: ignore[attr-defined]
            Member.objects.filter(forum_id=meeting.forum_id, is_active=True, is_guest=False)
            .exclude(attendance__meeting=meeting, attendance__status=Attendance.Status.PRESENT)
            .order_by("name")
        )


# -- proposal threads ---------------------------------------------------------------------
# Imported here, with the forms that use them, so this part of the file stands on its own.

from markdownx.widgets import MarkdownxWidget  # noqa: E402

from deliberation.models import (  # noqa: E402
    Forum,
    NotifyFrequency,
    Proposal,
    ProposalStatus,
)
from deliberation.services import proposals as proposal_rules  # noqa: E402

# The pictures a proposal can have, with plain words for each (OpenMoji, vendored).
PROPOSAL_SYMBOLS: dict[str, Any] = {
    "idea": _("An idea"),
    "home": _("Home"),
    "food": _("Food"),
    "friends": _("Friends and fun"),
    "health": _("Health"),
    "money": _("Money"),
    "transport": _("Getting about"),
    "work": _("Work"),
    "safety": _("Staying safe"),
    "place": _("Places"),
    "people": _("People"),
    "meeting": _("Meetings"),
    "speaker": _("Being heard"),
    "question": _("A question"),
}


class ProposalForm(Form):
    title = forms.CharField(
        label=_("Title"),
        help_text=_("A few plain words. For example: More buses in the evening."),
        max_length=proposal_rules.TITLE_MAX,
    )
    summary = forms.CharField(
        label=_("What is your idea?"),
        help_text=_("Up to 3 short sentences, in easy words."),
        max_length=proposal_rules.SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    symbol = forms.ChoiceField(
        label=_("Choose a picture"),
        choices=list(PROPOSAL_SYMBOLS.items()),
        widget=forms.RadioSelect,
        error_messages=CHOOSE,
    )
    body = forms.CharField(
        label=_("Tell us more (you do not have to)"),
        help_text=_(
            "You can use Markdown: **bold**, *slanted*, - for a list. "
            "A preview shows below as you type."
        ),
        required=False,
        max_length=proposal_rules.BODY_MAX,
        widget=MarkdownxWidget(attrs={"rows": 8}),
    )

    def clean_summary(self) -> str:
        summary = " ".join(self.cleaned_data["summary"].split())
        if proposal_rules.count_sentences(summary) > proposal_rules.SUMMARY_SENTENCES:
            raise ValidationError(_("Please use 3 short sentences or fewer."))
        return summary


class PhotoForm(Form):
    photo = forms.FileField(
        label=_("Add a photo (you do not have to)"),
        help_text=_("A JPEG, PNG or WebP photo. We remove the place it was taken."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    photo_description = forms.CharField(
        label=_("What does the photo show?"),
        help_text=_("A few words, for people who cannot see it."),
        required=False,
        max_length=200,
    )

    def clean(self) -> dict[str, Any]:
        from deliberation import photos

        super().clean()
        data = self.cleaned_data
        photo = data.get("photo")
        if photo:
            if photo.size > photos.max_bytes():
                self.add_error(
                    "photo",
                    _("This photo is too big. Photos can be up to %(n)s MB.")
                    % {"n": photos.max_bytes() // (1024 * 1024)},
                )
            if not (data.get("photo_description") or "").strip():
                self.add_error(
                    "photo_description", _("Please say in a few words what the photo shows.")
                )
        return data


class CommentForm(Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=proposal_rules.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Why?"),
        help_text=_("People will see this."),
        max_length=proposal_rules.REASON_MAX,
    )
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput)


class StatusForm(Form):
    to = forms.ChoiceField(
        label=_("Move to"),
        choices=[(s.value, s.label) for s in ProposalStatus if s != ProposalStatus.WITHDRAWN],
        widget=forms.RadioSelect,
        error_messages=CHOOSE,
    )
    reason = forms.CharField(
        label=_("Why?"),
        help_text=_("This is shown on the timeline."),
        max_length=proposal_rules.REASON_MAX,
    )


class ProposalFilterForm(Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Where it is"),
        required=False,
        choices=[("", _("Any"))] + list(ProposalStatus.choices),
    )
    symbol = forms.ChoiceField(
        label=_("Picture"),
        required=False,
        choices=[("", _("Any"))] + list(PROPOSAL_SYMBOLS.items()),
    )
    constituency = forms.ChoiceField(
        label=_("Written by"),
        required=False,
        choices=[("", _("Anyone"))] + GROUP_CHOICES,
    )


class ScheduleForm(Form):
    meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=Meeting.objects.none(), empty_label=None
    )
    proposals = forms.ModelMultipleChoiceField(
        label=_("Proposals on the shortlist"),
        queryset=Proposal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one proposal from the shortlist.")},
    )
    method = forms.ChoiceField(
        label=_("How people vote"), choices=Poll.Method.choices, widget=forms.RadioSelect
    )
    question = forms.CharField(label=_("Question"), max_length=300, required=False)
    dots = forms.IntegerField(
        label=_("Dots for each person"),
        help_text=_("Only for dots."),
        required=False,
        min_value=1,
        max_value=100,
        initial=3,
    )

    def __init__(self, *args: Any, forum: Forum, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = forum.meetings.exclude(  # type: ignore[attr-defined]
            status=Meeting.Status.CLOSED
        ).order_by("-created_at")
        self.fields["proposals"].queryset = Proposal.objects.filter(  # type: ignore[attr-defined]
            forum=forum, status=ProposalStatus.SHORTLISTED, hidden_at__isnull=True
        ).order_by("title")


class NotifyForm(Form):
    frequency = forms.ChoiceField(
        label=_("How do you want to hear about new ideas and comments?"),
        choices=NotifyFrequency.choices,
        widget=forms.RadioSelect,
        error_messages=CHOOSE,
    )
    email = forms.EmailField(
        label=_("Your email address"),
        required=False,
        error_messages={"invalid": _("Please check the email address.")},
    )


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


# -- the record: decisions, actions, vote codes -----------------------------------------


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

    def __init__(self, *args: Any, forum: Any, decisions: Any, **kwargs: Any) -> None:
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

    def __init__(self, *args: Any, action: Any, may_manage: bool, **kwargs: Any) -> None:
        from deliberation.models import ActionStatus

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

    def __init__(self, *args: Any, forum: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (  # type: ignore[attr-defined]
            Meeting.objects.filter(forum=forum, decisions__isnull=False)
            .distinct()
            .order_by("-starts_at", "-created_at")
        )

    def filters(self) -> dict[str, Any]:
        """Return the filters as selectors.decision_log takes them; none if not valid."""
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
        from deliberation import merkle

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

    def __init__(self, *args: Any, forum: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = Decision.objects.filter(  # type: ignore[attr-defined]
            forum=forum
        )


class RecapForm(Form):
    shown = forms.BooleanField(required=False)


class GlossaryEntryForm(Form):
    """A word for the forum's list: the easy-read check explains or flags it."""

    kind = forms.ChoiceField(
        label=_("What kind of word is it?"),
        choices=[
            ("glossary", _("A short form we explain, like ICB. The check will not flag it.")),
            ("jargon", _("A hard word to avoid. The check will flag it and give the plain words.")),
        ],
        widget=forms.RadioSelect,
        error_messages=CHOOSE,
    )
    term = forms.CharField(
        label=_("The word or short form"),
        max_length=60,
        error_messages={
            "required": _("Please write the word or short form."),
            "max_length": _("The word or short form is too long: %(limit_value)d letters at most."),
        },
    )
    plain = forms.CharField(
        label=_("What it means, in plain words"),
        max_length=300,
        widget=forms.TextInput(attrs=EASYREAD),
        error_messages={
            "required": _("Please write what it means, in plain words."),
            "max_length": _("The plain words are too long: %(limit_value)d letters at most."),
        },
    )
