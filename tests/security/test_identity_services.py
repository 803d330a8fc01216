"""A check in a page is never the only one: the service checks again under its lock.

The page let the person in a moment ago; meanwhile the action was finished, or the person
left the forum. The service sees the row and the person as they are now.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from deliberation import identity
from deliberation.exceptions import NotAllowed
from deliberation.models import ActionStatus, ActionUpdate, Member
from deliberation.services import actions as action_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(forum, meeting):
    owner = factories.member(forum, "lived_experience", name="Owner")
    decision = factories.decision(meeting)
    action = factories.action(decision, owner=owner)
    principal = identity.Principal(user=AnonymousUser(), forum_id=forum.pk, member=owner)
    return {"owner": owner, "action": action, "principal": principal}


def test_the_owner_reports_progress_while_the_action_is_open(owned):
    update = action_services.action_progress_add(
        action=owned["action"], note="Started.", status="in_progress", principal=owned["principal"]
    )
    assert update.status_after == ActionStatus.IN_PROGRESS


def test_an_action_finished_meanwhile_takes_no_report_from_its_owner(owned):
    seen_by_the_page = owned["action"]
    action_services.action_progress_add(action=seen_by_the_page, note="Done.", status="done")
    with pytest.raises(NotAllowed):
        action_services.action_progress_add(
            action=seen_by_the_page, note="Still going.", principal=owned["principal"]
        )
    assert ActionUpdate.objects.filter(action=seen_by_the_page).count() == 1


def test_an_owner_who_left_meanwhile_reports_nothing(owned):
    Member.objects.filter(pk=owned["owner"].pk).update(is_active=False)
    with pytest.raises(NotAllowed):
        action_services.action_progress_add(
            action=owned["action"], note="Started.", principal=owned["principal"]
        )
    assert not ActionUpdate.objects.filter(action=owned["action"]).exists()


@pytest.mark.parametrize("kind", ["owner", "joined_by_name"])
def test_only_a_facilitator_stops_or_edits_an_action(owned, meeting, kind):
    principal = owned["principal"]
    if kind == "joined_by_name":
        principal = identity.Principal(
            user=AnonymousUser(), meeting_id=meeting.pk, meeting_member=owned["owner"]
        )
    with pytest.raises(NotAllowed):
        action_services.action_progress_add(
            action=owned["action"], note="Stop.", status="dropped", principal=principal
        )
    with pytest.raises(NotAllowed):
        action_services.action_edit(
            action=owned["action"],
            description="Something else.",
            due_on=owned["action"].due_on,
            owner_name="Me",
            principal=principal,
        )
    with pytest.raises(NotAllowed):
        action_services.action_create(
            decision=owned["action"].decision,
            description="Another thing.",
            due_on=owned["action"].due_on,
            owner_name="Me",
            principal=principal,
        )


def test_a_signed_in_facilitator_may(owned, facilitator_user):
    principal = identity.Principal(user=facilitator_user)
    action_services.action_progress_add(
        action=owned["action"], note="Stopped: no money.", status="dropped", principal=principal
    )
    owned["action"].refresh_from_db()
    assert owned["action"].status == ActionStatus.DROPPED
