"""Reads for easy read: the forum's words, the summary, its review, who it goes to."""

from collections import Counter
from collections.abc import Collection

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from deliberation.easyread import builder, review
from deliberation.models import (
    Action,
    AgendaItem,
    Attendance,
    AuditEvent,
    Constituency,
    Decision,
    Forum,
    GlossaryEntry,
    Meeting,
    Member,
    PollOption,
    Source,
    Summary,
    SummaryPoint,
    SummarySend,
    WelshStatus,
)
from deliberation.selectors import equals as equals_selectors


def forum_words(forum: Forum) -> tuple[dict[str, str], dict[str, str]]:
    """Return a forum's glossary and jargon as {term: plain words} dicts (one query)."""
    glossary: dict[str, str] = {}
    jargon: dict[str, str] = {}
    rows = GlossaryEntry.objects.filter(forum=forum).values_list("kind", "term", "plain")
    for kind, term, plain in rows:
        (glossary if kind == GlossaryEntry.Kind.GLOSSARY else jargon)[term] = plain
    return glossary, jargon


def meeting_record(meeting: Meeting) -> "builder.MeetingRecord":
    """Gather what a meeting's easy-read summary is built from, in a fixed number of queries.

    Who came counts everyone let in (here now or left since), by constituency, without
    names. The next meeting is the forum's earliest meeting planned after this one.
    """
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
    equals = equals_selectors.meeting_record(meeting)
    return builder.MeetingRecord(
        title=meeting.title,
        starts_at=timezone.localtime(meeting.starts_at) if meeting.starts_at else None,
        place=meeting.place,
        came={c: came[c] for c in Constituency.values if came[c]},
        agenda=agenda,
        decisions=decisions,
        actions=actions,
        next_meeting=next_meeting,
        airtime={g: t["seconds"] for g, t in equals["airtime"].items() if t["turns"]},
        explain_stops=equals["explain_stops"],
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


def glossary_entries(forum: Forum) -> list[GlossaryEntry]:
    """Return a forum's word list, short forms and hard words together, by term."""
    return list(GlossaryEntry.objects.filter(forum=forum).order_by("kind", "term"))


def summary_sign_off_lapsed(summary: Summary) -> bool:
    """Say whether a summary was signed off and then changed, so it needs signing off again."""
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
