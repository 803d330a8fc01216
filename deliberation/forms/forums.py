"""Forms of forums and their members."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from deliberation.forms.base import GROUP_CHOICES, Form
from deliberation.models import CommunicationNeed, Forum, Member, Role


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

    def __init__(
        self, *args: Any, forum: Forum, member: Member | None = None, **kwargs: Any
    ) -> None:
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
