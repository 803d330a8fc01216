"""Who may sign off a summary: one row per constituency, role and state of membership."""

import pytest

from deliberation import permissions
from deliberation.models import Member, Role, Summary
from tests import factories

pytestmark = pytest.mark.django_db

CONSTITUENCIES = ["lived_experience", "staff", "commissioner"]
ROLES = [Role.PARTICIPANT, Role.FACILITATOR, Role.SUPPORTER, Role.OBSERVER]


@pytest.fixture
def summary(meeting) -> Summary:
    return Summary.objects.create(meeting=meeting, forum=meeting.forum)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("constituency", CONSTITUENCIES)
def test_only_lived_experience_may_sign_off(forum, summary, constituency, role):
    member = factories.member(forum, constituency, role=role)

    allowed = permissions.can("summary.sign_off", member, summary)

    assert allowed == (constituency == "lived_experience")


@pytest.mark.parametrize("state", ["inactive", "guest", "other_forum", "nobody", "a_user"])
def test_not_a_current_member_may_not_sign_off(forum, summary, facilitator_user, state):
    if state == "other_forum":
        who = factories.member(factories.forum(), "lived_experience")
    elif state == "nobody":
        who = None
    elif state == "a_user":
        who = facilitator_user
    else:
        who = factories.member(forum, "lived_experience")
        field = "is_active" if state == "inactive" else "is_guest"
        Member.objects.filter(pk=who.pk).update(**{field: state == "guest"})
        who.refresh_from_db()

    assert not permissions.can("summary.sign_off", who, summary)


def test_the_sign_off_page_lists_the_same_people(forum, summary, people):
    from deliberation.selectors import summaries as summary_selectors

    listed = set(summary_selectors.sign_off_candidates(forum))
    allowed = {m for m in forum.members.all() if permissions.can("summary.sign_off", m, summary)}

    assert listed == allowed
    assert listed == set(people["lived_experience"])
