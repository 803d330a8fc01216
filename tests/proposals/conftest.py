"""Fixtures for proposal threads: one member of each role, browsers that know them."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from deliberation.models import Member, Proposal, Role
from deliberation.services import proposals as services
from tests import factories

ROLES = ["participant", "supporter", "facilitator", "observer", "outsider"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """Keep uploaded photos in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast(forum: Any, lead: Member) -> dict[str, Member]:
    """A member of each role in the forum, and an outsider from another forum."""
    participant = factories.member(forum, "lived_experience", name="Alice")
    return {
        "participant": participant,
        "supporter": factories.member(
            forum, "staff", name="Sam", role=Role.SUPPORTER, supports=[participant]
        ),
        "facilitator": lead,
        "observer": factories.member(forum, "commissioner", name="Olu", role=Role.OBSERVER),
        "outsider": factories.member(factories.forum(), "staff", name="Xavier"),
    }


@pytest.fixture
def browser_for(facilitator_user: Any) -> Callable[[Member], Client]:
    """A browser that knows a member: by their invite link, or signed in (facilitator)."""

    def make(member: Member) -> Client:
        client = Client()
        if member.user_id is not None:
            client.force_login(member.user)
        else:
            factories.link_sign_in(client, member)
        return client

    return make


def make_proposal(forum: Any, author: Member, **kwargs: Any) -> Proposal:
    return services.proposal_create(
        forum=forum,
        author=author,
        title=kwargs.pop("title", "More buses in the evening"),
        summary=kwargs.pop("summary", "Buses stop at 6. We want to go out later."),
        symbol=kwargs.pop("symbol", "transport"),
        body=kwargs.pop("body", "The **last bus** goes at 6pm."),
        **kwargs,
    )


@pytest.fixture
def proposal(forum: Any, cast: dict[str, Member]) -> Proposal:
    return make_proposal(forum, cast["participant"])
