"""Welsh (Cymraeg) for the pages participants see."""

import re
from xml.etree import ElementTree

from django import forms
from django.conf import settings
from django.db.models.utils import get_blank_choice_label
from django.urls import reverse

from deliberation.forms import forums as forms_forums
from deliberation.forms import glossary as forms_glossary
from deliberation.forms import meetings as forms_meetings
from deliberation.forms import polls as forms_polls
from deliberation.forms import proposals as forms_proposals
from deliberation.forms import record as forms_record


def test_phone_page_in_welsh_with_the_language_cookie(client, meeting, members, join):
    join(client, meeting, members["alice"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get(reverse("deliberation:phone", args=[meeting.pk])).content.decode()
    assert '<html lang="cy"' in page
    assert "Arhoswch am y cwestiwn nesaf" in page  # Please wait for the next question.
    assert "Symbolau: OpenMoji, CC BY-SA 4.0" in page


def test_choosing_cymraeg_with_the_language_switcher(client, meeting, members, join, open_poll):
    open_poll("traffic_light")
    join(client, meeting, members["alice"])
    phone = reverse("deliberation:phone", args=[meeting.pk])
    response = client.post(reverse("set_language"), {"language": "cy", "next": phone})
    assert response.status_code == 302
    assert response.url == phone
    page = client.get(phone).content.decode()
    assert "Cytuno" in page  # Agree
    assert "Anfon fy mhleidlais" in page  # Send my vote
    assert '"saved": "Mae eich pleidlais wedi' in page  # the page scripts get Welsh words too


def test_join_and_projector_pages_in_welsh(client, meeting):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    join_page = client.get(reverse("deliberation:join")).content.decode()
    assert "Teipiwch y cod o'r sgrin" in join_page
    projector = client.get(reverse("deliberation:projector", args=[meeting.projector_token]))
    assert "Ymunwch ar eich ffôn" in projector.content.decode()


def test_a_plain_error_in_welsh(client, meeting, members, join, open_poll):
    import uuid

    from deliberation.services.polls import poll_close

    poll = poll_close(poll=open_poll("yes_no"))
    join(client, meeting, members["alice"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.post(
        reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
        {"client_id": str(uuid.uuid4()), "choice": "yes"},
    )
    assert response.status_code == 400
    assert "Chafodd eich ateb ddim ei gyfrif" in response.content.decode()


def test_a_refusal_of_the_voting_rules_in_welsh(client, meeting, members, join, open_poll):
    import uuid

    poll = open_poll("consent")
    join(client, meeting, members["alice"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.post(
        reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
        {"client_id": str(uuid.uuid4()), "choice": "objection"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dywedwch pam rydych chi&#x27;n gwrthwynebu" in page  # Please say why you object.
    assert "Please say why you object." not in page


# -- Welsh gaps found in issue 11 -----------------------------------------------------


def test_the_consoles_empty_choice_is_in_welsh(facilitator_client, meeting, members):
    """Django's own "- Select an option -" has no Welsh: ours is an easy-read label that has."""
    facilitator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    console = reverse("deliberation:console", args=[meeting.forum.slug, meeting.pk])
    page = facilitator_client.get(console).content.decode()
    assert "Alice" in page  # the "here without a phone" list, with its empty choice
    assert "Select an option" not in page
    assert "- Dewiswch un -" in page  # - Choose one -


def test_the_consoles_empty_choice_in_english(facilitator_client, meeting, members):
    console = reverse("deliberation:console", args=[meeting.forum.slug, meeting.pk])
    assert "- Choose one -" in facilitator_client.get(console).content.decode()


def test_no_form_keeps_djangos_untranslated_empty_choice():
    django_label = str(get_blank_choice_label())
    found = []
    modules = (forms_forums, forms_glossary, forms_meetings, forms_polls, forms_proposals)
    for module in (*modules, forms_record):
        for name, form in vars(module).items():
            if not (isinstance(form, type) and issubclass(form, forms.BaseForm)):
                continue
            for field_name, field in form.base_fields.items():
                label = getattr(field, "empty_label", None)
                shown = not field.widget.is_hidden
                if shown and label is not None and str(label) == django_label:
                    found.append(f"{name}.{field_name}")
    assert not found


def test_the_objection_symbol_has_no_english_word_on_it():
    """The OpenMoji stop sign says STOP in letters: the picture keeps only the sign.

    Its word is beside it on every page ("I object" / "Dw i'n gwrthwynebu"). The letters
    were drawn as lines and paths in the middle of the sign (y from 32 to 40); every shape
    left starts on the sign's top edge.
    """
    path = settings.BASE_DIR / "static" / "vendor" / "openmoji" / "objection.svg"
    shapes = [
        element
        for element in ElementTree.parse(path).iter()
        if element.tag.rsplit("}", 1)[-1] in {"path", "line", "text", "polyline", "polygon"}
    ]
    assert shapes
    for shape in shapes:
        assert shape.tag.endswith("path"), shape.tag
        start_y = float(re.match(r"M\s*[-\d.]+[ ,]([-\d.]+)", shape.get("d", "")).group(1))
        assert start_y < 16, shape.get("d")


def test_the_objection_card_shows_its_word_beside_the_symbol_in_welsh(
    client, meeting, members, join, open_poll
):
    open_poll("consent")
    join(client, meeting, members["alice"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get(reverse("deliberation:phone", args=[meeting.pk])).content.decode()
    assert "objection.svg" in page
    assert "Dw i&#x27;n gwrthwynebu" in page or "Dw i'n gwrthwynebu" in page


def test_a_member_who_needs_welsh_gets_welsh_from_their_personal_link(client, meeting, members):
    url = reverse("deliberation:invite", args=[members["cara"].invite_token])
    response = client.get(url)  # a new browser: no language chosen yet
    page = response.content.decode()
    assert '<html lang="cy"' in page
    assert "Helo Cara" in page
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    # Joining from the link, the meeting goes on in Welsh.
    phone = client.post(url)
    assert '<html lang="cy"' in client.get(phone.url).content.decode()


def test_a_later_choice_of_english_is_kept_on_the_personal_link(client, meeting, members):
    url = reverse("deliberation:invite", args=[members["cara"].invite_token])
    client.get(url)
    client.post(reverse("set_language"), {"language": "en", "next": url})
    response = client.get(url)
    assert '<html lang="en' in response.content.decode()
    assert "Hello Cara" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_member_without_welsh_needs_gets_no_language_cookie(client, meeting, members):
    response = client.get(reverse("deliberation:invite", args=[members["alice"].invite_token]))
    assert "Hello Alice" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
