"""Who is asking: one principal for pages and sockets, from the login and the session.

Participants have no account, so the session remembers them. There are three ways to be
someone here, and each reaches only so far:

- a signed-in user: a facilitator's powers come from this alone;
- a forum member, by their login or their personal link (the "Yes, this is me" button):
  they may read the record and write in the forum;
- a meeting member, by picking a name or a card at one meeting: they may vote and take
  part in that meeting, and nothing else.
"""

import base64
import functools
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any, cast

from django.contrib import auth
from django.http import HttpRequest, HttpResponse

from deliberation import rows
from deliberation.models import Attendance, Forum, Meeting, Member, Role

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
    if member_id_for(session, meeting_id) is None:
        return None
    return meeting_and_member(session, meeting_id)[1]


def meeting_and_member(session: Any, meeting_id: int) -> tuple[Meeting | None, Member | None]:
    """Return the meeting (with its forum) and this browser's member in it, in one query.

    The member is None unless they are in the meeting (let in, not waiting), still active,
    and the name is still tied to this phone: a facilitator may have released it or given
    it to another phone since. Every phone connecting asks this (deliberation/rows.py).
    """
    if not 0 < meeting_id <= rows.MAX_ID:
        return None, None  # no such row; a number this big would not fit the query
    member_id = member_id_for(session, meeting_id)
    found = rows.fetch(
        _meeting_and_member_sql(),
        [member_id, Attendance.Status.PRESENT, True, meeting_id],
        (_MEETING, _FORUM, _MEMBER),
        (Attendance._meta.get_field("device_token"),),  # type: ignore[arg-type]
    )
    if not found:
        return None, None
    meeting, forum, member, device_token = found[0]
    meeting.forum = forum
    if member is None:
        return meeting, None
    token = session.get(SESSION_DEVICE, "")
    if not token or device_token != token:
        return meeting, None
    if member.forum_id == forum.pk:
        member.forum = forum
    return meeting, member


_MEETING = rows.Part(Meeting, "m")
_FORUM = rows.Part(Forum, "f")
_MEMBER = rows.Part(Member, "mb")


@functools.cache
def _meeting_and_member_sql() -> str:
    # Built on first use, when the models and the database connection are ready. Only
    # table and column names go into the text (quoted); every value is a parameter.
    return (
        f"SELECT {_MEETING.columns()}, {_FORUM.columns()}, {_MEMBER.columns()},"  # noqa: S608
        f" a.{rows.column(Attendance, 'device_token')}"
        f" FROM {rows.table(Meeting)} m"
        f" INNER JOIN {rows.table(Forum)} f ON f.id = m.{rows.column(Meeting, 'forum')}"
        f" LEFT JOIN {rows.table(Attendance)} a ON a.{rows.column(Attendance, 'meeting')} = m.id"
        f" AND a.{rows.column(Attendance, 'member')} = %s"
        f" AND a.{rows.column(Attendance, 'status')} = %s"
        f" LEFT JOIN {rows.table(Member)} mb ON mb.id = a.{rows.column(Attendance, 'member')}"
        f" AND mb.{rows.column(Member, 'is_active')} = %s"
        " WHERE m.id = %s"
    )


# -- the phone's key to its secret votes -------------------------------------------------

DEVICE_KEY_COOKIE = "coprod_device_key"
# Long enough for a vote between meetings; every page that gives the key renews it.
DEVICE_KEY_AGE = 60 * 60 * 24 * 30
_KEY_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def sound_key(value: object) -> bool:
    """Tell whether a key is long and random-looking: 32 to 64 URL-safe characters."""
    return isinstance(value, str) and 32 <= len(value) <= 64 and set(value) <= _KEY_ALPHABET


def device_key(cookies: Mapping[str, Any]) -> str | None:
    """Return the device key this browser holds, if it is a sound one."""
    value = cookies.get(DEVICE_KEY_COOKIE)
    return value if sound_key(value) else None


def new_device_key() -> str:
    """Make a new random device key."""
    return secrets.token_urlsafe(32)


def give_device_key(request: HttpRequest, response: HttpResponse, key: str | None = None) -> None:
    """Keep this browser's device key in its cookie, making one the first time.

    The key lives only on the phone: never in the server-side session (which knows the
    member) nor in any table, so nothing stored on the server links a voter to a secret
    ballot. HttpOnly, so no page script can read it: the websocket handshake and the
    forms bring it, and the server works out each ballot's key from it.
    """
    response.set_cookie(
        DEVICE_KEY_COOKIE,
        key or device_key(request.COOKIES) or new_device_key(),
        max_age=DEVICE_KEY_AGE,
        path="/",
        samesite="Lax",
        httponly=True,
        # Behind a TLS proxy too (SECURE_PROXY_SSL_HEADER): a key never crosses in clear.
        secure=request.is_secure(),
    )


def secret_ballot_key(device: str | None, poll_id: int, voter_id: int) -> str | None:
    """Work out the key to one voter's secret ballot in a poll from the phone's device key.

    One key per poll and per voter, so a vote cast with someone has its own, and a vote
    resent after a lost reply carries the same one. The server keeps only its hash, with
    the ballot.
    """
    if device is None:
        return None
    message = f"coprod-secret-ballot:{poll_id}:{voter_id}".encode()
    digest = hmac.new(device.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


SESSION_FORUM_MEMBERS = "coprod.forum_members"
SESSION_CLAIMS = "coprod.claims"


def link_fingerprint(member: Member) -> str:
    """Fingerprint a member's personal link, so a new link signs out the old one's browsers."""
    return hashlib.sha256(f"coprod-link:{member.invite_token}".encode()).hexdigest()[:32]


def remember_forum_member(session: Any, member: Member) -> None:
    """Remember that this browser is this member of their forum, between meetings too.

    Only the "Yes, this is me" button of a personal link or QR card sets this (a POST, so
    another site cannot do it), since only that person holds the link. The link's
    fingerprint is kept with it: a new link for a lost card signs this browser out.
    """
    members = dict(session.get(SESSION_FORUM_MEMBERS, {}))
    members[str(member.forum_id)] = [member.pk, link_fingerprint(member)]
    session[SESSION_FORUM_MEMBERS] = members


def forget_forum_member(session: Any, forum_id: int) -> None:
    """Forget who this browser is in a forum (for a shared computer)."""
    members = dict(session.get(SESSION_FORUM_MEMBERS, {}))
    members.pop(str(forum_id), None)
    session[SESSION_FORUM_MEMBERS] = members


def forum_member_for(session: Any, user: Any, forum_id: int) -> Member | None:
    """Return who this browser is in a forum: a signed-in user's member, else the link's.

    An inactive member (someone who left the forum) is nobody here, and so is a browser
    that came in by a personal link the facilitator has since replaced, or by the card
    of a facilitator (who signs in).
    """
    members = Member.objects.select_related("forum").filter(forum_id=forum_id, is_active=True)
    if getattr(user, "is_authenticated", False):
        own = members.filter(user=user).first()
        if own is not None:
            return own
    value = session.get(SESSION_FORUM_MEMBERS, {}).get(str(forum_id))
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int):
        return None
    member = members.filter(pk=value[0]).first()
    if member is None or not secrets.compare_digest(str(value[1]), link_fingerprint(member)):
        return None
    if member.role == Role.FACILITATOR:
        # A facilitator's powers come from their login only, never from a card.
        return None
    return member


def record_member(session: Any, user: Any, forum_id: int) -> Member | None:
    """Return who this browser is in a forum, to read its record and report on actions.

    Only a login or a personal link: a name picked at a meeting reaches that meeting only.
    """
    return forum_member_for(session, user, forum_id)


def remember_claim(session: Any, meeting: Meeting, member: Member) -> None:
    """Remember that this phone asked for a name another phone has, while it waits."""
    claims = dict(session.get(SESSION_CLAIMS, {}))
    claims[str(meeting.pk)] = member.pk
    session[SESSION_CLAIMS] = claims


def forget_claim(session: Any, meeting: Meeting) -> None:
    """Forget a name this phone asked for, once it joins some other way."""
    claims = dict(session.get(SESSION_CLAIMS, {}))
    if claims.pop(str(meeting.pk), None) is not None:
        session[SESSION_CLAIMS] = claims


def claimed_member_id(session: Any, meeting_id: int) -> int | None:
    """Return the member whose name this phone asked for in a meeting, if any."""
    value = session.get(SESSION_CLAIMS, {}).get(str(meeting_id))
    return value if isinstance(value, int) else None


# -- the principal: who is asking, for every page and socket -----------------------------


@dataclass(frozen=True)
class Principal:
    """Who is asking: the signed-in user, the forum member, the meeting member.

    `member` is the forum member by login or personal link (for `forum_id`);
    `meeting_member` is who this phone joined `meeting_id` as. permissions.py decides
    what each may do; nothing else does.
    """

    user: Any = None
    forum_id: int | None = None
    member: Member | None = None
    meeting_id: int | None = None
    meeting_member: Member | None = None

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))


def member_principal(member: Member) -> Principal:
    """Return the principal of a forum member acting as themselves, for a trusted caller.

    A management command, the seed data or a test names the member who acts; a page or
    a socket passes the principal it read from the request instead.
    """
    return Principal(forum_id=member.forum_id, member=member)


# "Not read yet", as opposed to a meeting member already read as None.
_UNREAD: Any = object()


def _principal(
    session: Any,
    user: Any,
    forum: Forum | None,
    meeting: Meeting | None,
    meeting_member: Member | None = _UNREAD,
) -> Principal:
    forum_id = forum.pk if forum is not None else (meeting.forum_id if meeting else None)
    member = forum_member_for(session, user, forum_id) if forum_id is not None else None
    if meeting_member is _UNREAD:
        meeting_member = present_member(session, meeting.pk) if meeting is not None else None
    return Principal(
        user=user,
        forum_id=forum_id,
        member=member,
        meeting_id=meeting.pk if meeting is not None else None,
        meeting_member=meeting_member,
    )


def principal_for_request(
    request: HttpRequest, *, forum: Forum | None = None, meeting: Meeting | None = None
) -> Principal:
    """Return who is asking, for a page of this forum or meeting."""
    return _principal(request.session, request.user, forum, meeting)


def user_for_scope(scope: dict[str, Any]) -> Any:
    """Return a socket's signed-in user (or AnonymousUser), read from its session once.

    Read here, in the caller's thread, rather than by channels' AuthMiddleware, which
    reads every socket's session on the one thread the ballots are written on.
    """
    user = scope.get("user")
    if user is None:
        user = scope["user"] = auth.get_user(
            cast(HttpRequest, SimpleNamespace(session=scope.get("session", {})))
        )
    return user


def principal_for_scope(
    scope: dict[str, Any],
    *,
    forum: Forum | None = None,
    meeting: Meeting | None = None,
    meeting_member: Member | None = _UNREAD,
) -> Principal:
    """Return who is asking, for a socket of this forum or meeting.

    `meeting_member`, when the caller read it with the meeting (meeting_and_member), is
    not read again.
    """
    session = scope.get("session", {})
    return _principal(session, user_for_scope(scope), forum, meeting, meeting_member)


def refreshed(principal: Principal) -> Principal:
    """Read the principal's members again, for a service to check its rule under its lock.

    A member made inactive (or whose role changed) since the request began is read as
    they are now.
    """

    def fresh(member: Member | None) -> Member | None:
        if member is None:
            return None
        return Member.objects.select_related("forum").filter(pk=member.pk, is_active=True).first()

    return replace(
        principal, member=fresh(principal.member), meeting_member=fresh(principal.meeting_member)
    )
