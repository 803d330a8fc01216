"""Forms of the proposal threads: proposing, comments, moderation, agenda, emails."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from markdownx.widgets import MarkdownxWidget

from deliberation.forms.base import CHOOSE, GROUP_CHOICES, Form
from deliberation.models import Forum, Meeting, NotifyFrequency, Poll, Proposal, ProposalStatus
from deliberation.services import comments as comment_rules
from deliberation.services import proposals as proposal_rules

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


class CommentForm(Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=comment_rules.COMMENT_MAX,
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


SORT_CHOICES = [
    ("newest", _("Newest first")),
    ("supported", _("Most support first")),
    ("discussed", _("Most comments first")),
]


class ProposalFilterForm(Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"maxlength": 200, "type": "search"}),
    )
    sort = forms.CharField(
        label=_("Show first"), required=False, widget=forms.Select(choices=SORT_CHOICES)
    )
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

    def clean_q(self) -> str:
        # Longer text is cut, not refused: a search never ends in an error page.
        return str(self.cleaned_data.get("q") or "")[:200]

    def clean_sort(self) -> str:
        # An unknown order (an old or edited link) shows the usual order, not an error.
        sort = self.cleaned_data.get("sort") or ""
        return sort if sort in dict(SORT_CHOICES) else "newest"


class ReportForm(Form):
    reason = forms.CharField(
        label=_("What is wrong? (you do not have to say)"),
        required=False,
        max_length=comment_rules.REPORT_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
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
