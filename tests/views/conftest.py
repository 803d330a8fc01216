"""Fixtures for the page tests; data comes from tests/factories.py (through the services)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.models import Forum, Meeting, Member, Poll, Role
from tests import factories

OPTIONS = ["More buses", "Cheaper tickets", "Safe stops"]


@pytest.fixture
def members(forum: Forum) -> dict[str, Member]:
    """Named members who have not joined any meeting yet."""
    alice = factories.member(forum, "lived_experience", name="Alice")
    bob = factories.member(forum, "staff", name="Bob")
    cara = factories.member(
        forum, "commissioner", name="Cara", communication_needs=["welsh", "large_print"]
    )
    sam = factories.member(forum, "staff", name="Sam", role=Role.SUPPORTER, supports=[alice])
    return {"alice": alice, "bob": bob, "cara": cara, "sam": sam}


@pytest.fixture
def join() -> Callable[[Client, Meeting, Member], Any]:
    """Join a meeting from a phone by tapping one's name, as a participant does."""

    def _join(client: Client, meeting: Meeting, member: Member) -> Any:
        url = reverse("deliberation:join_meeting", args=[meeting.join_code])
        response = client.post(url, {"member": member.pk})
        assert response.status_code == 302, response.content.decode()[:500]
        return response

    return _join


@pytest.fixture
def open_poll(meeting: Meeting) -> Callable[..., Poll]:
    """Create and open a poll in the meeting."""

    def _open(method: str = "traffic_light", **kwargs: Any) -> Poll:
        if method in ("dots", "ranked", "score"):
            kwargs.setdefault("options", tuple(OPTIONS))
        kwargs.setdefault("question", f"What do you think? ({method})")
        return factories.poll(meeting, method, **kwargs)

    return _open
