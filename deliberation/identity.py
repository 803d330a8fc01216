"""Who is on this phone: participants have no account, so the session remembers them."""

import secrets
from typing import Any

from django.db.models import Q

from deliberation.models import Attendance, Meeting, Member

SESSION_MEMBERS = "coprod.members"
SESSION_DEVICE = "coprod.device"


def device_token(session: Any) -> str:
    """Return this browser's device token, making one the first time."""
    token = session.get(SESSION_DEVICE)
    if not token:
        token = secrets.token_urlsafe(24)
        session[SESSION_DEVICE] = token
    return token


def remember_member(session: Any, meeting: Meeting, member: Member) -> None:
    """Remember that this browser is this member, in this meeting."""
    members = dict(session.get(SESSION_MEMBERS, {}))
    members[str(meeting.pk)] = member.pk
    session[SESSION_MEMBERS] = members


def member_id_for(session: Any, meeting_id: int) -> int | None:
    """Return the member this browser joined a meeting as, if any."""
    value = session.get(SESSION_MEMBERS, {}).get(str(meeting_id))
    return value if isinstance(value, int) else None


def present_member(session: Any, meeting_id: int) -> Member | None:
    """Return this browser's member if they are in the meeting (let in, not waiting)."""
    member_id = member_id_for(session, meeting_id)
    if member_id is None:
        return None
    attendance = (
        Attendance.objects.select_related("member", "member__forum")
        .filter(
            meeting_id=meeting_id,
            member_id=member_id,
            status=Attendance.Status.PRESENT,
            member__is_active=True,
        )
        .first()
    )
    if attendance is None:
        return None
    # A facilitator may have given the name to another phone since.
    token = session.get(SESSION_DEVICE, "")
    if attendance.device_token and attendance.device_token != token:
        return None
    return attendance.member


def secret_cookie_name(poll_id: int) -> str:
    """Name the cookie that holds the key to change a secret vote.

    The key lives only on the phone, never in the server-side session (which knows
    the member), so nothing stored on the server links a voter to a secret ballot.
    """
    return f"coprod_secret_{poll_id}"


def secret_token(cookies: Any, poll_id: int) -> str | None:
    """Return the key this browser holds to change its secret vote in a poll."""
    value = cookies.get(secret_cookie_name(poll_id))
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


SESSION_FORUM_MEMBERS = "coprod.forum_members"


def remember_forum_member(session: Any, member: Member) -> None:
    """Remember that this browser is this member of their forum, between meetings too.

    Only a personal invite link or QR card sets this, since only that person holds it.
    """
    members = dict(session.get(SESSION_FORUM_MEMBERS, {}))
    members[str(member.forum_id)] = member.pk
    session[SESSION_FORUM_MEMBERS] = members


def forget_forum_member(session: Any, forum_id: int) -> None:
    """Forget who this browser is in a forum (for a shared computer)."""
    members = dict(session.get(SESSION_FORUM_MEMBERS, {}))
    members.pop(str(forum_id), None)
    session[SESSION_FORUM_MEMBERS] = members


def forum_member_for(session: Any, user: Any, forum_id: int) -> Member | None:
    """Return who this browser is in a forum: a signed-in user's member, else the session's.

    An inactive member (someone who left the forum) is nobody here.
    """
    members = Member.objects.select_related("forum").filter(forum_id=forum_id, is_active=True)
    if getattr(user, "is_authenticated", False):
        own = members.filter(user=user).first()
        if own is not None:
            return own
    member_id = session.get(SESSION_FORUM_MEMBERS, {}).get(str(forum_id))
    if not isinstance(member_id, int):
        return None
    return members.filter(pk=member_id).first()


def record_member(session: Any, user: Any, forum_id: int) -> Member | None:
    """Return who this browser is in a forum, to read its record and report on actions.

    A signed-in member or a personal link first (forum_member_for); else the member
    this phone joined one of the forum's meetings as, if the name is still tied to
    this phone (as present_member checks) and the person was let in.
    """
    member = forum_member_for(session, user, forum_id)
    if member is not None:
        return member
    pairs = [
        (int(meeting_id), member_id)
        for meeting_id, member_id in session.get(SESSION_MEMBERS, {}).items()
        if str(meeting_id).isdigit() and isinstance(member_id, int)
    ]
    if not pairs:
        return None
    joined = Q()
    for meeting_id, member_id in pairs:
        joined |= Q(meeting_id=meeting_id, member_id=member_id)
    token = session.get(SESSION_DEVICE, "")
    attendance = (
        Attendance.objects.select_related("member", "member__forum")
        .filter(joined, meeting__forum_id=forum_id, member__is_active=True)
        .exclude(status=Attendance.Status.WAITING)
        .filter(Q(device_token="") | Q(device_token=token))
        .order_by("-joined_at", "-pk")
        .first()
    )
    return attendance.member if attendance else None
