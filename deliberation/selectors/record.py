"""Reads for the record: decisions, actions, "last time", the audit chain."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from deliberation.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
    AuditEvent,
    Decision,
    Forum,
    Meeting,
    Poll,
    PollOption,
    ProposalPollLink,
)

DECISION_STATUSES = ("no_actions", "in_progress", "overdue", "done")


def decision_proposal_ids(decision: Decision) -> list[int]:
    """Return the proposals that were put to the decision's vote."""
    if decision.poll_id is None:
        return []
    return sorted(
        ProposalPollLink.objects.filter(poll_id=decision.poll_id).values_list(
            "proposal_id", flat=True
        )
    )


def _meeting_when() -> Coalesce:

    return Coalesce("starts_at", "created_at")


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """Return the forum's last meeting before this one that recorded decisions."""
    when = meeting.starts_at or meeting.created_at
    return (
        Meeting.objects.filter(forum_id=meeting.forum_id, decisions__isnull=False)
        .exclude(pk=meeting.pk)
        .annotate(when=_meeting_when())
        .filter(when__lt=when)
        .order_by("-when", "-pk")
        .distinct()
        .first()
    )


def _actions_prefetch() -> Prefetch:

    updates = ActionUpdate.objects.select_related("author").order_by("created_at", "pk")
    return Prefetch(
        "actions",
        queryset=Action.objects.select_related("owner")
        .prefetch_related(Prefetch("updates", queryset=updates))
        .order_by("due_on", "pk"),
    )


def action_dict(action: Action, *, today: datetime.date | None = None) -> dict[str, Any]:
    """Describe an action and its latest progress, for screens and exports."""
    updates = list(action.updates.all())
    latest = updates[-1] if updates else None
    return {
        "id": action.pk,
        "description": action.description,
        "owner": action.owner_name,
        "owner_member": action.owner_id,
        "due_on": action.due_on.isoformat(),
        "status": action.status,
        "overdue": action.is_overdue(today),
        "dropped_reason": action.dropped_reason,
        "latest": latest.note if latest else "",
    }


def meeting_recap(meeting: Meeting) -> dict[str, Any] | None:
    """Describe "last time": the previous meeting's decisions and what happened since."""
    previous = previous_meeting(meeting)
    if previous is None:
        return None
    today = timezone.localdate()
    decisions = (
        Decision.objects.filter(meeting=previous)
        .prefetch_related(_actions_prefetch())
        .order_by("recorded_at", "pk")
    )
    when = previous.starts_at or previous.created_at
    return {
        "meeting": {
            "id": previous.pk,
            "title": previous.title,
            "date": timezone.localtime(when).date().isoformat(),
        },
        "decisions": [
            {
                "id": d.pk,
                "outcome": d.outcome_easy_read or d.outcome,
                "actions": [action_dict(a, today=today) for a in d.actions.all()],
            }
            for d in decisions
        ],
    }


def decision_status(decision: Any) -> str:
    """Say where a decision's actions are, from decision_log's counts."""
    if not decision.actions_total:
        return "no_actions"
    if decision.actions_overdue:
        return "overdue"
    if decision.actions_open:
        return "in_progress"
    return "done"


def decision_log(
    forum: Forum,
    *,
    meeting: Meeting | None = None,
    status: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Decision]:
    """Return a forum's decisions, newest first, with counts of their actions by state.

    Filters: the meeting, the state of its actions (DECISION_STATUSES) and the dates
    it was made between (inclusive, in the forum's time zone). A decision is dated by
    its meeting (`decided_at`), not by when it was typed in: a decision of an earlier
    meeting entered later still belongs to that meeting's day.
    """
    today = timezone.localdate()
    is_open = Q(actions__status__in=OPEN_ACTION_STATUSES)
    decisions = (
        Decision.objects.filter(forum=forum)
        .select_related("meeting", "poll", "recorded_by", "agenda_item")
        .annotate(
            decided_at=Coalesce("meeting__starts_at", "meeting__created_at", "recorded_at"),
            actions_total=Count("actions"),
            actions_open=Count("actions", filter=is_open),
            actions_done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
            actions_overdue=Count("actions", filter=is_open & Q(actions__due_on__lt=today)),
        )
    )
    if meeting is not None:
        decisions = decisions.filter(meeting=meeting)
    if since:
        decisions = decisions.filter(decided_at__date__gte=since)
    if until:
        decisions = decisions.filter(decided_at__date__lte=until)
    if status == "no_actions":
        decisions = decisions.filter(actions_total=0)
    elif status == "overdue":
        decisions = decisions.filter(actions_overdue__gt=0)
    elif status == "in_progress":
        decisions = decisions.filter(actions_open__gt=0, actions_overdue=0)
    elif status == "done":
        decisions = decisions.filter(actions_total__gt=0, actions_open=0)
    return decisions.order_by("-decided_at", "-recorded_at", "-pk")


def decision_page(forum: Forum, decision_id: int) -> Decision:
    """Return one decision with everything its page shows, in a fixed number of queries."""
    options = Prefetch("options", queryset=PollOption.objects.order_by("position"))
    check_backs = Prefetch(
        "check_backs",
        queryset=Poll.objects.select_related("meeting")
        .prefetch_related(options)
        .order_by("created_at", "pk"),
    )
    links = Prefetch(
        "poll__proposal_links",
        queryset=ProposalPollLink.objects.select_related("proposal").order_by("proposal_id"),
    )
    return (
        Decision.objects.filter(forum=forum)
        .select_related("meeting", "poll", "recorded_by", "agenda_item")
        .prefetch_related(
            Prefetch("poll__options", queryset=PollOption.objects.order_by("position")),
            links,
            check_backs,
            _actions_prefetch(),
        )
        .get(pk=decision_id)
    )


def decisions_for_export(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """Load what the exports need about each decision on top of decision_log."""
    return decisions.prefetch_related(
        Prefetch("poll__proposal_links", queryset=ProposalPollLink.objects.order_by("proposal_id")),
        _actions_prefetch(),
    )


def meeting_actions(meeting: Meeting) -> dict[int, list[Action]]:
    """Return the actions of each of a meeting's decisions, by decision id (one query)."""
    by_decision: dict[int, list[Action]] = {}
    for action in Action.objects.filter(decision__meeting=meeting).order_by("due_on", "pk"):
        by_decision.setdefault(action.decision_id, []).append(action)
    return by_decision


def audit_chain(forum: Forum) -> Iterable[AuditEvent]:
    """Return a forum's audit events in chain order, streamed."""
    return AuditEvent.objects.filter(forum=forum).order_by("seq").iterator(chunk_size=1000)
