"""Who may do what, by how they are known: one principal, one row per way in and action.

Each principal is made the way a browser makes it (a join, a personal link's button, a
login), then read back by identity.principal_for_request, as every page and socket does.
"""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse

from deliberation import identity, permissions
from deliberation.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

KINDS = [
    "nobody",
    "joined_by_name",
    "participant_by_link",
    "observer_by_link",
    "facilitator_by_card",
    "facilitator_signed_in",
]

# rule -> the kinds allowed it; every other kind is refused.
MATRIX: dict[str, set[str]] = {
    "poll.vote": {"joined_by_name"},
    "forum.facilitate": {"facilitator_signed_in"},
    "poll.facilitate": {"facilitator_signed_in"},
    "decision.read": {"participant_by_link", "observer_by_link", "facilitator_signed_in"},
    "summary.read": {"participant_by_link", "observer_by_link", "facilitator_signed_in"},
    "action.report": {"participant_by_link", "facilitator_signed_in"},
    "action.manage": {"facilitator_signed_in"},
    "proposal.read": {"participant_by_link", "observer_by_link", "facilitator_signed_in"},
    "proposal.create": {"participant_by_link", "facilitator_signed_in"},
    "proposal.comment": {"participant_by_link", "facilitator_signed_in"},
    "proposal.hide": {"facilitator_signed_in"},
    "forum_poll.manage": {"facilitator_signed_in"},
}


def _principal(kind: str, forum, meeting, lead, facilitator_user, people) -> Any:
    client = Client()
    user: Any = AnonymousUser()
    if kind == "joined_by_name":
        url = reverse("deliberation:join_meeting", args=[meeting.join_code])
        assert client.post(url, {"member": people["owner"].pk}).status_code == 302
    elif kind == "participant_by_link":
        factories.link_sign_in(client, people["owner"])
    elif kind == "observer_by_link":
        factories.link_sign_in(client, people["observer"])
    elif kind == "facilitator_by_card":
        factories.link_sign_in(client, lead)
    elif kind == "facilitator_signed_in":
        client.force_login(facilitator_user)
        user = facilitator_user
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    return identity.principal_for_request(request, meeting=meeting)


@pytest.fixture
def world(forum, meeting):
    owner = factories.member(forum, "lived_experience", name="Owner")
    observer = factories.member(forum, "commissioner", name="Watcher", role=Role.OBSERVER)
    poll = factories.poll(meeting, "yes_no")
    decision = factories.decision(meeting)
    action = factories.action(decision, owner=owner)
    return {
        "people": {"owner": owner, "observer": observer},
        "targets": {
            "poll.vote": poll,
            "forum.facilitate": forum,
            "poll.facilitate": poll,
            "decision.read": forum,
            "summary.read": forum,
            "action.report": action,
            "action.manage": action,
            "proposal.read": forum,
            "proposal.create": forum,
            "proposal.comment": forum,
            "proposal.hide": forum,
            "forum_poll.manage": forum,
        },
    }


@pytest.mark.parametrize("rule", sorted(MATRIX))
@pytest.mark.parametrize("kind", KINDS)
def test_each_way_in_may_do_only_its_own(forum, meeting, lead, facilitator_user, world, kind, rule):
    principal = _principal(kind, forum, meeting, lead, facilitator_user, world["people"])
    allowed = kind in MATRIX[rule]
    assert permissions.can(rule, principal, world["targets"][rule]) is allowed


def test_a_meeting_identity_reaches_no_other_meeting(forum, meeting, lead, facilitator_user, world):
    principal = _principal(
        "joined_by_name", forum, meeting, lead, facilitator_user, world["people"]
    )
    other = factories.open_meeting(forum, title="Another meeting")
    poll = factories.poll(other, "yes_no")
    assert permissions.can("poll.vote", principal, poll) is False


# Rules whose first argument deliberately names someone other than the asker, as a Member
# (see permissions.py's docstring); every other rule takes the principal only.
NAMING_A_MEMBER = {"poll.vote", "member.assist", "summary.sign_off"}


@pytest.mark.parametrize("rule", sorted(MATRIX))
def test_a_rule_given_a_bare_user_or_member_fails_loudly(
    forum, lead, facilitator_user, world, rule
):
    target = world["targets"][rule]
    for bare in (facilitator_user, lead, world["people"]["owner"]):
        if rule in NAMING_A_MEMBER and bare is not facilitator_user:
            continue
        with pytest.raises(TypeError):
            permissions.can(rule, bare, target)
