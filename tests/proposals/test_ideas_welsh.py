"""System words on an idea's page read Welsh on a Welsh page, whoever's action stored them:
timeline reasons (stored as a code and its values), and the agenda title that scheduling
writes (stored in both languages, as it is shown once to the whole room)."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from deliberation.models import ProposalEvent
from deliberation.services import polls as poll_services
from deliberation.services import proposals as services
from deliberation.services import scheduling
from tests import factories
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_after():
    """A Welsh request leaves Welsh active in this thread: put English back for the next test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def voted(forum, cast, facilitator_user):
    meeting = factories.open_meeting(forum, actor=facilitator_user)
    ideas = [
        make_proposal(forum, cast["participant"], title=title) for title in ("Buses", "Trains")
    ]
    for idea in ideas:
        services.proposal_status_change(
            proposal=idea, to="shortlisted", reason="Popular", by=cast["facilitator"]
        )
    # Scheduled from an English page, closed from an English page.
    with translation.override("en"):
        scheduled = scheduling.proposals_schedule(
            proposals=ideas,
            meeting=meeting,
            by=cast["facilitator"],
            method="dots",
            question="",
            dots=3,
        )
        poll_services.poll_open(poll=scheduled.poll)
        poll_services.poll_close(poll=scheduled.poll)
    return ideas[0], scheduled, meeting


def welsh_page(client, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    return client.get(url).content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def test_the_timeline_reason_is_stored_as_a_code_and_shown_in_welsh(
    forum, cast, voted, browser_for
):
    idea, scheduled, meeting = voted
    event = ProposalEvent.objects.filter(proposal=idea, kind="status").last()
    assert event.reason_code == "poll_closed"
    assert event.reason_args == {"question": scheduled.poll.question, "where": meeting.title}
    assert event.reason.startswith("The vote “")  # the English words stay for the record

    url = reverse("deliberation:proposal", args=[forum.slug, idea.pk])
    page = welsh_page(browser_for(cast["supporter"]), url)
    with translation.override("cy"):
        welsh = services.reason_words("poll_closed", event.reason_args)
    assert welsh and "has closed" not in welsh
    assert welsh.replace('"', "") in page.replace('"', "")
    assert "has closed." not in page


def test_reasons_stored_in_english_before_get_their_code(forum, voted):
    idea, scheduled, meeting = voted
    event = ProposalEvent.objects.filter(proposal=idea, kind="status").last()
    ProposalEvent.objects.filter(pk=event.pk).update(reason_code="", reason_args={})
    migration = importlib.import_module("deliberation.migrations.0002_between_meetings_and_scale")
    migration.reasons_to_codes(apps, None)
    event.refresh_from_db()
    assert event.reason_code == "poll_closed"
    assert event.reason_args["question"] == scheduled.poll.question
    assert event.reason_args["where"] == meeting.title


def test_the_agenda_title_scheduling_writes_is_in_english_and_welsh(voted):
    _idea, scheduled, _meeting = voted
    title = scheduled.agenda_item.title
    with translation.override("cy"):
        welsh = translation.gettext("Vote on the shortlisted proposals")
    assert welsh != "Vote on the shortlisted proposals"
    assert title == f"Vote on the shortlisted proposals / {welsh}"
    assert scheduled.poll.question == title
