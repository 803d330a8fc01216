"""Meeting as equals: hands up, the speaking queue and its timer, and cards.

Each change locks the meeting row, so the queue changes one at a time, writes its audit
event and, after the commit, sends the state whole to the screens that show it: the
room's (projector) to the console group, the facilitator's to the facilitator group,
and each phone whose own hand or cards changed its own state (realtime.announce_built).
An anonymous card's event names nobody, not even as its actor.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import audit, identity, realtime
from deliberation.exceptions import InvalidInput, MeetingNotOpen, NotAllowed
from deliberation.models import (
    Attendance,
    Card,
    CardKind,
    Meeting,
    Member,
    Role,
    SpeakingSettings,
    SpeakingTurn,
)
from deliberation.selectors import equals as equals_selectors
from deliberation.services.common import Actor, actor_label, recheck_forum_facilitator

# The longest time to speak a facilitator may set, in seconds (an hour).
MAX_TIME_LIMIT = 3600


def _locked_open_meeting(meeting: Meeting) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status != Meeting.Status.OPEN:
        raise MeetingNotOpen()
    return locked


def _check_in_room(meeting: Meeting, member: Member, device_token: str | None) -> Member:
    """Check, under the meeting's lock, that this member takes part from this phone now.

    device_token None: a trusted caller (a test, the seed data). Otherwise the name must
    still be this phone's, as for a ballot.
    """
    attendance = (
        Attendance.objects.select_related("member")
        .filter(meeting=meeting, member=member, status=Attendance.Status.PRESENT)
        .first()
    )
    if attendance is None or not attendance.member.is_active:
        raise NotAllowed(_("Please join the meeting first."))
    if device_token is not None and (not device_token or attendance.device_token != device_token):
        raise NotAllowed(_("Please join the meeting again."))
    if attendance.member.role == Role.OBSERVER:
        raise NotAllowed(_("You are here to watch. You do not speak in this meeting."))
    return attendance.member


def _announce(meeting_id: int, members: Iterable[int]) -> None:
    """Send the queue and cards to the room, the facilitator and these members' phones."""
    member_ids = sorted(set(members))

    def build() -> list[tuple[str, dict[str, object]]]:
        meeting = Meeting.objects.get(pk=meeting_id)
        events: list[tuple[str, dict[str, object]]] = [
            (
                realtime.console_group(meeting_id),
                {"type": "equals.room", "room": equals_selectors.room_state(meeting)},
            ),
            (
                realtime.facilitator_group(meeting_id),
                {"type": "equals.console", "console": equals_selectors.console_state(meeting)},
            ),
        ]
        for member in Member.objects.filter(pk__in=member_ids):
            events.append(
                (
                    realtime.member_group(meeting_id, member.pk),
                    {"type": "equals.me", "me": equals_selectors.me_state(meeting, member)},
                )
            )
        return events

    realtime.announce_built(build)


def _waiting_members(meeting: Meeting) -> list[int]:
    return list(
        SpeakingTurn.objects.filter(
            meeting=meeting, status=SpeakingTurn.Status.WAITING
        ).values_list("member_id", flat=True)
    )


def hand_raise(
    *, meeting: Meeting, member: Member, device_token: str | None = None, actor: Actor = None
) -> SpeakingTurn:
    """Put a member's hand up: they join the speaking queue (once)."""
    with transaction.atomic():
        meeting = _locked_open_meeting(meeting)
        member = _check_in_room(meeting, member, device_token)
        turn = SpeakingTurn.objects.filter(
            meeting=meeting,
            member=member,
            status__in=[SpeakingTurn.Status.WAITING, SpeakingTurn.Status.SPEAKING],
        ).first()
        if turn is not None:
            return turn  # already up, or speaking: pressing again changes nothing
        turn = SpeakingTurn.objects.create(
            meeting=meeting, member=member, constituency=member.constituency
        )
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor or member),
            kind="speaking.hand_raised",
            payload={"meeting": meeting.pk, "member": member.pk},
        )
        _announce(meeting.pk, _waiting_members(meeting))
    return turn


def hand_lower(
    *,
    meeting: Meeting,
    member: Member,
    device_token: str | None = None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> SpeakingTurn | None:
    """Put a member's hand down: from their phone, or by the facilitator (with principal)."""
    with transaction.atomic():
        meeting = _locked_open_meeting(meeting)
        if principal is not None:
            recheck_forum_facilitator(principal, meeting.forum_id)
        else:
            member = _check_in_room(meeting, member, device_token)
        turn = SpeakingTurn.objects.filter(
            meeting=meeting, member=member, status=SpeakingTurn.Status.WAITING
        ).first()
        if turn is None:
            return None
        waiting = _waiting_members(meeting)
        turn.status = SpeakingTurn.Status.WITHDRAWN
        turn.ended_at = timezone.now()
        turn.save(update_fields=["status", "ended_at"])
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor or member),
            kind="speaking.hand_lowered",
            payload={
                "meeting": meeting.pk,
                "member": member.pk,
                "by_facilitator": principal is not None,
            },
        )
        _announce(meeting.pk, waiting)
    return turn


def _finish(meeting: Meeting, turn: SpeakingTurn, actor: Actor) -> SpeakingTurn:
    turn.status = SpeakingTurn.Status.DONE
    turn.ended_at = timezone.now()
    turn.save(update_fields=["status", "ended_at"])
    audit.append(
        forum_id=meeting.forum_id,
        actor=actor_label(actor),
        kind="speaking.finished",
        payload={
            "meeting": meeting.pk,
            "member": turn.member_id,
            "constituency": turn.constituency,
            "seconds": turn.seconds,
        },
    )
    return turn


def speaking_start(
    *,
    meeting: Meeting,
    member: Member,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> SpeakingTurn:
    """Give a member the floor and start their timer; whoever was speaking has finished.

    Usually the person is in the queue; someone without a phone who raised a hand in
    the room can be given the floor too, if they are here.
    """
    with transaction.atomic():
        meeting = _locked_open_meeting(meeting)
        recheck_forum_facilitator(principal, meeting.forum_id)
        member = _check_in_room(meeting, member, None)
        changed = set(_waiting_members(meeting)) | {member.pk}
        current = SpeakingTurn.objects.filter(
            meeting=meeting, status=SpeakingTurn.Status.SPEAKING
        ).first()
        if current is not None and current.member_id == member.pk:
            return current
        if current is not None:
            _finish(meeting, current, actor)
            changed.add(current.member_id)
        turn = SpeakingTurn.objects.filter(
            meeting=meeting, member=member, status=SpeakingTurn.Status.WAITING
        ).first()
        if turn is None:
            turn = SpeakingTurn(meeting=meeting, member=member, constituency=member.constituency)
        turn.status = SpeakingTurn.Status.SPEAKING
        turn.started_at = timezone.now()
        turn.save()
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind="speaking.started",
            payload={
                "meeting": meeting.pk,
                "member": member.pk,
                "constituency": turn.constituency,
            },
        )
        _announce(meeting.pk, changed)
    return turn


def speaking_finish(
    *, meeting: Meeting, actor: Actor = None, principal: identity.Principal | None = None
) -> SpeakingTurn | None:
    """End the turn of whoever is speaking; their time counts for their group."""
    with transaction.atomic():
        meeting = _locked_open_meeting(meeting)
        recheck_forum_facilitator(principal, meeting.forum_id)
        current = SpeakingTurn.objects.filter(
            meeting=meeting, status=SpeakingTurn.Status.SPEAKING
        ).first()
        if current is None:
            return None
        _finish(meeting, current, actor)
        # Who has now spoken moves back in the queue: every waiting phone's place may change.
        _announce(meeting.pk, [current.member_id, *_waiting_members(meeting)])
    return current


def speaking_finish_at_close(*, meeting: Meeting, actor: Actor = None) -> SpeakingTurn | None:
    """End the turn of whoever is speaking as the meeting closes, so their time counts.

    Called by meeting_close inside its change, which holds the meeting's lock; raised
    hands simply stay as they were (a closed meeting takes no more turns).
    """
    current = SpeakingTurn.objects.filter(
        meeting=meeting, status=SpeakingTurn.Status.SPEAKING
    ).first()
    if current is None:
        return None
    _finish(meeting, current, actor)
    _announce(meeting.pk, [current.member_id])
    return current


def speaking_settings_set(
    *,
    meeting: Meeting,
    lived_experience_first: bool,
    show_names: bool,
    time_limit: int | None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> SpeakingSettings:
    """Change how the queue is ordered, what the projector names, and the time to speak."""
    if time_limit is not None and not 0 < time_limit <= MAX_TIME_LIMIT:
        raise InvalidInput(_("The time to speak must be between 1 second and 60 minutes."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        recheck_forum_facilitator(principal, meeting.forum_id)
        if meeting.status == Meeting.Status.CLOSED:
            raise MeetingNotOpen(_("This meeting has finished."))
        settings, _created = SpeakingSettings.objects.update_or_create(
            meeting=meeting,
            defaults={
                "lived_experience_first": lived_experience_first,
                "show_names": show_names,
                "time_limit": time_limit,
            },
        )
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind="speaking.settings_changed",
            payload={
                "meeting": meeting.pk,
                "lived_experience_first": lived_experience_first,
                "show_names": show_names,
                "time_limit": time_limit,
            },
        )
        _announce(meeting.pk, _waiting_members(meeting))
    return settings


def card_show(
    *,
    meeting: Meeting,
    member: Member,
    kind: str,
    anonymous: bool = True,
    device_token: str | None = None,
) -> Card:
    """Show a card from a phone; it stays up until the facilitator clears the cards.

    An anonymous card's event names nobody (its actor is "anonymous"), so neither the
    screens nor the record say who showed it.
    """
    if kind not in CardKind.values:
        raise InvalidInput(_("That card is not known."))
    with transaction.atomic():
        meeting = _locked_open_meeting(meeting)
        member = _check_in_room(meeting, member, device_token)
        card = Card.objects.filter(
            meeting=meeting, member=member, kind=kind, cleared_at__isnull=True
        ).first()
        if card is not None:
            if card.anonymous == anonymous:
                return card  # already up: a second press changes nothing
            # Changed their mind about their name: shown again the way they ask now.
            card.anonymous = anonymous
            card.save(update_fields=["anonymous"])
        else:
            card = Card.objects.create(
                meeting=meeting, member=member, kind=kind, anonymous=anonymous
            )
        payload: dict[str, object] = {"meeting": meeting.pk, "kind": kind, "anonymous": anonymous}
        if not anonymous:
            payload["member"] = member.pk
        audit.append(
            forum_id=meeting.forum_id,
            actor="anonymous" if anonymous else actor_label(member),
            kind="card.shown",
            payload=payload,
        )
        _announce(meeting.pk, [member.pk])
    return card


def cards_clear(
    *, meeting: Meeting, actor: Actor = None, principal: identity.Principal | None = None
) -> int:
    """Take every card down (the facilitator has stopped for them); return how many."""
    with transaction.atomic():
        meeting = _locked_open_meeting(meeting)
        recheck_forum_facilitator(principal, meeting.forum_id)
        up = list(
            Card.objects.filter(meeting=meeting, cleared_at__isnull=True).values_list(
                "member_id", "kind"
            )
        )
        if not up:
            return 0
        down = Card.objects.filter(meeting=meeting, cleared_at__isnull=True)
        ids = list(down.values_list("pk", flat=True))
        Card.objects.filter(pk__in=ids).update(cleared_at=timezone.now())
        # Down, an anonymous card needs nobody: its row forgets who showed it.
        Card.objects.filter(pk__in=ids, anonymous=True).update(member=None)
        counts = Counter(kind for _member, kind in up)
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind="cards.cleared",
            payload={"meeting": meeting.pk, "cards": dict(sorted(counts.items()))},
        )
        _announce(meeting.pk, [member for member, _kind in up])
    return len(up)
