"""Reads for meeting as equals: the fair speaking queue, airtime and cards.

Three shapes of the same state, one for each kind of screen: the facilitator's console
(names, unless a card is anonymous), the room's (the projector: counts, and names only
where the forum's meeting shows them and a card's sender chose to), and a phone's own.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from deliberation.models import (
    Card,
    CardKind,
    Constituency,
    Meeting,
    Member,
    SpeakingSettings,
    SpeakingTurn,
)

# How many of the people waiting the projector names as next.
NEXT_ON_PROJECTOR = 3
CARD_KINDS: tuple[str, ...] = tuple(CardKind.values)
# Cards that ask for something to be explained: clearing one is a stop to explain.
EXPLAIN_KINDS = frozenset({CardKind.DONT_UNDERSTAND, CardKind.JARGON})


@dataclass(frozen=True)
class Waiting:
    """One raised hand, as the fair order needs it."""

    turn: int
    member: int
    constituency: str
    asked_at: datetime.datetime
    turns_before: int


def fair_order(waiting: Iterable[Waiting], *, lived_experience_first: bool) -> list[Waiting]:
    """Order raised hands fairly: who has not spoken yet first, then by time asked.

    With lived_experience_first, among people who have spoken as often (none, or some),
    people with lived experience come before the others; the time they asked decides
    the rest.
    """

    def key(w: Waiting) -> tuple[bool, bool, datetime.datetime, int]:
        others = lived_experience_first and w.constituency != Constituency.LIVED_EXPERIENCE
        return (w.turns_before > 0, others, w.asked_at, w.turn)

    return sorted(waiting, key=key)


def initials(name: str) -> str:
    """Return a name's initials ("Ann Jones" -> "AJ"), for a projector that shows no names."""
    letters = [part[0] for part in name.split() if part[:1].isalpha()]
    return "".join(letters[:3]).upper() or "?"


def speaking_settings(meeting: Meeting) -> dict[str, Any]:
    """Return a meeting's queue settings, the defaults where none were saved."""
    row = SpeakingSettings.objects.filter(meeting=meeting).first()
    if row is None:
        return {"lived_experience_first": False, "show_names": True, "time_limit": None}
    return {
        "lived_experience_first": row.lived_experience_first,
        "show_names": row.show_names,
        "time_limit": row.time_limit,
    }


def _elapsed(started_at: datetime.datetime | None, now: datetime.datetime) -> int:
    if started_at is None:
        return 0
    return max(0, int((now - started_at).total_seconds()))


def airtime(turns: Iterable[SpeakingTurn]) -> dict[str, dict[str, int]]:
    """Add up finished turns by group: seconds spoken and number of turns."""
    seconds: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for turn in turns:
        if turn.status == SpeakingTurn.Status.DONE:
            seconds[turn.constituency] += turn.seconds
            count[turn.constituency] += 1
    return {c: {"seconds": seconds[c], "turns": count[c]} for c in Constituency.values}


@dataclass(frozen=True)
class SpeakingRead:
    """A meeting's speaking queue, speakers and cards as read at one moment."""

    settings: dict[str, Any]
    turns: list[SpeakingTurn]
    cards: list[Card]
    now: datetime.datetime


def speaking_read(meeting: Meeting) -> SpeakingRead:
    """Read a meeting's speaking queue and cards (three queries), for any screen's part."""
    turns = list(
        SpeakingTurn.objects.filter(meeting=meeting).select_related("member").order_by("pk")
    )
    cards = list(
        Card.objects.filter(meeting=meeting, cleared_at__isnull=True)
        .select_related("member")
        .order_by("pk")
    )
    return SpeakingRead(speaking_settings(meeting), turns, cards, timezone.now())


def _queue(read: SpeakingRead) -> list[SpeakingTurn]:
    done = Counter(t.member_id for t in read.turns if t.status == SpeakingTurn.Status.DONE)
    waiting = {t.pk: t for t in read.turns if t.status == SpeakingTurn.Status.WAITING}
    order = fair_order(
        (
            Waiting(t.pk, t.member_id, t.constituency, t.asked_at, done[t.member_id])
            for t in waiting.values()
        ),
        lived_experience_first=read.settings["lived_experience_first"],
    )
    return [waiting[w.turn] for w in order]


def _speaking(read: SpeakingRead) -> SpeakingTurn | None:
    return next((t for t in read.turns if t.status == SpeakingTurn.Status.SPEAKING), None)


def _card_counts(cards: Sequence[Card]) -> dict[str, int]:
    counts = Counter(card.kind for card in cards)
    return {kind: counts[kind] for kind in CARD_KINDS}


def _named_cards(cards: Sequence[Card], *, show_names: bool = True) -> list[dict[str, Any]]:
    # Only the cards whose sender chose to show their name: an anonymous card's sender
    # is never read into a screen's state. A projector that shows no names shows their
    # first letters, as for the queue.
    return [
        {"kind": c.kind, "name": c.member.name if show_names else initials(c.member.name)}
        for c in cards
        if not c.anonymous and c.member is not None
    ]


def console_state(meeting: Meeting) -> dict[str, Any]:
    """Describe the queue, the cards and the airtime for the facilitator."""
    read = speaking_read(meeting)
    done = Counter(t.member_id for t in read.turns if t.status == SpeakingTurn.Status.DONE)
    speaking = _speaking(read)
    return {
        "settings": read.settings,
        "speaking": None
        if speaking is None
        else {
            "member": speaking.member_id,
            "name": speaking.member.name,
            "constituency": speaking.constituency,
            "elapsed": _elapsed(speaking.started_at, read.now),
            "limit": read.settings["time_limit"],
        },
        "queue": [
            {
                "member": t.member_id,
                "name": t.member.name,
                "constituency": t.constituency,
                "spoken": done[t.member_id],
                "place": place,
            }
            for place, t in enumerate(_queue(read), start=1)
        ],
        "cards": _card_counts(read.cards),
        "card_names": _named_cards(read.cards),
        "airtime": airtime(read.turns),
    }


def _label(turn: SpeakingTurn, show_names: bool) -> str:
    return turn.member.name if show_names else initials(turn.member.name)


def room_state(meeting: Meeting) -> dict[str, Any]:
    """Describe who speaks, who is next and the cards, as the projector shows them."""
    read = speaking_read(meeting)
    show = read.settings["show_names"]
    speaking = _speaking(read)
    queue = _queue(read)
    return {
        "show_names": show,
        "speaking": None
        if speaking is None
        else {
            "label": _label(speaking, show),
            "constituency": speaking.constituency,
            "elapsed": _elapsed(speaking.started_at, read.now),
            "limit": read.settings["time_limit"],
        },
        "next": [
            {"label": _label(t, show), "constituency": t.constituency}
            for t in queue[:NEXT_ON_PROJECTOR]
        ],
        "waiting": len(queue),
        "cards": _card_counts(read.cards),
        "card_names": _named_cards(read.cards, show_names=show),
    }


def me_state(meeting: Meeting, member: Member) -> dict[str, Any]:
    """Describe this phone's own hand and cards."""
    return me_state_from(speaking_read(meeting), member.pk)


def me_state_from(read: SpeakingRead, member_id: int) -> dict[str, Any]:
    """Describe one phone's own hand and cards from a read shared by every phone."""
    hand, place = "down", None
    for number, turn in enumerate(_queue(read), start=1):
        if turn.member_id == member_id:
            hand, place = "up", number
    speaking = _speaking(read)
    if speaking is not None and speaking.member_id == member_id:
        hand = "speaking"
    return {
        "hand": hand,
        "place": place,
        "cards": sorted(c.kind for c in read.cards if c.member_id == member_id),
    }


def equals_snapshot(meeting: Meeting, *, audience: str, member: Member | None) -> dict[str, Any]:
    """Return the part of a screen's snapshot that meeting as equals adds."""
    if audience == "phone":
        return {"me": me_state(meeting, member) if member is not None else None}
    state: dict[str, Any] = {"room": room_state(meeting)}
    if audience == "facilitator":
        state["console"] = console_state(meeting)
    return state


def meeting_record(meeting: Meeting) -> dict[str, Any]:
    """Sum up a meeting's speaking and cards for its record and easy-read summary."""
    turns = SpeakingTurn.objects.filter(meeting=meeting).only(
        "status", "constituency", "started_at", "ended_at"
    )
    times = airtime(turns)
    counts: Counter[str] = Counter()
    explain_stops: set[datetime.datetime] = set()
    break_stops: set[datetime.datetime] = set()
    for kind, cleared_at in Card.objects.filter(meeting=meeting).values_list("kind", "cleared_at"):
        counts[kind] += 1
        if cleared_at is not None and kind in EXPLAIN_KINDS:
            explain_stops.add(cleared_at)
        if cleared_at is not None and kind == CardKind.BREAK:
            break_stops.add(cleared_at)
    return {
        "airtime": times,
        "spoke": any(t["turns"] for t in times.values()),
        "cards": {kind: counts[kind] for kind in CARD_KINDS},
        "any_cards": sum(counts.values()) > 0,
        "explain_stops": len(explain_stops),
        "break_stops": len(break_stops),
    }
