"""Decisions: the recorded outcome of a poll or a discussion."""

from django.db import transaction

from deliberation import audit
from deliberation.exceptions import InvalidInput
from deliberation.models import AgendaItem, Decision, Meeting, Member, Poll
from deliberation.services.common import Actor, actor_label, announce_change


def decision_record(
    *,
    meeting: Meeting,
    outcome: str,
    rationale: str = "",
    poll: Poll | None = None,
    agenda_item: AgendaItem | None = None,
    recorded_by: Member | None = None,
    actor: Actor = None,
) -> Decision:
    """Record what the meeting decided, frozen with the poll's result and who was there."""
    from deliberation import selectors

    if not outcome.strip():
        raise InvalidInput("Please write what was decided.")
    if poll is not None:
        if poll.meeting_id != meeting.pk:
            raise InvalidInput("That vote belongs to another meeting.")
        if not poll.is_closed:
            raise InvalidInput("Please close the vote before recording the decision.")
        if Decision.objects.filter(poll=poll).exists():
            raise InvalidInput("A decision has already been recorded for this vote.")
        agenda_item = agenda_item or poll.agenda_item
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise InvalidInput("That agenda item belongs to another meeting.")
    with transaction.atomic():
        decision = Decision.objects.create(
            meeting=meeting,
            forum_id=meeting.forum_id,
            poll=poll,
            agenda_item=agenda_item,
            outcome=outcome.strip(),
            rationale=rationale.strip(),
            result=poll.result if poll else None,
            attendance=selectors.attendance_counts(meeting)["present"],
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
                "outcome": decision.outcome,
                "rationale": decision.rationale,
                "attendance": decision.attendance,
                "ballot_digest": poll.ballot_digest if poll else None,
            },
        )
        decision.audit_hash = event.hash
        decision.save(update_fields=["audit_hash"])
        announce_change(
            meeting.pk,
            "decision.recorded",
            {"decision": selectors.decision_dict(decision)},
        )
    return decision
