"""Form of a forum's own words for the easy-read check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.forms.base import CHOOSE, EASYREAD, Form


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
