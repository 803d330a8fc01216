"""Fixtures for building and reviewing summaries: a meeting with a whole record.

The parent conftest.py holds fixtures for summaries made directly in the tables.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from deliberation.models import Summary, WelshStatus
from deliberation.services import meetings as meeting_services
from deliberation.services import summaries as summary_services
from tests import factories
from tests.audit.conftest import build_record


@pytest.fixture
def summary_record(forum, meeting, people) -> dict[str, Any]:
    """A recorded meeting on a known date and place, its decisions, and the next meeting."""
    meeting.starts_at = timezone.make_aware(datetime.datetime(2026, 3, 3, 10, 0))
    meeting.place = "the Town Hall"
    meeting.save(update_fields=["starts_at", "place"])
    built = build_record(forum, meeting, people)
    chat = factories.decision(
        meeting,
        outcome="We will meet in the library from now on.",
        outcome_easy_read="",
        agenda_item=meeting.agenda.get(position=1),
    )
    factories.action(
        chat,
        description="Book the library room",
        owner_name="Sam",
        due_on=datetime.date(2026, 3, 10),
    )
    following = meeting_services.meeting_create(
        forum=forum,
        title="April meeting",
        starts_at=timezone.make_aware(datetime.datetime(2026, 4, 7, 14, 30)),
        place="the library",
    )
    return {**built, "chat": chat, "next": following}


def welsh_done(summary: Summary, actor: Any = None) -> Summary:
    """Say the Welsh of every point that needs a check is fine, as a reviewer would."""
    for point in summary.points.filter(welsh_status=WelshStatus.NEEDS_CHECK):
        summary_services.summary_point_welsh(point=point, status=WelshStatus.CHECKED, actor=actor)
    return summary
