"""The photo a proposal or an action's progress can have."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation import photos
from deliberation.exceptions import InvalidInput
from deliberation.forms.base import Form


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
        max_length=photos.DESCRIPTION_MAX,
    )

    def clean(self) -> dict[str, Any]:
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
            try:
                data["photo_description"] = photos.describe(data.get("photo_description") or "")
            except InvalidInput as exc:
                self.add_error("photo_description", exc.message)
        return data
