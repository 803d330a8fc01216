"""Proposal services: propose, edit, comment, endorse, hide, and the audit record."""

import datetime

import pytest
from django.utils import timezone

from deliberation import audit
from deliberation.exceptions import (
    AlreadyEndorsed,
    EditTimeOver,
    InvalidInput,
    ProposalClosed,
)
from deliberation.models import AuditEvent, CommentRevision, Endorsement, ProposalEvent
from deliberation.services import comments as comment_services
from deliberation.services import proposals as services
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db


def test_a_proposal_is_saved_with_its_timeline_and_audit_event(forum, cast, proposal):
    assert proposal.status == "open"
    assert proposal.author_constituency == "lived_experience"
    assert [e.kind for e in ProposalEvent.objects.filter(proposal=proposal)] == ["created"]
    event = AuditEvent.objects.filter(forum=forum, kind="proposal.created").get()
    assert event.payload["title"] == "More buses in the evening"
    forum.refresh_from_db()
    assert audit.verify_forum(forum) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "short title"),
        ("title", "x" * 81, "shorter"),
        ("summary", "One. Two. Three. Four.", "3 short sentences"),
        ("symbol", "not-a-symbol", "picture"),
    ],
)
def test_easy_read_limits_are_checked_in_plain_words(forum, cast, field, value, message):
    with pytest.raises(InvalidInput, match=message):
        make_proposal(forum, cast["participant"], **{field: value})


def test_editing_keeps_the_earlier_words_in_the_record(forum, cast, proposal):
    services.proposal_edit(
        proposal=proposal,
        editor=cast["participant"],
        title="Later buses",
        summary=proposal.summary,
        symbol="transport",
        body="New words.",
    )
    event = AuditEvent.objects.filter(forum=forum, kind="proposal.edited").get()
    assert event.payload["before"]["title"] == "More buses in the evening"
    assert event.payload["after"]["title"] == "Later buses"


def test_an_author_cannot_edit_once_it_is_on_the_shortlist(forum, cast, proposal):
    services.proposal_status_change(
        proposal=proposal, to="shortlisted", reason="Many people like it.", by=cast["facilitator"]
    )
    with pytest.raises(ProposalClosed, match="only a facilitator"):
        services.proposal_edit(
            proposal=proposal,
            editor=cast["participant"],
            title="Changed",
            summary="Short.",
            symbol="idea",
            body="",
        )


def test_endorse_once_each(forum, cast, proposal):
    services.proposal_endorse(proposal=proposal, member=cast["supporter"])
    with pytest.raises(AlreadyEndorsed):
        services.proposal_endorse(proposal=proposal, member=cast["supporter"])
    assert Endorsement.objects.filter(proposal=proposal).count() == 1


def test_one_level_of_replies(forum, cast, proposal):
    first = comment_services.comment_add(proposal=proposal, author=cast["supporter"], body="Yes!")
    reply = comment_services.comment_add(
        proposal=proposal, author=cast["participant"], body="Thanks", parent=first
    )
    reply_to_reply = comment_services.comment_add(
        proposal=proposal, author=cast["supporter"], body="Welcome", parent=reply
    )
    assert reply.parent_id == first.pk
    assert reply_to_reply.parent_id == first.pk


def test_comment_edit_keeps_earlier_text_and_closes_after_a_while(forum, cast, proposal):
    comment = comment_services.comment_add(
        proposal=proposal, author=cast["supporter"], body="Frist"
    )
    comment_services.comment_edit(comment=comment, editor=cast["supporter"], body="First")
    assert list(CommentRevision.objects.values_list("body", flat=True)) == ["Frist"]
    later = timezone.now() + comment_services.COMMENT_EDIT_WINDOW + datetime.timedelta(seconds=1)
    with pytest.raises(EditTimeOver):
        comment_services.comment_edit(
            comment=comment, editor=cast["supporter"], body="Again", now=later
        )


def test_hidden_is_not_deleted(forum, cast, proposal):
    comment = comment_services.comment_add(
        proposal=proposal, author=cast["supporter"], body="Rude words"
    )
    comment_services.comment_hide(comment=comment, by=cast["facilitator"], reason="Not kind")
    services.proposal_hide(proposal=proposal, by=cast["facilitator"], reason="Names a person")
    comment.refresh_from_db()
    proposal.refresh_from_db()
    assert comment.body == "Rude words" and comment.hidden_reason == "Not kind"
    assert proposal.title and proposal.hidden_reason == "Names a person"
    with pytest.raises(InvalidInput, match="why"):
        services.proposal_hide(proposal=proposal, by=cast["facilitator"], reason="  ")


def test_hiding_and_showing_again_is_recorded_the_same_way_for_proposals_and_comments(
    forum, cast, proposal
):
    comment = comment_services.comment_add(
        proposal=proposal, author=cast["supporter"], body="Rude words"
    )
    lead = cast["facilitator"]
    services.proposal_hide(proposal=proposal, by=lead, reason="  Names   a person ")
    comment_services.comment_hide(comment=comment, by=lead, reason="Not kind")
    services.proposal_unhide(proposal=proposal, by=lead)
    comment_services.comment_unhide(comment=comment, by=lead)
    # Showing again what is not hidden changes nothing and writes nothing.
    services.proposal_unhide(proposal=proposal, by=lead)
    comment_services.comment_unhide(comment=comment, by=lead)
    events = AuditEvent.objects.filter(forum=forum).order_by("seq")
    moderation = [
        # Leave out what every event carries: its version and the rows it binds.
        (e.kind, {k: v for k, v in e.payload.items() if k not in ("v", "binds")}, e.actor)
        for e in events
        if e.kind.endswith((".hidden", ".shown"))
    ]
    assert moderation == [
        (
            "proposal.hidden",
            {"proposal": proposal.pk, "reason": "Names a person"},
            f"member:{lead.pk}",
        ),
        ("comment.hidden", {"comment": comment.pk, "reason": "Not kind"}, f"member:{lead.pk}"),
        ("proposal.shown", {"proposal": proposal.pk}, f"member:{lead.pk}"),
        ("comment.shown", {"comment": comment.pk}, f"member:{lead.pk}"),
    ]
    timeline = ProposalEvent.objects.filter(proposal=proposal).exclude(kind="created")
    assert [(e.kind, e.reason) for e in timeline] == [("hidden", "Names a person"), ("shown", "")]
    comment.refresh_from_db()
    proposal.refresh_from_db()
    assert not comment.is_hidden and not proposal.is_hidden
    assert (comment.hidden_reason, comment.hidden_by) == ("", None)
    forum.refresh_from_db()
    assert audit.verify_forum(forum) is None
