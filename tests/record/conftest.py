"""Fixtures for the record's pages: a forum with decisions, actions and progress."""

import datetime
from typing import Any

import pytest
from django.test import Client

from deliberation.models import Member, Role
from deliberation.services import actions as action_services
from tests import factories
from tests.audit.conftest import build_record


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """Keep uploaded photos in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def record(forum, meeting, people) -> dict[str, Any]:
    built = build_record(forum, meeting, people)
    late = factories.action(
        built["decision"],
        owner=people["staff"][2],
        description="Put the timetable in easy read.",
        due_on=datetime.date.today() - datetime.timedelta(days=3),
    )
    chat = factories.decision(meeting, outcome="We will meet in the library.", outcome_easy_read="")
    done = factories.action(chat, description="Book the library room.")
    action_services.action_progress_add(action=done, note="Booked.", status="done")
    return {**built, "late": late, "chat": chat, "done": done}


def member_client(member: Member) -> Client:
    """A browser that knows a member by their personal link."""

    client = Client()
    factories.link_sign_in(client, member)
    return client


@pytest.fixture
def observer(forum: Any) -> Member:
    return factories.member(forum, "commissioner", role=Role.OBSERVER, name="Olu")
