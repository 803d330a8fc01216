"""Decisions: the recorded outcome of a poll or a discussion, and checking back on it."""

from django.db import transaction
from django.utils.translation import gettext as _

from deliberation import audit, identity
from deliberation.exceptions import InvalidInput
from deliberation.models import AgendaItem, Decision, Meeting, Member, Poll
from deliberation.selectors import meetings as meeting_selectors
from deliberation.selectors import record as record_selectors
from deliberation.services import notifications
from deliberation.services.common import (
    Actor,
    actor_label,
    announce_change,
    recheck_forum_facilitator,
)
from deliberation.services.polls import poll_create

# The method of a decision made by talking it through, without a vote.
DISCUSSION = "discussion"
QUESTION_MAX = 300


def decision_record(
    *,
    meeting: Meeting,
    outcome: str,
    outcome_easy_read: str = "",
    rationale: str = "",
    poll: Poll | None = None,
    agenda_item: AgendaItem | None = None,
    recorded_by: Member | None = None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Decision:
    """Record what the meeting decided, frozen with the poll's result and who was there.

    The audit event carries everything the decision shows (result, attendance by
    group, method, weighting, the poll's seal), so the record alone tells the story.
    """
    if not outcome.strip():
        raise InvalidInput(_("Please write what was decided."))
    if poll is not None:
        if poll.meeting_id != meeting.pk:
            raise InvalidInput(_("That vote belongs to another meeting."))
        if not poll.is_closed:
            raise InvalidInput(_("Please close the vote before recording the decision."))
        if Decision.objects.filter(poll=poll).exists():
            raise InvalidInput(_("A decision has already been recorded for this vote."))
        agenda_item = agenda_item or poll.agenda_item
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise InvalidInput(_("That agenda item belongs to another meeting."))
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        recheck_forum_facilitator(principal, meeting.forum_id)
        if poll is not None:
            # Read again under the meeting's lock, which poll_reopen holds too: a vote
            # opened again meanwhile has no frozen result to record.
            poll = Poll.objects.get(pk=poll.pk)
            if not poll.is_closed:
                raise InvalidInput(_("Please close the vote before recording the decision."))
        decision = Decision.objects.create(
            meeting=meeting,
            forum_id=meeting.forum_id,
            poll=poll,
            agenda_item=agenda_item,
            outcome=outcome.strip(),
            outcome_easy_read=outcome_easy_read.strip(),
            rationale=rationale.strip(),
            method=poll.method if poll else DISCUSSION,
            weighting=poll.weighting if poll else "",
            result=poll.result if poll else None,
            attendance=meeting_selectors.attendance_counts(meeting)["present"],
            recorded_by=recorded_by,
        )
        event = audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor or recorded_by),
            kind="decision.recorded",
            payload={
                "decision": decision.pk,
                "meeting": meeting.pk,
                "poll": poll.pk if poll else None,
                "agenda_item": agenda_item.pk if agenda_item else None,
                "outcome": decision.outcome,
                "outcome_easy_read": decision.outcome_easy_read,
                "rationale": decision.rationale,
                "method": decision.method,
                "weighting": decision.weighting,
                "result": decision.result,
                "attendance": decision.attendance,
                "recorded_by": recorded_by.pk if recorded_by else None,
                "proposals": record_selectors.decision_proposal_ids(decision),
                "ballot_root": poll.ballot_root if poll else None,
                **audit.binding(decision),
            },
        )
        decision.audit_hash = event.hash
        decision.save(update_fields=["audit_hash"])
        notifications.queue_for_decision(decision, exclude=recorded_by)
        announce_change(
            meeting.pk,
            "decision.recorded",
            {"decision": meeting_selectors.decision_dict(decision)},
        )
    return decision


def _check_back_question(decision: Decision) -> str:
    """Word the check-back question about a decision, short enough for a poll."""
    words = decision.outcome_easy_read or decision.outcome
    question = _("Is this what we agreed? “%(decision)s”")
    room = QUESTION_MAX - len(question % {"decision": ""})
    if len(words) > room:
        words = words[: room - 1].rstrip() + "…"
    return question % {"decision": words}


def decision_check_back(
    *,
    decision: Decision,
    meeting: Meeting,
    method: str = "traffic_light",
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Poll:
    """Make a poll asking the meeting "Is this what we agreed?" about a decision.

    The poll is made through poll_create (which writes its audit event, naming the
    decision it checks back on) and opened by the facilitator like any other.
    """
    if decision.forum_id != meeting.forum_id:
        raise InvalidInput(_("That decision belongs to another forum."))
    return poll_create(
        forum=meeting.forum,
        meeting=meeting,
        agenda_item=meeting.current_item,
        question=_check_back_question(decision),
        method=method,
        check_back_of=decision,
        actor=actor,
        principal=principal,
    )
