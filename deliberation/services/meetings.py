"""Meetings: agenda, opening and closing, and who is in the room."""

import datetime
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from deliberation import audit, identity, realtime
from deliberation.exceptions import InvalidInput, MeetingNotOpen, NameTaken, NotAllowed
from deliberation.models import (
    Attendance,
    Constituency,
    Forum,
    Meeting,
    Member,
    Poll,
    ResultsShown,
    Role,
    Summary,
    new_join_code,
)
from deliberation.selectors import record as record_selectors
from deliberation.services.agenda import agenda_item_add
from deliberation.services.common import (
    Actor,
    actor_label,
    announce_change,
    recheck_forum_facilitator,
)
from deliberation.services.equals import speaking_finish_at_close
from deliberation.services.forums import member_add
from deliberation.services.polls import poll_close


def meeting_create(
    *,
    forum: Forum,
    title: str,
    starts_at: datetime.datetime | None = None,
    place: str = "",
    agenda: Sequence[str] = (),
    allow_name_choice: bool = True,
    actor: Actor = None,
) -> Meeting:
    """Create a meeting with its agenda and a fresh join code."""
    if not title.strip():
        raise InvalidInput(_("Please give the meeting a title."))
    with transaction.atomic():
        # A clash of random codes is rare; try again rather than fail.
        for _attempt in range(10):
            try:
                with transaction.atomic():
                    meeting = Meeting.objects.create(
                        forum=forum,
                        title=title.strip(),
                        starts_at=starts_at,
                        place=place,
                        allow_name_choice=allow_name_choice,
                        join_code=new_join_code(),
                    )
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - ten clashes in a row means the code space is full
            raise InvalidInput(_("Could not make a join code. Please try again."))
        audit.append(
            forum_id=forum.pk,
            actor=actor_label(actor),
            kind="meeting.created",
            payload={"meeting": meeting.pk, "title": meeting.title},
        )
        for item_title in agenda:
            if item_title.strip():
                agenda_item_add(meeting=meeting, title=item_title, actor=actor)
    return meeting


def meeting_open(
    *, meeting: Meeting, actor: Actor = None, principal: identity.Principal | None = None
) -> Meeting:
    """Open a meeting so people can join and vote; start at the first agenda item."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        recheck_forum_facilitator(principal, meeting.forum_id)
        if meeting.status == Meeting.Status.CLOSED:
            raise MeetingNotOpen(_("This meeting has finished and cannot be opened again."))
        _mark_open(meeting, actor, "meeting.opened")
    return meeting


def _mark_open(meeting: Meeting, actor: Actor, kind: str) -> None:
    """Open a locked meeting at its first item (if none yet), in the record and live."""
    meeting.status = Meeting.Status.OPEN
    if meeting.current_item_id is None:
        meeting.current_item = meeting.agenda.order_by("position").first()
    meeting.save(update_fields=["status", "current_item"])
    audit.append(
        forum_id=meeting.forum_id,
        actor=actor_label(actor),
        kind=kind,
        payload={"meeting": meeting.pk},
    )
    meeting.version = announce_change(
        meeting.pk,
        "meeting.status",
        {"status": meeting.status, "current_item": meeting.current_item_id},
    )


def meeting_close(
    *, meeting: Meeting, actor: Actor = None, principal: identity.Principal | None = None
) -> Meeting:
    """Finish a meeting; any poll still open is closed first."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        recheck_forum_facilitator(principal, meeting.forum_id)
        for poll in meeting.polls.filter(status="open"):
            poll_close(poll=poll, actor=actor)
        speaking_finish_at_close(meeting=meeting, actor=actor)
        meeting.status = Meeting.Status.CLOSED
        meeting.save(update_fields=["status"])
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind="meeting.closed",
            payload={"meeting": meeting.pk},
        )
        meeting.version = announce_change(
            meeting.pk, "meeting.status", {"status": meeting.status, "current_item": None}
        )
    return meeting


def meeting_reopen(
    *, meeting: Meeting, actor: Actor = None, principal: identity.Principal | None = None
) -> Meeting:
    """Open a meeting that was closed by mistake again; its votes stay as they are.

    Refused once its easy-read summary has been sent: that sending fixed the record code
    of the meeting that members were given.
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        recheck_forum_facilitator(principal, meeting.forum_id)
        if meeting.status != Meeting.Status.CLOSED:
            raise InvalidInput(_("Only a finished meeting can be opened again."))
        if Summary.objects.filter(meeting=meeting, first_sent_at__isnull=False).exists():
            raise InvalidInput(
                _(
                    "The easy-read summary of this meeting has been sent, so the meeting "
                    "cannot be opened again."
                )
            )
        _mark_open(meeting, actor, "meeting.reopened")
    return meeting


def meeting_update_settings(
    *,
    meeting: Meeting,
    allow_name_choice: bool,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Meeting:
    """Turn choosing one's name from a list on or off."""
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        recheck_forum_facilitator(principal, meeting.forum_id)
        meeting.allow_name_choice = allow_name_choice
        meeting.save(update_fields=["allow_name_choice"])
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind="meeting.settings_changed",
            payload={"meeting": meeting.pk, "allow_name_choice": allow_name_choice},
        )
    return meeting


def meeting_recap_show(
    *,
    meeting: Meeting,
    shown: bool,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Meeting:
    """Show or hide "Last time we decided ... Here is what happened" on the projector."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        recheck_forum_facilitator(principal, meeting.forum_id)
        if meeting.status != Meeting.Status.OPEN:
            raise MeetingNotOpen()
        recap = record_selectors.meeting_recap(meeting)
        if shown and recap is None:
            raise InvalidInput(_("There is no earlier meeting with decisions to look back on."))
        meeting.recap_shown = shown
        meeting.save(update_fields=["recap_shown"])
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor),
            kind="meeting.recap_shown" if shown else "meeting.recap_hidden",
            payload={
                "meeting": meeting.pk,
                "recap_of": recap["meeting"]["id"] if recap else None,
            },
        )
        meeting.version = announce_change(
            meeting.pk, "recap.changed", {"recap": recap if shown else None}
        )
    return meeting


def _announce_attendance(meeting: Meeting) -> None:
    """Tell the screens who is here; call inside the change, after it is written."""
    # Someone came: a vote waiting for everyone here tells the screens how many that is.
    # (Nobody leaves a meeting through the app, so a join never completes the count.)
    waiting = Poll.objects.filter(
        meeting=meeting,
        status=Poll.Status.OPEN,
        secret=False,
        results_shown=ResultsShown.ALL_VOTED,
        results_shown_at__isnull=True,
    ).values_list("pk", flat=True)
    for poll_id in waiting:
        realtime.tally_changed(meeting.pk, poll_id)
    # The list of everyone here is built after commit, a few times a second at most, not
    # by each join under its lock: 1,000 phones joining would otherwise build it 1,000 times.
    realtime.attendance_changed(meeting.pk)


def attendance_join(
    *,
    meeting: Meeting,
    member: Member,
    via: str,
    device_token: str,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Attendance:
    """Record that a member has joined the meeting from a phone or in the room.

    A name chosen from the list is tied to the phone that chose it; a personal invite
    link or QR card may take it over, since only that person holds it. With a principal
    (a facilitator marking someone present), the rule is checked again under the
    meeting's lock: a facilitator of its forum, the meeting not closed, the member active.
    """
    if member.forum_id != meeting.forum_id or not member.is_active:
        raise NotAllowed(_("This person is not a member of this forum."))
    if meeting.status == Meeting.Status.CLOSED:
        raise MeetingNotOpen(_("This meeting has finished."))
    if via == "name" and not meeting.allow_name_choice:
        raise NotAllowed(_("Please use your personal card or link to join this meeting."))
    if via == "name" and meeting.status != Meeting.Status.OPEN:
        raise MeetingNotOpen()
    with transaction.atomic():
        if principal is not None:
            meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
            recheck_forum_facilitator(principal, meeting.forum_id)
            if meeting.status == Meeting.Status.CLOSED:
                raise MeetingNotOpen()
            fresh = Member.objects.select_for_update().get(pk=member.pk)
            if fresh.forum_id != meeting.forum_id or not fresh.is_active or fresh.is_guest:
                raise NotAllowed(_("That person is not a member of this forum."))
        if via == "name":
            # Checked again under the lock: only the meeting's expected participants
            # (never a facilitator, an observer or a guest) may be picked by name.
            fresh = Member.objects.select_for_update().get(pk=member.pk)
            if (
                not fresh.is_active
                or fresh.is_guest
                or fresh.role not in (Role.PARTICIPANT, Role.SUPPORTER)
            ):
                raise NotAllowed(_("Please choose your name from the list."))
        attendance, created = Attendance.objects.select_for_update().get_or_create(
            meeting=meeting,
            member=member,
            defaults={"via": via, "device_token": device_token},
        )
        new_phone = False
        if not created:
            claimed_elsewhere = attendance.device_token and attendance.device_token != device_token
            if claimed_elsewhere and via == "name":
                raise NameTaken()
            changed = attendance.status != Attendance.Status.PRESENT
            if attendance.status == Attendance.Status.WAITING and via != "admit":
                raise NotAllowed(_("Please wait: the facilitator will let you in."))
            # A personal link taking the name over on another phone is a change too.
            new_phone = bool(device_token) and device_token != attendance.device_token
            attendance.status = Attendance.Status.PRESENT
            attendance.device_token = device_token or attendance.device_token
            if new_phone:
                attendance.claim_token = ""
                # The phone that had the name stops acting as this person at once.
                realtime.close_member_sockets(meeting.pk, member.pk)
            attendance.save(update_fields=["status", "device_token", "claim_token"])
            if not changed and not new_phone:
                return attendance
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor or member),
            kind="attendance.joined",
            payload={
                "meeting": meeting.pk,
                "member": member.pk,
                "via": via,
                "again": not created,
                "new_phone": new_phone,
            },
        )
        _announce_attendance(meeting)
    return attendance


def guest_request(
    *, meeting: Meeting, name: str, constituency: str, device_token: str
) -> Attendance:
    """Ask to join as a guest; the facilitator lets the guest in."""
    if meeting.status == Meeting.Status.CLOSED:
        raise MeetingNotOpen(_("This meeting has finished."))
    if constituency not in Constituency.values:
        raise InvalidInput(_("Please choose which group you belong to."))
    if not name.strip():
        raise InvalidInput(_("Please write your name."))
    with transaction.atomic():
        member = member_add(
            forum=meeting.forum,
            name=name,
            constituency=constituency,
            role=Role.PARTICIPANT,
            is_guest=True,
            actor="guest",
        )
        attendance = Attendance.objects.create(
            meeting=meeting,
            member=member,
            status=Attendance.Status.WAITING,
            via="guest",
            device_token=device_token,
        )
        audit.append(
            forum_id=meeting.forum_id,
            actor="guest",
            kind="attendance.guest_waiting",
            payload={"meeting": meeting.pk, "member": member.pk},
        )
        _announce_attendance(meeting)
    return attendance


def guest_admit(
    *,
    attendance: Attendance,
    constituency: str | None = None,
    admit: bool = True,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Attendance:
    """Let a waiting guest in, optionally correcting their group; or turn them away."""
    with transaction.atomic():
        attendance = (
            Attendance.objects.select_for_update().select_related("member").get(pk=attendance.pk)
        )
        recheck_forum_facilitator(principal, attendance.member.forum_id)
        if attendance.status != Attendance.Status.WAITING:
            raise InvalidInput(_("This person is not waiting to join."))
        member = attendance.member
        if constituency and constituency != member.constituency:
            if constituency not in Constituency.values:
                raise InvalidInput(_("Please choose a group."))
            member.constituency = constituency
            member.save(update_fields=["constituency"])
        if admit:
            attendance.status = Attendance.Status.PRESENT
        else:
            attendance.status = Attendance.Status.LEFT
            member.is_active = False
            member.save(update_fields=["is_active"])
        attendance.save(update_fields=["status"])
        audit.append(
            forum_id=member.forum_id,
            actor=actor_label(actor),
            kind="attendance.guest_admitted" if admit else "attendance.guest_refused",
            payload={
                "meeting": attendance.meeting_id,
                "member": member.pk,
                "constituency": member.constituency,
            },
        )
        _announce_attendance(attendance.meeting)
    return attendance


def attendance_release(
    *, attendance: Attendance, actor: Actor = None, principal: identity.Principal | None = None
) -> Attendance:
    """Untie a name from the phone that claimed it, so the person can join again.

    That phone is signed out of the name at once: its open socket is closed and its
    next request finds nobody (identity.present_member needs the same phone).
    """
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
        recheck_forum_facilitator(principal, attendance.meeting.forum_id)
        attendance.device_token = ""
        attendance.claim_token = ""
        attendance.save(update_fields=["device_token", "claim_token"])
        realtime.close_member_sockets(attendance.meeting_id, attendance.member_id)
        audit.append(
            forum_id=attendance.meeting.forum_id,
            actor=actor_label(actor),
            kind="attendance.released",
            payload={"meeting": attendance.meeting_id, "member": attendance.member_id},
        )
    return attendance


def attendance_claim(
    *, meeting: Meeting, member: Member, device_token: str, actor: Actor = None
) -> Attendance:
    """Ask for a name another phone has: the facilitator confirms or refuses.

    The first phone keeps the name until then; this one waits.
    """
    if not device_token:
        raise InvalidInput(_("Please try again."))
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().get(meeting=meeting, member=member)
        if attendance.device_token == device_token:
            return attendance
        attendance.claim_token = device_token
        attendance.save(update_fields=["claim_token"])
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor or "phone"),
            kind="attendance.claimed",
            payload={"meeting": meeting.pk, "member": member.pk},
        )
        _announce_attendance(meeting)
    return attendance


def attendance_claim_decide(
    *,
    attendance: Attendance,
    confirm: bool,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Attendance:
    """Give a name to the phone that asked for it, or refuse; the old phone is signed out."""
    with transaction.atomic():
        attendance = (
            Attendance.objects.select_for_update().select_related("meeting").get(pk=attendance.pk)
        )
        recheck_forum_facilitator(principal, attendance.meeting.forum_id)
        if not attendance.claim_token:
            raise InvalidInput(_("Nobody is asking for this name now."))
        if confirm:
            attendance.device_token = attendance.claim_token
            attendance.status = Attendance.Status.PRESENT
            realtime.close_member_sockets(attendance.meeting_id, attendance.member_id)
        attendance.claim_token = ""
        attendance.save(update_fields=["device_token", "claim_token", "status"])
        audit.append(
            forum_id=attendance.meeting.forum_id,
            actor=actor_label(actor),
            kind="attendance.claim_confirmed" if confirm else "attendance.claim_refused",
            payload={"meeting": attendance.meeting_id, "member": attendance.member_id},
        )
        _announce_attendance(attendance.meeting)
    return attendance
