"""Reads for the live meeting: polls and tallies, agenda, attendance, snapshots."""

import functools
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deliberation import methods, results_shape, rows
from deliberation.models import (
    AgendaItem,
    Attendance,
    Ballot,
    Constituency,
    Decision,
    Meeting,
    Member,
    Participation,
    Poll,
    PollOption,
    ProposalPollLink,
    ProposalStatus,
    ResultsShown,
    Role,
    Source,
)
from deliberation.selectors.equals import SpeakingRead, equals_snapshot, speaking_read
from deliberation.selectors.record import meeting_recap

AUDIENCES = ("phone", "projector", "facilitator")


def reopen_refusals(polls: Iterable[Poll]) -> dict[int, str]:
    """Say, for each closed poll that can never be opened again, why (in two queries).

    Something rests on its result: a decision recorded from it (which froze that result
    in the record) or a proposal in it adopted or not adopted since. Or the result the
    screens showed when it closed would undo a promise made to the voters: a secret
    vote's count moving again would show the room what each late voter chose (and its
    small groups may have been merged), and a vote that hid its results until it closed
    would let late voters vote knowing them.
    """
    closed = {p.pk: p for p in polls if p.status == Poll.Status.CLOSED}
    refusals: dict[int, str] = {}
    for poll in closed.values():
        if poll.secret:
            refusals[poll.pk] = _(
                "This was a secret vote. Everyone has seen its result, so opening it "
                "again could show how someone voted. Make a new vote instead."
            )
        elif poll.results_shown == ResultsShown.CLOSED:
            refusals[poll.pk] = _(
                "This vote hid its results until it closed. Everyone has seen the results "
                "now, so it cannot be opened again. Make a new vote instead."
            )
    settled = ProposalPollLink.objects.filter(
        poll__in=list(closed),
        proposal__status__in=(ProposalStatus.ADOPTED, ProposalStatus.NOT_ADOPTED),
    ).values_list("poll_id", flat=True)
    for poll_id in settled:
        refusals[poll_id] = _(
            "A proposal in this vote has been adopted or not adopted since, so the "
            "vote cannot be opened again. Make a new vote instead."
        )
    for poll_id in Decision.objects.filter(poll__in=list(closed)).values_list("poll_id", flat=True):
        refusals[poll_id] = _(
            "A decision has been recorded from this vote, so it cannot be "
            "opened again. Make a new vote instead."
        )
    return refusals


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


def voting_progress(poll: Poll) -> dict[str, int]:
    """Count, in one query, who here may vote in a meeting's poll and how many of them have.

    "Here" is marked present at the poll's meeting; "may vote" is an active member of the
    poll's forum who is not an observer (Member.can_vote); a ballot of theirs counts,
    direct or cast with their supporter.
    """
    if poll.meeting_id is None:
        return {"voted": 0, "expected": 0}
    voted = (Participation if poll.secret else Ballot).objects.filter(
        poll_id=poll.pk, member_id=OuterRef("member_id")
    )
    counts = (
        Attendance.objects.filter(
            meeting_id=poll.meeting_id,
            status=Attendance.Status.PRESENT,
            member__forum_id=poll.forum_id,
            member__is_active=True,
        )
        .exclude(member__role=Role.OBSERVER)
        .aggregate(expected=Count("pk"), voted=Count("pk", filter=Q(Exists(voted))))
    )
    return {"voted": counts["voted"], "expected": counts["expected"]}


def poll_dict(poll: Poll, *, result: dict[str, Any] | None = None) -> dict[str, Any]:
    """Describe a poll for a screen; a closed poll carries its frozen result.

    An open poll whose results wait for everyone here also says how many of the people
    here have voted (voting_progress).
    """
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
        "results_shown": poll.results_shown,
        # Whether an open poll's results are out of sight now (poll.results_visible): a
        # secret poll's always, hidden ones until they close, the default until everyone
        # here has voted or the facilitator shows them.
        "results_hidden": not poll.is_closed and not poll.results_visible,
        "double_majority": poll.double_majority,
        "lived_experience_consent": poll.lived_experience_consent,
        "options": [
            {"key": o.key, "label": o.label, "symbol": o.symbol or o.key}
            for o in poll.options.all()
        ],
        "voters": result["voters"] if result else 0,
        "result": result,
        # Only while the results wait for everyone here: how many of them have voted.
        "progress": (
            voting_progress(poll)
            if poll.is_open and not poll.results_visible and poll.may_show_results_early
            else None
        ),
    }
    # The number of the count this entry carries (Poll.tally_seq), so a screen keeps the
    # newest count whichever daphne process sent it. Only with a count: the number
    # grows with the ballots, so it would tell phones roughly how many have voted.
    has_count = result is not None or entry["progress"] is not None
    entry["tally_seq"] = poll.tally_seq if has_count else None
    # The result as screens show it, so the page script does not build results again.
    entry["shown"] = results_shape.shape(entry)
    return entry


@contextmanager
def one_moment() -> Iterator[None]:
    """Read everything inside from one snapshot of the database, as one moment.

    A count and its number (Poll.tally_seq) must be read together: on PostgreSQL each
    statement of a READ COMMITTED transaction sees the commits made since the last, so a
    number read before a ballot commits could go with a count read after it, and a
    screen would take a newer count for an older one. REPEATABLE READ (read only, so it
    never fails to serialise) reads the whole tally from one snapshot. A SQLite
    transaction is one snapshot too, but coprod opens SQLite's transactions IMMEDIATE
    (settings), which takes the write lock: a read would wait for every ballot. This one
    is DEFERRED: it reads from one snapshot (WAL) and takes no lock. Inside a caller's
    transaction, that one is used.
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        sqlite: Any = connection  # the SQLite backend's wrapper
        sqlite.ensure_connection()  # connecting sets transaction_mode from settings
        mode, sqlite.transaction_mode = sqlite.transaction_mode, "DEFERRED"
        try:
            with transaction.atomic():
                sqlite.transaction_mode = mode
                yield
        finally:
            sqlite.transaction_mode = mode
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def tally_event(poll_id: int) -> dict[str, Any] | None:
    """Build the `tally.updated` broadcast of a poll from the database, at one moment."""
    with one_moment():
        return _tally_event(poll_id)


def _tally_event(poll_id: int) -> dict[str, Any] | None:
    try:
        poll = poll_with_options(poll_id)
    except Poll.DoesNotExist:
        return None
    if poll.meeting is None:
        return None
    result = current_result(poll)
    visible = poll.results_visible
    entry = poll_dict(poll, result=result if visible else None)
    return {
        "type": "tally.updated",
        "version": poll.meeting.version,
        "poll": poll.pk,
        "status": poll.status,
        "visible": visible,
        # Phones hear of a hidden poll only while it waits for everyone here to vote, so
        # they can say "7 of 12 have voted"; the count moves, no answer does.
        "phones": visible or entry["progress"] is not None,
        "voters": result["voters"],
        "result": result if visible else None,
        "shown": entry["shown"],
        "progress": entry["progress"],
        # Tallies of several processes reach a screen in any order: it keeps the newest.
        "tally_seq": poll.tally_seq,
    }


def assisted_votes(meeting: Meeting) -> dict[int, list[dict[str, str]]]:
    """List, per named poll of a meeting, who voted with which supporter (one query).

    Secret polls keep no such link (Participation says only that someone voted
    assisted), so they are never listed.
    """
    rows: dict[int, list[dict[str, str]]] = {}
    for ballot in (
        Ballot.objects.filter(poll__meeting=meeting, poll__secret=False, source=Source.ASSISTED)
        .select_related("member", "assisted_by")
        .order_by("member__name", "pk")
    ):
        rows.setdefault(ballot.poll_id, []).append(
            {
                "voter": ballot.member.name if ballot.member else "",
                "supporter": ballot.assisted_by.name if ballot.assisted_by else "",
            }
        )
    return rows


def agenda_list(meeting: Meeting) -> list[dict[str, Any]]:
    """Describe a meeting's agenda in order."""
    return [
        {
            "id": item.pk,
            "position": item.position,
            "title": item.title,
            "description": item.description,
            "kind": item.kind,
            "minutes": item.minutes,
            # Screens count down to this time themselves: no message each second.
            "ends_at": item.ends_at.isoformat() if item.ends_at else None,
        }
        for item in AgendaItem.objects.filter(meeting=meeting).order_by("position")
    ]


def attendance_counts(meeting: Meeting) -> dict[str, Any]:
    """Count who is present by constituency, and who is waiting to be let in."""
    return _counted(
        Attendance.objects.filter(meeting=meeting).values_list("member__constituency", "status")
    )


def _counted(rows: Iterable[tuple[str, str]]) -> dict[str, Any]:
    present: Counter[str] = Counter()
    waiting = 0
    for constituency, status in rows:
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
    # Plain rows, not models: the console gets this list again after every few joins.
    rows = (
        Attendance.objects.filter(meeting=meeting)
        .order_by("member__name")
        .values_list(
            "pk",
            "member_id",
            "member__name",
            "member__constituency",
            "member__role",
            "member__communication_needs",
            "member__is_guest",
            "status",
            "claim_token",
        )
    )
    people = [
        {
            "attendance": pk,
            "member": member,
            "name": name,
            "constituency": constituency,
            "role": role,
            "needs": needs,
            "guest": guest,
            "status": status,
            # Another phone asks for this name (never which phone: only that one asks).
            "claim": bool(claim_token),
        }
        for pk, member, name, constituency, role, needs, guest, status, claim_token in rows
    ]
    counts = _counted((person["constituency"], person["status"]) for person in people)
    return {**counts, "people": people}


def attendance_events(meeting_id: int) -> list[tuple[str, dict[str, Any]]]:
    """Build the broadcasts of who is here: counts for the console, names for the facilitator.

    Returns (audience, event) pairs, read once for both.
    """
    state = attendance_state(Meeting(pk=meeting_id))
    counts = {key: value for key, value in state.items() if key != "people"}
    return [
        ("console", {"type": "attendance.counts", **counts}),
        ("facilitator", {"type": "attendance.changed", **state}),
    ]


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


@one_moment()  # its counts and their numbers agree, as in a tally (one_moment)
def meeting_snapshot(
    meeting_id: int, *, audience: str, member: Member | None = None
) -> dict[str, Any]:
    """Build the state a screen starts from; events are applied on top of it."""
    meeting = Meeting.objects.select_related("forum").get(pk=meeting_id)
    snapshot = _room_snapshot(meeting, audience)
    # The server's clock when the snapshot was made, in milliseconds since 1970: a
    # screen counts a timer down with its own clock corrected by the difference.
    snapshot["clock"] = int(timezone.now().timestamp() * 1000)
    if audience in ("projector", "facilitator"):
        snapshot["attendance"] = attendance_counts(meeting)
    if audience == "facilitator":
        snapshot["people"] = attendance_state(meeting)["people"]
    if audience == "phone":
        snapshot.update(phone_own_snapshot(meeting, member))
    else:
        # Hands up and cards: not versioned, each event carries its part whole.
        snapshot["equals"] = equals_snapshot(meeting, audience=audience, member=member)
    return snapshot


@dataclass(frozen=True)
class PhoneShared:
    """What every phone of a meeting is sent alike, and the read each one's hand is found in."""

    snapshot: dict[str, Any]
    speaking: SpeakingRead


@one_moment()
def phone_shared_snapshot(meeting_id: int) -> PhoneShared:
    """Build the part of a phone's snapshot that is the same for every phone of a meeting.

    Nothing of one person in it: the clock, member_state and the phone's own hand
    (equals.me_state_from, from `speaking`) are added for each phone, so the consumers
    can build this once for all their phones.
    """
    meeting = Meeting.objects.select_related("forum").get(pk=meeting_id)
    return PhoneShared(_room_snapshot(meeting, "phone"), speaking_read(meeting))


def phone_own_snapshot(meeting: Meeting, member: Member | None) -> dict[str, Any]:
    """Build the part of a phone's snapshot that is this person's own: votes, hand, cards."""
    own: dict[str, Any] = {}
    if member is not None:
        own["me"] = member_state(meeting, member)
    # Hands up and cards: not versioned, each event carries its part whole.
    own["equals"] = equals_snapshot(meeting, audience="phone", member=member)
    return own


def _room_snapshot(meeting: Meeting, audience: str) -> dict[str, Any]:
    """Describe the meeting as this audience sees it, with nothing of one person."""
    polls = [
        _snapshot_poll(poll, audience)
        for poll in meeting_polls(meeting)
        if audience != "phone" or poll.status != Poll.Status.DRAFT
    ]
    return {
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


# The part of a phone's snapshot that every phone of a meeting shares (all but the
# person's own votes, hand and cards), kept per process for a moment: 1,000 phones
# opening the page at once each counted every ballot and read the agenda again.
_phone_shared: dict[tuple[int, str, int, str], tuple[float, dict[str, Any]]] = {}
_phone_shared_lock = threading.Lock()
# One build at a time per meeting: the phones that ask meanwhile wait for it and take it.
# Without this, every page asked for while a build ran built its own (1,000 phones
# joining, 50 at a time, built it about 18 times a second instead of once).
_phone_shared_builds: dict[int, threading.Lock] = {}


def _kept_phone_shared(key: tuple[int, str, int, str], seconds: float) -> dict[str, Any] | None:
    with _phone_shared_lock:
        kept = _phone_shared.get(key)
    if kept is not None and time.monotonic() - kept[0] < seconds:
        return kept[1]
    return None


def phone_snapshot(meeting_id: int, member: Member) -> dict[str, Any]:
    """Build a phone's snapshot; the part every phone shares is built once per moment.

    Kept per meeting version, for PHONE_SNAPSHOT_SECONDS at most: every versioned change
    (a vote opened or closed, the agenda moved) shows at once; a running count or how
    many have voted may be that much older, as on the phones' live screens, which are
    sent tallies at most once a second.
    """
    seconds = settings.PHONE_SNAPSHOT_SECONDS
    row = Meeting.objects.filter(pk=meeting_id).values_list("version", "join_code").first()
    if row is None:
        raise Meeting.DoesNotExist()
    # The join code too: a meeting id can come again after a test database is emptied.
    key = (meeting_id, row[1], row[0], translation.get_language() or "")
    shared = _kept_phone_shared(key, seconds)
    if shared is None:
        with _phone_shared_lock:
            building = _phone_shared_builds.setdefault(meeting_id, threading.Lock())
        with building:
            shared = _kept_phone_shared(key, seconds)  # built while this one waited
            if shared is None:
                started = time.monotonic()
                shared = phone_shared_snapshot(meeting_id).snapshot
                if seconds > 0:
                    with _phone_shared_lock:
                        for old in [
                            k for k, (t, _s) in _phone_shared.items() if started - t >= seconds
                        ]:
                            del _phone_shared[old]
                        _phone_shared[key] = (started, shared)
    own = phone_own_snapshot(Meeting(pk=meeting_id), member)
    return {**shared, "clock": int(timezone.now().timestamp() * 1000), **own}


def _snapshot_poll(poll: Poll, audience: str) -> dict[str, Any]:
    """Describe a poll as it stands now, as much as this audience may see."""
    if poll.status != Poll.Status.OPEN:
        return poll_dict(poll)
    if audience == "phone" and not poll.results_visible:
        # Phones are told neither the answers nor how many voted: nothing to count.
        entry = poll_dict(poll)
        entry["voters"] = 0
        return entry
    result = compute_result(poll)
    if poll.results_visible:
        return poll_dict(poll, result=result)
    entry = poll_dict(poll)
    # Phones are not told how many have voted while results are hidden; the room is.
    # (While a poll waits for everyone here, its progress tells phones how many of the
    # people here have voted.)
    entry["voters"] = 0 if audience == "phone" else result["voters"]
    if audience != "phone":
        entry["tally_seq"] = poll.tally_seq
    return entry


@functools.cache
def _member_votes_sql() -> str:
    # Built on first use, when the models and the database connection are ready. Only
    # table and column names go into the text (quoted); every value is a parameter.
    poll, ballot, took_part = (rows.table(m) for m in (Poll, Ballot, Participation))
    meeting_col = rows.column(Poll, "meeting")
    return (
        f"SELECT b.{rows.column(Ballot, 'answer')}, b.{rows.column(Ballot, 'poll')}, 1"  # noqa: S608
        f" FROM {ballot} b INNER JOIN {poll} p ON p.id = b.{rows.column(Ballot, 'poll')}"
        f" WHERE p.{meeting_col} = %s AND b.{rows.column(Ballot, 'member')} = %s"
        f" UNION ALL SELECT NULL, t.{rows.column(Participation, 'poll')}, 0"
        f" FROM {took_part} t INNER JOIN {poll} p ON p.id = t.{rows.column(Participation, 'poll')}"
        f" WHERE p.{meeting_col} = %s AND t.{rows.column(Participation, 'member')} = %s"
    )


def member_state(meeting: Meeting, member: Member) -> dict[str, Any]:
    """Describe the person on this phone: who they are, whom they support, how they voted."""
    # One query (every phone connecting asks this: deliberation/rows.py): the answers of
    # its named votes, and which secret votes it took part in (nothing about how).
    named: dict[int, Any] = {}
    secret_voted: list[int] = []
    found = rows.fetch(
        _member_votes_sql(), [meeting.pk, member.pk] * 2, (), (Ballot._meta.get_field("answer"),)
    )
    for answer, poll_id, is_named in found:
        if is_named:
            named[poll_id] = answer
        else:
            secret_voted.append(poll_id)
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
