"""Reads for forum pages: forums, members, who is expected, a member's own data."""

from typing import Any

from django.db.models import Q, QuerySet

from deliberation.models import (
    ActionUpdate,
    Attendance,
    Ballot,
    Card,
    Comment,
    Endorsement,
    Forum,
    Meeting,
    Member,
    Participation,
    Proposal,
    ProposalFollow,
    RecordValue,
    Role,
    SpeakingTurn,
    SummarySend,
)


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


# Up to this many names, the join page lists them all; past it, a person types the
# first letters of their name and sees the few that match (issue 12: the full list of
# 1,000 members was 237 KB and the slowest page of a meeting's start).
NAME_LIST_MAX = 40
# Names a search shows at most; more matches ask for more letters.
NAME_MATCHES_MAX = 8


def name_matches(meeting: Meeting, letters: str) -> list[Member]:
    """Return the expected participants with a name (or a word of it) starting with `letters`.

    At most NAME_MATCHES_MAX + 1 names, so a caller can tell "too many: type more" apart.
    """
    letters = " ".join(letters.split())
    if not letters:
        return []
    people = expected_participants(meeting)
    return list(
        people.filter(Q(name__istartswith=letters) | Q(name__icontains=" " + letters))[
            : NAME_MATCHES_MAX + 1
        ]
    )


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


def member_email(member: Member) -> str:
    """Return a member's one email address (kept with their email choices), or ''."""
    preference = getattr(member, "notify", None)
    return (preference.email or "").strip() if preference is not None else ""


def member_data(member: Member) -> dict[str, Any]:
    """Gather what the forum keeps about one member, for them to download (UK GDPR)."""

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
        "following": list(
            ProposalFollow.objects.filter(member=member, active=True)
            .order_by("proposal_id")
            .values_list("proposal_id", flat=True)
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
        # Hands up and cards at meetings (an anonymous card is theirs too: only they see it).
        "speaking_turns": [
            {
                "meeting": t.meeting_id,
                "status": t.status,
                "asked_at": when(t.asked_at),
                "started_at": when(t.started_at),
                "ended_at": when(t.ended_at),
            }
            for t in SpeakingTurn.objects.filter(member=member).order_by("pk")
        ],  # fmt: skip
        "cards": [
            {
                "meeting": c.meeting_id,
                "kind": c.kind,
                "anonymous": c.anonymous,
                "shown_at": when(c.shown_at),
            }
            for c in Card.objects.filter(member=member).order_by("pk")
        ],  # fmt: skip
        # What the audit record keeps of them beside the chain, by the hash it commits to.
        "in_the_record": [
            {"commitment": v.commitment, "value": v.value, "erased": v.erased_at is not None}
            for v in RecordValue.objects.filter(member=member).order_by("pk")
        ],
    }
