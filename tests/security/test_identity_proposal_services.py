"""Proposal and forum-vote services check their rule again under the row lock.

The page let the person in a moment ago; meanwhile they were made an observer, a
facilitator was made a participant, the proposal was hidden or the comment grew too old
to change. Each service reads the person and the row as they are now and refuses in
plain words. One row per service and way of being someone; a refusal writes nothing.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from deliberation import identity
from deliberation.exceptions import EditTimeOver, NotAllowed, ProposalClosed
from deliberation.models import AuditEvent, Comment, Member, Role
from deliberation.services import comments as comment_services
from deliberation.services import forum_polls
from deliberation.services import proposals as services
from deliberation.services import scheduling as scheduling_services
from tests import factories
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db

KINDS = [
    "author_by_link",
    "other_participant_by_link",
    "observer_by_link",
    "joined_by_name",
    "facilitator_signed_in",
    "author_made_observer",
    "facilitator_made_participant",
]
WRITERS = {"author_by_link", "other_participant_by_link", "facilitator_signed_in"}
# The roles change after the page's check: a demoted facilitator still writes.
WRITERS_NOW = WRITERS | {"facilitator_made_participant"}
LEAD = {"facilitator_signed_in"}


@pytest.fixture
def thread(forum, lead, facilitator_user):
    author = factories.member(forum, "lived_experience", name="Alice")
    other = factories.member(forum, "staff", name="Bea")
    observer = factories.member(forum, "commissioner", name="Olu", role=Role.OBSERVER)
    meeting = factories.open_meeting(forum, actor=facilitator_user)
    factories.join(meeting, author)
    proposal = make_proposal(forum, author)
    comment = comment_services.comment_add(
        proposal=proposal, author=author, body="My first thought."
    )
    return {
        "forum": forum,
        "lead": lead,
        "user": facilitator_user,
        "author": author,
        "other": other,
        "observer": observer,
        "meeting": meeting,
        "proposal": proposal,
        "comment": comment,
    }


def _principal(kind: str, t: dict[str, Any]) -> tuple[identity.Principal, Member]:
    """Return the principal the page read, and the member the page names as acting."""
    forum_id = t["forum"].pk
    by_link = {
        "author_by_link": t["author"],
        "other_participant_by_link": t["other"],
        "observer_by_link": t["observer"],
        "author_made_observer": t["author"],
    }
    if kind in by_link:
        member = by_link[kind]
        principal = identity.Principal(user=AnonymousUser(), forum_id=forum_id, member=member)
        if kind == "author_made_observer":
            Member.objects.filter(pk=member.pk).update(role=Role.OBSERVER)
        return principal, member
    if kind == "joined_by_name":
        principal = identity.Principal(
            user=AnonymousUser(), meeting_id=t["meeting"].pk, meeting_member=t["author"]
        )
        return principal, t["author"]
    principal = identity.Principal(user=t["user"], forum_id=forum_id, member=t["lead"])
    if kind == "facilitator_made_participant":
        Member.objects.filter(pk=t["lead"].pk).update(role=Role.PARTICIPANT)
    return principal, t["lead"]


def _shortlisted(t: dict[str, Any]) -> Any:
    return services.proposal_status_change(
        proposal=t["proposal"], to="shortlisted", reason="Popular", by=t["lead"]
    )


def _closed_forum_vote(t: dict[str, Any]) -> tuple[Any, Any]:
    live = factories.poll(t["meeting"], "traffic_light", open_=False)
    opens = timezone.now() - datetime.timedelta(hours=1)
    closes = opens + datetime.timedelta(hours=2)
    remote = forum_polls.forum_poll_create(
        forum=t["forum"], by=t["lead"], opens_at=opens, closes_at=closes, mirror_of=live
    )
    forum_polls.forum_polls_tick(now=closes + datetime.timedelta(seconds=1))
    remote.refresh_from_db()
    return remote, live


Call = Callable[[identity.Principal, Member], Any]


def _schedule(t: dict[str, Any]) -> Call:
    proposal = _shortlisted(t)
    return lambda p, m: scheduling_services.proposals_schedule(
        proposals=[proposal],
        meeting=t["meeting"],
        by=m,
        method="yes_no",
        question="Shall we?",
        principal=p,
    )


def _count_in(t: dict[str, Any]) -> Call:
    remote, live = _closed_forum_vote(t)
    return lambda p, m: forum_polls.forum_poll_count_in(
        forum_poll=remote, meeting_poll=live, by=m, principal=p
    )


def _hidden_comment(t: dict[str, Any]) -> Comment:
    return comment_services.comment_hide(comment=t["comment"], by=t["lead"], reason="Off topic")


# service -> (given the thread, the call as the page makes it; who may; the refusal's words)
SERVICES: dict[str, tuple[Callable[[dict[str, Any]], Call], set[str], str]] = {
    "proposal_create": (
        lambda t: lambda p, m: make_proposal(t["forum"], m, principal=p),
        WRITERS_NOW,
        "You cannot propose in this forum.",
    ),
    "proposal_edit": (
        lambda t: (
            lambda p, m: services.proposal_edit(
                proposal=t["proposal"],
                editor=m,
                title="New",
                summary="New words.",
                symbol="idea",
                body="",
                principal=p,
            )
        ),
        {"author_by_link", "facilitator_signed_in"},
        "You cannot change this proposal.",
    ),
    "comment_add": (
        lambda t: (
            lambda p, m: comment_services.comment_add(
                proposal=t["proposal"], author=m, body="Yes!", principal=p
            )
        ),
        WRITERS_NOW,
        "You cannot comment here.",
    ),
    "comment_edit": (
        lambda t: (
            lambda p, m: comment_services.comment_edit(
                comment=t["comment"], editor=m, body="My second thought.", principal=p
            )
        ),
        {"author_by_link"},
        "You can only change your own comments.",
    ),
    "proposal_endorse": (
        lambda t: (
            lambda p, m: services.proposal_endorse(proposal=t["proposal"], member=m, principal=p)
        ),
        WRITERS_NOW,
        "You cannot support proposals here.",
    ),
    "proposal_hide": (
        lambda t: (
            lambda p, m: services.proposal_hide(
                proposal=t["proposal"], by=m, reason="Off topic", principal=p
            )
        ),
        LEAD,
        "Only a facilitator can hide this.",
    ),
    "proposal_unhide": (
        lambda t: (
            services.proposal_hide(proposal=t["proposal"], by=t["lead"], reason="Off topic"),
            lambda p, m: services.proposal_unhide(proposal=t["proposal"], by=m, principal=p),
        )[1],
        LEAD,
        "Only a facilitator can do this.",
    ),
    "comment_hide": (
        lambda t: (
            lambda p, m: comment_services.comment_hide(
                comment=t["comment"], by=m, reason="Off topic", principal=p
            )
        ),
        LEAD,
        "Only a facilitator can hide this.",
    ),
    "comment_unhide": (
        lambda t: (
            lambda comment: (
                lambda p, m: comment_services.comment_unhide(comment=comment, by=m, principal=p)
            )
        )(_hidden_comment(t)),
        LEAD,
        "Only a facilitator can do this.",
    ),
    "proposal_status_change": (
        lambda t: (
            lambda p, m: services.proposal_status_change(
                proposal=t["proposal"], to="shortlisted", reason="Popular", by=m, principal=p
            )
        ),
        LEAD,
        "Only a facilitator can move a proposal on.",
    ),
    "proposal_withdraw": (
        lambda t: (
            lambda p, m: services.proposal_withdraw(
                proposal=t["proposal"], by=m, reason="Changed my mind", principal=p
            )
        ),
        {"author_by_link"},
        "Only the person who wrote it can take it back.",
    ),
    "proposals_schedule": (
        _schedule,
        LEAD,
        "Only a facilitator can put proposals on an agenda.",
    ),
    "forum_poll_create": (
        lambda t: (
            lambda p, m: forum_polls.forum_poll_create(
                forum=t["forum"],
                by=m,
                opens_at=timezone.now() + datetime.timedelta(hours=1),
                closes_at=timezone.now() + datetime.timedelta(hours=3),
                question="Tea or coffee?",
                method="yes_no",
                principal=p,
            )
        ),
        LEAD,
        "Only a facilitator can start a forum vote.",
    ),
    "forum_poll_count_in": (
        _count_in,
        LEAD,
        "Only a facilitator can count these votes in.",
    ),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_checks_its_rule_under_the_lock(thread, service, kind):
    setup, allowed, words = SERVICES[service]
    call = setup(thread)
    principal, member = _principal(kind, thread)
    before = AuditEvent.objects.count()
    if kind in allowed:
        call(principal, member)
        assert AuditEvent.objects.count() > before
        return
    with pytest.raises(NotAllowed) as refused:
        call(principal, member)
    assert refused.value.message == words
    assert AuditEvent.objects.count() == before


def test_a_proposal_hidden_meanwhile_takes_no_comment(thread):
    principal, author = _principal("other_participant_by_link", thread)
    services.proposal_hide(proposal=thread["proposal"], by=thread["lead"], reason="Off topic")
    with pytest.raises(ProposalClosed) as refused:
        comment_services.comment_add(
            proposal=thread["proposal"], author=author, body="Yes!", principal=principal
        )
    assert refused.value.message == "This proposal is hidden, so you cannot comment on it."


def test_a_proposal_shortlisted_meanwhile_is_the_facilitators_to_change(thread):
    principal, author = _principal("author_by_link", thread)
    _shortlisted(thread)
    with pytest.raises(ProposalClosed) as refused:
        services.proposal_edit(
            proposal=thread["proposal"],
            editor=author,
            title="New",
            summary="New words.",
            symbol="idea",
            body="",
            principal=principal,
        )
    assert "only a facilitator can change it" in refused.value.message


def test_a_comment_hidden_or_too_old_meanwhile_cannot_be_changed(thread):
    principal, author = _principal("author_by_link", thread)
    later = (
        thread["comment"].created_at
        + comment_services.COMMENT_EDIT_WINDOW
        + datetime.timedelta(seconds=1)
    )
    with pytest.raises(EditTimeOver):
        comment_services.comment_edit(
            comment=thread["comment"],
            editor=author,
            body="Too late.",
            now=later,
            principal=principal,
        )
    _hidden_comment(thread)
    with pytest.raises(NotAllowed) as refused:
        comment_services.comment_edit(
            comment=thread["comment"], editor=author, body="Sneaky.", principal=principal
        )
    assert refused.value.message == "This comment is hidden, so it cannot be changed."
