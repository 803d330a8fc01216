"""A decision belongs to its meeting's day, not to the day it was typed in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.selectors import record as record_selectors
from tests import factories
from tests.record.conftest import member_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier(forum, facilitator_user):
    """A meeting ten days ago whose decision is typed in today."""
    held = timezone.now() - datetime.timedelta(days=10)
    meeting = factories.open_meeting(
        forum, actor=facilitator_user, title="Earlier board", starts_at=held
    )
    decision = factories.decision(meeting, outcome="We will write to the council.")
    return meeting, decision, timezone.localtime(held).date()


def test_the_log_filters_by_the_meetings_date(forum, earlier):
    _meeting, decision, held = earlier
    today = timezone.localdate()
    on_the_day = record_selectors.decision_log(forum, since=held, until=held)
    assert list(on_the_day) == [decision]
    assert not record_selectors.decision_log(forum, since=today, until=today).exists()


def test_the_pages_show_the_meetings_date(forum, earlier, cast_member):
    _meeting, decision, held = earlier
    client = member_client(cast_member)
    log = client.get(
        reverse("deliberation:decision_log", args=[forum.slug]),
        {"since": held.isoformat(), "until": held.isoformat()},
    ).content.decode()
    day = f"{held.day} {held.strftime('%B %Y')}"
    assert "We will write to the council." in log and day in log
    page = client.get(
        reverse("deliberation:decision", args=[forum.slug, decision.pk])
    ).content.decode()
    when = page[page.index("When") :]
    assert when.split("</dd>")[0].endswith(day)


@pytest.fixture
def cast_member(forum):
    return factories.member(forum, "lived_experience", name="Dee")
