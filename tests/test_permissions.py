"""Who may do what, one row per role, action and poll state (a permission matrix)."""

import pytest

from deliberation import identity, permissions
from deliberation.exceptions import DomainError
from deliberation.models import Role
from deliberation.services import polls as poll_services
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = [Role.PARTICIPANT, Role.SUPPORTER, Role.FACILITATOR, Role.OBSERVER, "outsider"]
STATES = ["draft", "open", "closed"]


def _poll_in(meeting, state):
    poll = factories.poll(meeting, "yes_no", open_=state != "draft")
    if state == "closed":
        poll_services.poll_close(poll=poll)
    return poll


def _person(forum, meeting, role):
    if role == "outsider":
        other = factories.forum()
        person = factories.member(other, "staff")
        return person
    person = factories.member(forum, "staff", role=role)
    factories.join(meeting, person)
    return person


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_who_can_cast_a_ballot(forum, meeting, role, state):
    poll = _poll_in(meeting, state)
    person = _person(forum, meeting, role)
    allowed_by_role = role in (Role.PARTICIPANT, Role.SUPPORTER, Role.FACILITATOR)

    assert permissions.can("poll.vote", person, poll) is allowed_by_role
    if allowed_by_role and state == "open":
        assert not factories.cast(poll, person, {"choice": "yes"}).duplicate
    else:
        with pytest.raises(DomainError):
            factories.cast(poll, person, {"choice": "yes"})


@pytest.mark.parametrize("role", ROLES)
def test_who_can_vote_with_someone_else(forum, meeting, people, role):
    supported = people["lived_experience"][0]
    if role == Role.SUPPORTER:
        helper = people["supporter"]
    else:
        helper = _person(forum, meeting, role)
    poll = _poll_in(meeting, "open")

    allowed = role == Role.SUPPORTER
    assert permissions.can("member.assist", helper, supported) is allowed
    if allowed:
        factories.cast(poll, supported, {"choice": "yes"}, cast_by=helper)
    else:
        with pytest.raises(DomainError):
            factories.cast(poll, supported, {"choice": "yes"}, cast_by=helper)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("facilitator", True),
        ("staff_member_without_role", False),
        ("other_forum", False),
        ("superuser", True),
        ("anonymous", False),
    ],
)
def test_who_can_facilitate(forum, facilitator_user, who, allowed):
    from django.contrib.auth.models import AnonymousUser

    if who == "facilitator":
        user = facilitator_user
    elif who == "staff_member_without_role":
        user = factories.user(staff=True)
        factories.member(forum, "staff", user=user)
    elif who == "other_forum":
        user = factories.facilitator(factories.forum())
    elif who == "superuser":
        user = factories.user()
        user.is_superuser = True
        user.save()
    else:
        user = AnonymousUser()
    assert permissions.can("forum.facilitate", identity.Principal(user=user), forum) is allowed


def test_every_rule_is_asked_for_somewhere():
    """A rule nobody asks for is dead code that a reader would think protects something."""
    from pathlib import Path

    import deliberation

    package = Path(deliberation.__file__).parent
    code = "\n".join(
        path.read_text() for path in package.rglob("*.py") if path != package / "permissions.py"
    )
    unused = [name for name in permissions.RULES if f'"{name}"' not in code]
    assert unused == []
