"""Read queries shaped for pages, snapshots and broadcasts, without N+1 queries."""

from collections import Counter
from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from deliberation import methods, results_shape
from deliberation.easyread import builder, review
from deliberation.models import (
    AgendaItem,
    Attendance,
    Ballot,
    Constituency,
    Decision,
    Forum,
    Meeting,
    Member,
    Poll,
    PollOption,
    Role,
    Source,
    Summary,
    SummarySend,
    WelshStatus,
)

AUDIENCES = ("phone", "projector", "facilitator")


def poll_with_options(poll_id: int) -> Poll:
    """Return a poll with its options loaded."""
    return Poll.objects.select_related("meeting").prefetch_related("options").get(pk=poll_id)


def _spec(poll: Poll) -> methods.PollSpec:
    return methods.PollSpec(
        method=poll.method, options=tuple(o.key for o in poll.options.all()), dots=poll.dots
    )


def poll_ballots(poll: Poll) -> list[methods.Ballot]:
    """Return every ballot of a poll, with hand counts, as the voting methods take them."""
    ballots: list[methods.Ballot] = []
    table = poll.secret_ballots if poll.secret else poll.ballots
    rows: Iterable[tuple[str, Any, str]] = table.values_list("constituency", "answer", "source")
    for constituency, answer, source in rows:
        ballots.append(methods.Ballot(constituency=constituency, answer=answer, source=source))
    for constituency, choice, count in poll.hand_counts.values_list(
        "constituency", "choice", "count"
    ):
        ballots.append(
            methods.Ballot(
                constituency=constituency, answer={"choice": choice}, count=count, source="hand"
            )
        )
    return ballots


def compute_result(poll: Poll) -> dict[str, Any]:
    """Count a poll's ballots now."""
    return methods.tally(
        _spec(poll),
        poll_ballots(poll),
        secret=poll.secret,
        double_majority=poll.double_majority,
        lived_experience_consent=poll.lived_experience_consent,
        primary=poll.weighting,
    )


def current_result(poll: Poll) -> dict[str, Any]:
    """Return the frozen result of a closed poll, or count an open one."""
    if poll.is_closed and poll.result is not None:
        return poll.result
    return compute_result(poll)


def poll_dict(poll: Poll, *, result: dict[str, Any] | None = None) -> dict[str, Any]:
    """Describe a poll for a screen; a closed poll carries its frozen result."""
    if result is None and poll.is_closed:
        result = poll.result
    entry = {
        "id": poll.pk,
        "question": poll.question,
        "method": poll.method,
        "status": poll.status,
        "agenda_item": poll.agenda_item_id,
        "dots": poll.dots,
        "weighting": poll.weighting,
        "secret": poll.secret,
        # Screens hide the results of an open secret poll as they do hidden results.
        "results_hidden": poll.results_hidden or poll.secret,
        "double_majority": poll.double_majority,
        "lived_experience_consent": poll.lived_experience_consent,
        "options": [
            {"key": o.key, "label": o.label, "symbol": o.symbol or o.key}
            for o in poll.options.all()
        ],
        "voters": result["voters"] if result else 0,
        "result": result,
    }
    # The result as screens show it, so live.js does not build results a second time.
    entry["shown"] = results_shape.shape(entry)
    return entry


def tally_event(poll_id: int) -> dict[str, Any] | None:
    """Build the `tally.updated` broadcast of a poll from the database."""
    try:
        poll = poll_with_options(poll_id)
    except Poll.DoesNotExist:
        return None
    if poll.meeting is None:
        return None
    result = current_result(poll)
    visible = poll.results_visible
    return {
        "type": "tally.updated",
        "version": poll.meeting.version,
        "poll": poll.pk,
        "status": poll.status,
        "visible": visible,
        "voters": result["voters"],
        "result": result if visible else None,
        "shown": poll_dict(poll, result=result if visible else None)["shown"],
    }


def agenda_list(meeting: Meeting) -> list[dict[str, Any]]:
    """Describe a meeting's agenda in order."""
    return [
        {
            "id": item.pk,
            "position": item.position,
            "title": item.title,
            "description": item.description,
        }
        for item in AgendaItem.objects.filter(meeting=meeting).order_by("position")
    ]


def attendance_counts(meeting: Meeting) -> dict[str, Any]:
    """Count who is present by constituency, and who is waiting to be let in."""
    present: Counter[str] = Counter()
    waiting = 0
    for constituency, status in Attendance.objects.filter(meeting=meeting).values_list(
        "member__constituency", "status"
    ):
        if status == Attendance.Status.PRESENT:
            present[constituency] += 1
        elif status == Attendance.Status.WAITING:
            waiting += 1
    return {
        "present": {c: present[c] for c in Constituency.values},
        "waiting": waiting,
    }


def attendance_state(meeting: Meeting) -> dict[str, Any]:
    """List who is here or waiting, with their needs, for the facilitator."""
    people = [
        {
            "attendance": a.pk,
            "member": a.member_id,
            "name": a.member.name,
            "constituency": a.member.constituency,
            "role": a.member.role,
            "needs": a.member.communication_needs,
            "guest": a.member.is_guest,
            "status": a.status,
            # Another phone asks for this name (never which phone: only that one asks).
            "claim": bool(a.claim_token),
        }
        for a in Attendance.objects.filter(meeting=meeting)
        .select_related("member")
        .order_by("member__name")
    ]
    return {**attendance_counts(meeting), "people": people}


def decision_dict(decision: Decision) -> dict[str, Any]:
    """Describe a recorded decision for a screen."""
    return {
        "id": decision.pk,
        "poll": decision.poll_id,
        "agenda_item": decision.agenda_item_id,
        "outcome": decision.outcome,
        "outcome_easy_read": decision.outcome_easy_read,
        "rationale": decision.rationale,
        "attendance": decision.attendance,
        "recorded_at": decision.recorded_at.isoformat(),
    }


def meeting_polls(meeting: Meeting) -> QuerySet[Poll]:
    """Return a meeting's polls with their options, oldest first."""
    return (
        Poll.objects.filter(meeting=meeting)
        .prefetch_related(Prefetch("options", queryset=PollOption.objects.order_by("position")))
        .order_by("created_at", "pk")
    )


def meeting_version(meeting_id: int) -> int | None:
    """Return a meeting's version (one query, for the heartbeat), or None if it is gone."""
    return Meeting.objects.filter(pk=meeting_id).values_list("version", flat=True).first()


def meeting_snapshot(
    meeting_id: int, *, audience: str, member: Member | None = None
) -> dict[str, Any]:
    """Build the state a screen starts from; events are applied on top of it."""
    meeting = Meeting.objects.select_related("forum").get(pk=meeting_id)
    polls = [
        _snapshot_poll(poll, audience)
        for poll in meeting_polls(meeting)
        if audience != "phone" or poll.status != Poll.Status.DRAFT
    ]
    snapshot: dict[str, Any] = {
        "type": "snapshot",
        "audience": audience,
        "version": meeting.version,
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "forum": meeting.forum.name,
            "status": meeting.status,
            "join_code": meeting.join_code,
            "current_item": meeting.current_item_id,
        },
        "agenda": agenda_list(meeting),
        "polls": polls,
        "decisions": [decision_dict(d) for d in meeting.decisions.order_by("recorded_at", "pk")],
        "recap": meeting_recap(meeting) if meeting.recap_shown else None,
    }
    if audience in ("projector", "facilitator"):
        snapshot["attendance"] = attendance_counts(meeting)
    if audience == "facilitator":
        snapshot["people"] = attendance_state(meeting)["people"]
    if audience == "phone" and member is not None:
        snapshot["me"] = member_state(meeting, member)
    return snapshot


def _snapshot_poll(poll: Poll, audience: str) -> dict[str, Any]:
    """Describe a poll as it stands now, as much as this audience may see."""
    if poll.status != Poll.Status.OPEN:
        return poll_dict(poll)
    result = compute_result(poll)
    if poll.results_visible:
        return poll_dict(poll, result=result)
    entry = poll_dict(poll)
    # Phones are not told how many have voted while results are hidden; the room is.
    entry["voters"] = 0 if audience == "phone" else result["voters"]
    return entry


def member_state(meeting: Meeting, member: Member) -> dict[str, Any]:
    """Describe the person on this phone: who they are, whom they support, how they voted."""
    named = dict(
        Ballot.objects.filter(poll__meeting=meeting, member=member).values_list("poll_id", "answer")
    )
    secret_voted = list(
        member.participations.filter(poll__meeting=meeting).values_list("poll_id", flat=True)
    )
    return {
        "member": member.pk,
        "name": member.name,
        "constituency": member.constituency,
        "role": member.role,
        "supports": [{"id": m.pk, "name": m.name} for m in member.supports.order_by("name")]
        if member.role == Role.SUPPORTER
        else [],
        "answers": {str(k): v for k, v in named.items()},
        "voted": sorted({*map(str, named), *map(str, secret_voted)}),
    }


# -- pages ------------------------------------------------------------------------


def forums_for_user(user: Any) -> QuerySet[Forum]:
    """Return the forums a signed-in user facilitates (all of them for a superuser)."""
    if user.is_superuser:
        return Forum.objects.all()
    return Forum.objects.filter(
        members__user=user, members__role=Role.FACILITATOR, members__is_active=True
    ).distinct()


def forum_members(forum: Forum) -> QuerySet[Member]:
    """Return a forum's members with whom they support, by name."""
    return forum.members.filter(is_guest=False).prefetch_related("supports").order_by("name")


def expected_participants(meeting: Meeting) -> QuerySet[Member]:
    """Return the names a phone may pick at a meeting: its forum's participants and supporters.

    Never a facilitator (their powers come from their login), an observer or a guest, and
    nobody before the meeting opens or after it ends (the code is on the projector).
    """
    if meeting.status != Meeting.Status.OPEN:
        return Member.objects.none()
    return Member.objects.filter(
        forum_id=meeting.forum_id,
        is_active=True,
        is_guest=False,
        role__in=[Role.PARTICIPANT, Role.SUPPORTER],
    ).order_by("name")


def open_meeting_for_forum(forum_id: int) -> Meeting | None:
    """Return the forum's meeting that is open now, if any (the newest one)."""
    return (
        Meeting.objects.filter(forum_id=forum_id, status=Meeting.Status.OPEN)
        .order_by("-created_at")
        .first()
    )


# -- proposal threads -------------------------------------------------------------------


def _support_counts() -> dict[str, Any]:
    """Annotations: endorsements by constituency and visible comments, as subqueries.

    Subqueries rather than joins, so counting 1,000 comments never multiplies rows.
    """
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from deliberation.models import Comment, Endorsement

    def count(queryset: QuerySet[Any]) -> Any:
        counted = (
            queryset.filter(proposal=OuterRef("pk"))
            .order_by()
            .values("proposal")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    annotations = {
        f"support_{c}": count(Endorsement.objects.filter(constituency=c))
        for c in Constituency.values
    }
    annotations["comment_count"] = count(Comment.objects.filter(hidden_at__isnull=True))
    return annotations


def proposal_list(
    forum: Forum,
    *,
    status: str = "",
    symbol: str = "",
    constituency: str = "",
    q: str = "",
) -> QuerySet[Any]:
    """Return a forum's proposals, filtered and searched, with support and comment counts.

    Search uses PostgreSQL full-text search on PostgreSQL and a simple match on SQLite;
    hidden proposals never match a search (their words are not shown).
    """
    from django.db import connection
    from django.db.models import Q

    from deliberation.models import Proposal

    proposals = (
        Proposal.objects.filter(forum=forum).select_related("author").annotate(**_support_counts())
    )
    if status:
        proposals = proposals.filter(status=status)
    if symbol:
        proposals = proposals.filter(symbol=symbol)
    if constituency:
        proposals = proposals.filter(author_constituency=constituency)
    q = " ".join(q.split())[:200]
    if q:
        proposals = proposals.filter(hidden_at__isnull=True)
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

            vector = (
                SearchVector("title", weight="A", config="simple")
                + SearchVector("summary", weight="B", config="simple")
                + SearchVector("body", weight="C", config="simple")
            )
            query = SearchQuery(q, search_type="websearch", config="simple")
            return (
                proposals.annotate(rank=SearchRank(vector, query))
                .filter(rank__gt=0)
                .order_by("-rank", "-created_at", "-pk")
            )
        words = q.split()
        for word in words:
            proposals = proposals.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
    return proposals.order_by("-created_at", "-pk")


def support_by_constituency(proposal: Any) -> dict[str, int]:
    """Count a proposal's endorsements in each constituency (one query)."""
    from django.db.models import Count

    from deliberation.models import Endorsement

    counts = dict(
        Endorsement.objects.filter(proposal=proposal)
        .order_by()
        .values_list("constituency")
        .annotate(n=Count("pk"))
    )
    return {c: counts.get(c, 0) for c in Constituency.values}


def proposal_comments(proposal: Any) -> QuerySet[Any]:
    """Return a proposal's top-level comments with their replies and earlier versions."""
    from deliberation.models import Comment

    replies = (
        Comment.objects.select_related("author")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    )
    return (
        Comment.objects.filter(proposal=proposal, parent__isnull=True)
        .select_related("author")
        .prefetch_related("revisions", Prefetch("replies", queryset=replies))
        .order_by("created_at", "pk")
    )


def proposal_timeline(proposal: Any) -> list[Any]:
    """Return a proposal's timeline events, oldest first, with who and where."""
    from deliberation.models import ProposalEvent

    return list(
        ProposalEvent.objects.filter(proposal=proposal)
        .select_related("actor", "meeting", "poll")
        .order_by("created_at", "pk")
    )


def proposal_polls(proposal: Any) -> list[Any]:
    """Return the votes a proposal was put to, with their options and schedules."""
    from deliberation.models import ProposalPollLink

    return list(
        ProposalPollLink.objects.filter(proposal=proposal)
        .select_related("poll", "poll__meeting", "poll__schedule", "option")
        .order_by("poll__created_at", "pk")
    )


def forum_polls(forum: Forum) -> QuerySet[Poll]:
    """Return a forum's polls between meetings, newest first, with their schedules."""
    return (
        Poll.objects.filter(forum=forum, meeting__isnull=True, schedule__isnull=False)
        .select_related("schedule", "schedule__counted_in", "schedule__counted_in__meeting")
        .prefetch_related(Prefetch("options", queryset=PollOption.objects.order_by("position")))
        .order_by("-schedule__opens_at", "-pk")
    )


# -- the record: decisions, actions, "last time" ----------------------------------------

DECISION_STATUSES = ("no_actions", "in_progress", "overdue", "done")


def decision_proposal_ids(decision: Decision) -> list[int]:
    """Return the proposals that were put to the decision's vote."""
    from deliberation.models import ProposalPollLink

    if decision.poll_id is None:
        return []
    return sorted(
        ProposalPollLink.objects.filter(poll_id=decision.poll_id).values_list(
            "proposal_id", flat=True
        )
    )


def _meeting_when() -> Any:
    from django.db.models.functions import Coalesce

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
    from deliberation.models import Action, ActionUpdate

    updates = ActionUpdate.objects.select_related("author").order_by("created_at", "pk")
    return Prefetch(
        "actions",
        queryset=Action.objects.select_related("owner")
        .prefetch_related(Prefetch("updates", queryset=updates))
        .order_by("due_on", "pk"),
    )


def action_dict(action: Any, *, today: Any = None) -> dict[str, Any]:
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
    from django.utils import timezone

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
    since: Any = None,
    until: Any = None,
) -> QuerySet[Decision]:
    """Return a forum's decisions, newest first, with counts of their actions by state.

    Filters: the meeting, the state of its actions (DECISION_STATUSES) and the dates
    it was recorded between (inclusive, in the forum's time zone).
    """
    from django.db.models import Count, Q
    from django.utils import timezone

    from deliberation.models import OPEN_ACTION_STATUSES, ActionStatus

    today = timezone.localdate()
    is_open = Q(actions__status__in=OPEN_ACTION_STATUSES)
    decisions = (
        Decision.objects.filter(forum=forum)
        .select_related("meeting", "poll", "recorded_by", "agenda_item")
        .annotate(
            actions_total=Count("actions"),
            actions_open=Count("actions", filter=is_open),
            actions_done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
            actions_overdue=Count("actions", filter=is_open & Q(actions__due_on__lt=today)),
        )
    )
    if meeting is not None:
        decisions = decisions.filter(meeting=meeting)
    if since:
        decisions = decisions.filter(recorded_at__date__gte=since)
    if until:
        decisions = decisions.filter(recorded_at__date__lte=until)
    if status == "no_actions":
        decisions = decisions.filter(actions_total=0)
    elif status == "overdue":
        decisions = decisions.filter(actions_overdue__gt=0)
    elif status == "in_progress":
        decisions = decisions.filter(actions_open__gt=0, actions_overdue=0)
    elif status == "done":
        decisions = decisions.filter(actions_total__gt=0, actions_open=0)
    return decisions.order_by("-recorded_at", "-pk")


def decision_page(forum: Forum, decision_id: int) -> Decision:
    """Return one decision with everything its page shows, in a fixed number of queries."""
    from deliberation.models import ProposalPollLink

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
    from deliberation.models import ProposalPollLink

    return decisions.prefetch_related(
        Prefetch("poll__proposal_links", queryset=ProposalPollLink.objects.order_by("proposal_id")),
        _actions_prefetch(),
    )


def meeting_actions(meeting: Meeting) -> dict[int, list[Any]]:
    """Return the actions of each of a meeting's decisions, by decision id (one query)."""
    from deliberation.models import Action

    by_decision: dict[int, list[Any]] = {}
    for action in Action.objects.filter(decision__meeting=meeting).order_by("due_on", "pk"):
        by_decision.setdefault(action.decision_id, []).append(action)
    return by_decision


def audit_chain(forum: Forum) -> Iterable[Any]:
    """Return a forum's audit events in chain order, streamed."""
    from deliberation.models import AuditEvent

    return AuditEvent.objects.filter(forum=forum).order_by("seq").iterator(chunk_size=1000)


def forum_words(forum: Forum) -> tuple[dict[str, str], dict[str, str]]:
    """Return a forum's glossary and jargon as {term: plain words} dicts (one query)."""
    from deliberation.models import GlossaryEntry

    glossary: dict[str, str] = {}
    jargon: dict[str, str] = {}
    rows = GlossaryEntry.objects.filter(forum=forum).values_list("kind", "term", "plain")
    for kind, term, plain in rows:
        (glossary if kind == GlossaryEntry.Kind.GLOSSARY else jargon)[term] = plain
    return glossary, jargon


# -- easy-read summaries ---------------------------------------------------------------


def meeting_record(meeting: Meeting) -> "builder.MeetingRecord":
    """Gather what a meeting's easy-read summary is built from, in a fixed number of queries.

    Who came counts everyone let in (here now or left since), by constituency, without
    names. The next meeting is the forum's earliest meeting planned after this one.
    """
    from django.utils import timezone

    from deliberation.models import Action

    came: Counter[str] = Counter(
        Attendance.objects.filter(meeting=meeting)
        .exclude(status=Attendance.Status.WAITING)
        .values_list("member__constituency", flat=True)
    )
    agenda = list(
        AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("pk", "title")
    )
    decisions = [
        builder.DecisionRecord(
            id=d.pk,
            outcome=d.outcome,
            outcome_easy_read=d.outcome_easy_read,
            agenda_item=d.agenda_item_id,
            method=d.method,
            result=d.result,
            options={o.key: o.label for o in d.poll.options.all()} if d.poll else {},
            question=d.poll.question if d.poll else "",
            remote_voters=d.remote_named + d.remote_secret,
        )
        for d in Decision.objects.filter(meeting=meeting)
        .select_related("poll")
        .annotate(
            # Votes between meetings counted in with the meeting's (Source.REMOTE).
            remote_named=Count(
                "poll__ballots", filter=Q(poll__ballots__source=Source.REMOTE), distinct=True
            ),
            remote_secret=Count(
                "poll__secret_ballots",
                filter=Q(poll__secret_ballots__source=Source.REMOTE),
                distinct=True,
            ),
        )
        .prefetch_related(
            Prefetch("poll__options", queryset=PollOption.objects.order_by("position"))
        )
        .order_by("recorded_at", "pk")
    ]
    action_rows = (
        Action.objects.filter(decision__meeting=meeting)
        .order_by("due_on", "pk")
        .values_list(
            "decision_id", "description", "owner_name", "due_on", "status", "dropped_reason"
        )
    )
    actions = [
        builder.ActionRecord(
            decision=decision_id,
            description=description,
            owner=owner,
            due_on=due_on,
            status=status,
            dropped_reason=dropped_reason,
        )
        for decision_id, description, owner, due_on, status, dropped_reason in action_rows
    ]
    when = meeting.starts_at or meeting.created_at
    # The next meeting: the earliest planned after this one, or else one not held yet
    # whose date is not set (the summary then says we will tell people the date).
    upcoming = (
        Meeting.objects.filter(forum_id=meeting.forum_id)
        .filter(Q(starts_at__gt=when) | Q(starts_at__isnull=True))
        .exclude(pk=meeting.pk)
        .exclude(status=Meeting.Status.CLOSED)
        .order_by(F("starts_at").asc(nulls_last=True), "pk")
        .first()
    )
    next_meeting = (
        builder.NextMeeting(
            title=upcoming.title,
            starts_at=timezone.localtime(upcoming.starts_at) if upcoming.starts_at else None,
            place=upcoming.place,
        )
        if upcoming is not None
        else None
    )
    return builder.MeetingRecord(
        title=meeting.title,
        starts_at=timezone.localtime(meeting.starts_at) if meeting.starts_at else None,
        place=meeting.place,
        came={c: came[c] for c in Constituency.values if came[c]},
        agenda=agenda,
        decisions=decisions,
        actions=actions,
        next_meeting=next_meeting,
        today=timezone.localdate(),
    )


def summary_review_words(summary: Summary) -> list[review.PointWords]:
    """Read a summary's points in order, numbered as people see them (one query)."""
    rows = summary.points.order_by("position").values_list("pk", "text", "text_cy")
    return [
        review.PointWords(id=pk, number=n, text=text, text_cy=text_cy)
        for n, (pk, text, text_cy) in enumerate(rows, start=1)
    ]


def summary_points_needing_welsh(summary: Summary) -> set[int]:
    """Return the ids of a summary's points whose Welsh still needs a check."""
    return set(
        summary.points.filter(welsh_status=WelshStatus.NEEDS_CHECK).values_list("pk", flat=True)
    )


def summary_points_with_findings(
    summary: Summary, languages: Collection[str] = ("en", "cy")
) -> dict[int, tuple[str, ...]]:
    """Return the points that still have easy-read advice, checked with the forum's words."""
    glossary, jargon = forum_words(summary.forum)
    return review.open_findings(
        summary_review_words(summary), glossary=glossary, jargon=jargon, languages=languages
    )


def meeting_summary(meeting: Meeting) -> "Summary | None":
    """Return a meeting's summary with its points in order and who signed it off, or None."""
    from deliberation.models import SummaryPoint

    return (
        Summary.objects.filter(meeting=meeting)
        .select_related("signed_off_by")
        .prefetch_related(Prefetch("points", queryset=SummaryPoint.objects.order_by("position")))
        .first()
    )


def sign_off_candidates(forum: Forum) -> QuerySet[Member]:
    """Return the members who may sign off a summary: active people with lived experience."""
    return forum.members.filter(
        constituency=Constituency.LIVED_EXPERIENCE, is_active=True, is_guest=False
    ).order_by("name", "pk")


def glossary_entries(forum: Forum) -> list[Any]:
    """Return a forum's word list, short forms and hard words together, by term."""
    from deliberation.models import GlossaryEntry

    return list(GlossaryEntry.objects.filter(forum=forum).order_by("kind", "term"))


def summary_sign_off_lapsed(summary: Summary) -> bool:
    """Say whether a summary was signed off and then changed, so it needs signing off again."""
    from deliberation.models import AuditEvent

    last = (
        AuditEvent.objects.filter(
            forum_id=summary.forum_id,
            kind__in=["summary.signed_off", "summary.sign_off_cleared"],
            payload__summary=summary.pk,
        )
        .order_by("-seq")
        .values_list("kind", flat=True)
        .first()
    )
    return last == "summary.sign_off_cleared" and not summary.is_signed_off


def member_email(member: Member) -> str:
    """Return a member's one email address (kept with their email choices), or ''."""
    preference = getattr(member, "notify", None)
    return (preference.email or "").strip() if preference is not None else ""


def summary_recipients(forum_id: int) -> list[Member]:
    """Return who should get a forum's summaries, with their email address, by name.

    Every active member who is not a guest, whatever their role (observers too):
    guests joined one meeting from a phone and left no way to reach them.
    """
    return list(
        Member.objects.filter(forum_id=forum_id, is_active=True, is_guest=False)
        .select_related("notify")
        .order_by("name", "pk")
    )


def summary_sends(summary: Summary) -> list[SummarySend]:
    """Return how each member was given a summary, with the member, by name."""
    return list(SummarySend.objects.filter(summary=summary).select_related("member"))


def member_data(member: Member) -> dict[str, Any]:
    """Gather what the forum keeps about one member, for them to download (UK GDPR)."""
    from deliberation.models import (
        ActionUpdate,
        Attendance,
        Ballot,
        Comment,
        Endorsement,
        Participation,
        Proposal,
        RecordValue,
        SummarySend,
    )

    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "format": "coprod-my-data/1",
        "forum": {"slug": member.forum.slug, "name": member.forum.name},
        "member": {
            "id": member.pk,
            "name": member.name,
            "constituency": member.constituency,
            "role": member.role,
            "communication_needs": member.communication_needs,
            "needs_review_on": when(member.needs_review_on),
            "email": member_email(member),
            "postal_address": member.postal_address,
            "active": member.is_active,
            "added_at": when(member.created_at),
        },
        "meetings": [
            {"meeting": a.meeting_id, "title": a.meeting.title, "joined_at": when(a.joined_at)}
            for a in Attendance.objects.filter(member=member).select_related("meeting")
        ],
        # Named votes only: a secret ballot is stored with nobody's name, so nobody
        # (not even this page) can say which one is theirs.
        "votes": [
            {
                "poll": b.poll_id,
                "question": b.poll.question,
                "answer": b.answer,
                "cast_at": when(b.cast_at),
            }
            for b in Ballot.objects.filter(member=member).select_related("poll").order_by("pk")
        ],  # fmt: skip
        "secret_votes_taken_part_in": list(
            Participation.objects.filter(member=member, poll__secret=True)
            .order_by("poll_id")
            .values_list("poll_id", flat=True)
        ),
        "proposals": [
            {
                "id": p.pk,
                "title": p.title,
                "summary": p.summary,
                "body": p.body,
                "status": p.status,
                "created_at": when(p.created_at),
            }
            for p in Proposal.objects.filter(author=member).order_by("pk")
        ],  # fmt: skip
        "comments": [
            {
                "id": c.pk,
                "proposal": c.proposal_id,
                "body": c.body,
                "created_at": when(c.created_at),
                "hidden": c.is_hidden,
            }
            for c in Comment.objects.filter(author=member).order_by("pk")
        ],  # fmt: skip
        "endorsed": list(
            Endorsement.objects.filter(member=member).values_list("proposal_id", flat=True)
        ),
        "progress_notes": [
            {
                "action": u.action_id,
                "note": u.note,
                "what_helped": u.what_helped,
                "what_got_in_the_way": u.what_got_in_the_way,
                "created_at": when(u.created_at),
            }
            for u in ActionUpdate.objects.filter(author=member).order_by("pk")
        ],  # fmt: skip
        "summaries_sent": [
            {
                "meeting": s.summary.meeting_id,
                "format": s.format,
                "language": s.language,
                "status": s.status,
                "sent_at": when(s.sent_at),
            }
            for s in SummarySend.objects.filter(member=member).select_related("summary")
        ],  # fmt: skip
        # What the audit record keeps of them beside the chain, by the hash it commits to.
        "in_the_record": [
            {"commitment": v.commitment, "value": v.value, "erased": v.erased_at is not None}
            for v in RecordValue.objects.filter(member=member).order_by("pk")
        ],
    }
