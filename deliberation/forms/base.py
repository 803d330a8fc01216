"""The base of every form of the site, and the pieces the forms share."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from deliberation import display, methods, textcheck

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
