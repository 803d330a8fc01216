"""Who may do what in proposal threads: one row per action and role (a permission matrix)."""

import pytest
from django.urls import reverse

from deliberation import identity, permissions
from deliberation.exceptions import NotAllowed
from deliberation.models import Role
from deliberation.services import comments as comment_services
from deliberation.services import proposals as services
from deliberation.services import scheduling as scheduling_services
from tests import factories
from tests.proposals.conftest import ROLES, make_proposal

pytestmark = pytest.mark.django_db

WRITERS = {"participant", "supporter", "facilitator"}
LEADS = {"facilitator"}


def _someone_elses(forum):
    author = factories.member(forum, "staff", name="Author", role=Role.PARTICIPANT)
    return make_proposal(forum, author)


def _shortlisted(forum, lead):
    proposal = _someone_elses(forum)
    services.proposal_status_change(proposal=proposal, to="shortlisted", reason="Popular", by=lead)
    return proposal


def propose(forum, cast, who):
    make_proposal(forum, who)


def edit(forum, cast, who):
    proposal = _someone_elses(forum)
    services.proposal_edit(
        proposal=proposal, editor=who, title="New", summary="New words.", symbol="idea", body=""
    )


def comment(forum, cast, who):
    comment_services.comment_add(proposal=_someone_elses(forum), author=who, body="Good idea")


def endorse(forum, cast, who):
    services.proposal_endorse(proposal=_someone_elses(forum), member=who)


def hide(forum, cast, who):
    services.proposal_hide(proposal=_someone_elses(forum), by=who, reason="Off topic")


def change_status(forum, cast, who):
    services.proposal_status_change(
        proposal=_someone_elses(forum), to="shortlisted", reason="Popular", by=who
    )


def put_on_agenda(forum, cast, who):
    meeting = factories.open_meeting(forum)
    scheduling_services.proposals_schedule(
        proposals=[_shortlisted(forum, cast["facilitator"])],
        meeting=meeting,
        by=who,
        method="yes_no",
        question="Shall we?",
    )


ACTIONS = {
    "propose": (propose, WRITERS),
    "edit": (edit, LEADS),
    "comment": (comment, WRITERS),
    "endorse": (endorse, WRITERS),
    "hide": (hide, LEADS),
    "change_status": (change_status, LEADS),
    "put_on_agenda": (put_on_agenda, LEADS),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(forum, cast, action, role):
    do, allowed_roles = ACTIONS[action]
    who = cast[role]
    if role in allowed_roles:
        do(forum, cast, who)
    else:
        with pytest.raises(NotAllowed):
            do(forum, cast, who)


@pytest.mark.parametrize("role", ROLES)
def test_who_can_read(forum, cast, role, proposal, browser_for):
    who = identity.member_principal(cast[role])
    assert permissions.can("proposal.read", who, proposal) is (role != "outsider")
    client = browser_for(cast[role])
    for url in (
        reverse("deliberation:proposals", args=[forum.slug]),
        reverse("deliberation:proposal", args=[forum.slug, proposal.pk]),
    ):
        response = client.get(url)
        assert response.status_code == (403 if role == "outsider" else 200), url
        assert (b"More buses" in response.content) is (role != "outsider")


def test_a_stranger_with_no_link_sees_nothing(client, forum, proposal):
    for url in (
        reverse("deliberation:proposals", args=[forum.slug]),
        reverse("deliberation:proposal", args=[forum.slug, proposal.pk]),
        reverse("deliberation:forum_polls", args=[forum.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert b"More buses" not in response.content


def test_an_author_may_edit_and_withdraw_their_own(forum, cast, proposal):
    author = identity.member_principal(cast["participant"])
    lead = identity.member_principal(cast["facilitator"])
    assert permissions.can("proposal.edit", author, proposal)
    assert permissions.can("proposal.withdraw", author, proposal)
    assert not permissions.can("proposal.withdraw", lead, proposal)


@pytest.mark.parametrize("role", ["observer", "outsider"])
def test_forms_refuse_readers_over_http(forum, cast, proposal, browser_for, role):
    client = browser_for(cast[role])
    response = client.post(
        reverse("deliberation:proposal_action", args=[forum.slug, proposal.pk, "comment"]),
        {"body": "Hello"},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("deliberation:proposal_new", args=[forum.slug]),
        {"title": "T", "summary": "S.", "symbol": "idea"},
    )
    assert response.status_code == 403
