"""The summary send page's "what happened" column and the OpenMoji credit read Welsh on a
Welsh page: stored in English (the words are the key), put in words when shown."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from deliberation.easyread import render
from deliberation.models import SummarySend
from deliberation.services import sending
from tests import factories
from tests.easyread.conftest import make_summary

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_after():
    """A Welsh request leaves Welsh active in this thread: put English back for the next test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_what_happened_is_stored_in_english_and_shown_in_welsh(
    forum, meeting, checker, facilitator_client
):
    nico = factories.member(forum, name="Nico", communication_needs=[])
    summary = make_summary(meeting, signed_by=checker)
    # Sent from a Welsh page: the stored words are still English.
    with translation.override("cy"):
        sending.summary_send(summary=summary)
    send = SummarySend.objects.get(member=nico)
    assert send.detail.startswith("We do not know how to send it.")

    facilitator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    url = reverse("deliberation:summary_send", args=[forum.slug, meeting.pk])
    page = facilitator_client.get(url).content.decode()
    with translation.override("cy"):
        welsh = sending.detail_words(send.detail)
    assert welsh != send.detail
    assert welsh in page.replace("&#x27;", "'")


def test_a_failed_email_says_so_in_welsh_with_the_servers_words():
    stored = "The email did not go: SMTPException: mail server is down"
    with translation.override("cy"):
        shown = sending.detail_words(stored)
    assert shown.endswith("SMTPException: mail server is down")
    assert not shown.startswith("The email did not go")
    assert sending.detail_words("Something a person typed") == "Something a person typed"


def test_the_summarys_openmoji_credit_is_in_welsh(meeting, checker):
    summary = make_summary(meeting, signed_by=checker)
    html = render.render_html(summary, language="cy")
    assert "All emojis designed by OpenMoji" not in html
    assert "OpenMoji" in html
    assert "All emojis designed by OpenMoji" in render.render_html(summary, language="en")
