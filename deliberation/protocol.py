"""The websocket protocol: parse and validate client messages, and follow server events.

Every client message is a JSON object with a dotted `type`. A message that is too
large, not JSON, of an unknown type or with a wrong field raises ProtocolError, whose
message is plain words for the participant; nothing is written and the connection
stays open.
"""

import copy
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from deliberation import textcheck


class ProtocolError(Exception):
    """A client message that cannot be accepted, with a plain-words message."""

    def __init__(self, code: str, message: str, ref: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.ref = ref


@dataclass(frozen=True)
class Message:
    type: str
    ref: str | None = None
    poll: int | None = None
    client_id: str | None = None
    answer: dict[str, Any] = field(default_factory=dict)
    for_member: int | None = None
    step: int = 0
    kind: str | None = None
    anonymous: bool = True


# Hands up and cards (services/equals.py): each event brings one part of the state whole,
# the room's (projector and console), the facilitator's, or a phone's own.
EQUALS_EVENTS = {"equals.room": "room", "equals.console": "console", "equals.me": "me"}
# The cards a phone may show (models.CardKind; "I want to say something" is hand.raise).
CARD_KINDS = frozenset({"dont_understand", "slow_down", "jargon", "break"})

# What a socket may send. A facilitator's changes (open or close a vote, move the agenda,
# count hands) go through the console's forms only: one path for every change. Paging
# the projector (`projector.page`) changes nothing stored: it only moves what it shows.
TYPES = frozenset(
    {
        "ping",
        "snapshot.request",
        "ballot.cast",
        "projector.page",
        "hand.raise",
        "hand.lower",
        "card.show",
    }
)
FIELDS: dict[str, tuple[set[str], set[str]]] = {
    # type: (required fields, optional fields) besides "type" and "ref"
    "ping": (set(), set()),
    "snapshot.request": (set(), set()),
    # No key to a secret vote: the server works it out from the phone's HttpOnly cookie.
    "ballot.cast": ({"poll", "client_id", "answer"}, {"for_member"}),
    # step: 1 for the next part of the results on the projector, -1 for the previous one.
    "projector.page": ({"step"}, set()),
    "hand.raise": (set(), set()),
    "hand.lower": (set(), set()),
    # anonymous: true unless the person ticks off "Don't show my name".
    "card.show": ({"kind"}, {"anonymous"}),
}


def unusable_text_message() -> str:
    """Return the plain words for text with characters we cannot store."""
    return _("Some letters or signs in your message cannot be used. Please type it again.")


def _id(data: dict[str, Any], name: str, *, nullable: bool = False) -> int | None:
    value = data.get(name)
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise ProtocolError("invalid", _("The field “%s” must be a number.") % name)
    return value


def parse(text: str | None, binary: bytes | None = None) -> Message:
    """Parse and validate one client message."""
    if binary is not None or text is None:
        raise ProtocolError("invalid", _("Please send text messages only."))
    # surrogatepass: a lone surrogate must reach the text check below, not crash here.
    if len(text.encode(errors="surrogatepass")) > settings.WS_MAX_MESSAGE_BYTES:
        raise ProtocolError("too_large", _("That message is too long."))
    try:
        data = json.loads(text)
    except ValueError:
        raise ProtocolError("invalid_json", _("That message could not be read.")) from None
    if not isinstance(data, dict):
        raise ProtocolError("invalid", _("That message could not be read."))
    ref = data.get("ref")
    if ref is not None and (not isinstance(ref, str) or len(ref) > 64):
        raise ProtocolError("invalid", _("The field “ref” must be a short text."))
    # Before anything is echoed or stored: a ref that cannot be encoded is not sent back,
    # as the socket could not send the error and would close.
    if ref is not None and not textcheck.is_storable(ref):
        raise ProtocolError("invalid_text", unusable_text_message())
    if not textcheck.all_storable(data):
        raise ProtocolError("invalid_text", unusable_text_message(), ref)
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in TYPES:
        raise ProtocolError("unknown_type", _("That kind of message is not known."), ref)
    required, optional = FIELDS[kind]
    present = set(data) - {"type", "ref"}
    missing = required - present
    if missing:
        raise ProtocolError(
            "invalid", _("Something is missing: %s.") % ", ".join(sorted(missing)), ref
        )
    extra = present - required - optional
    if extra:
        raise ProtocolError("invalid", _("Unexpected fields: %s.") % ", ".join(sorted(extra)), ref)
    try:
        return _build(kind, data, ref)
    except ProtocolError as exc:
        exc.ref = ref
        raise


def _build(kind: str, data: dict[str, Any], ref: str | None) -> Message:
    if kind in ("ping", "snapshot.request", "hand.raise", "hand.lower"):
        return Message(type=kind, ref=ref)
    if kind == "projector.page":
        step = data["step"]
        # type() is int: not True (a bool), not 1.0 (a float equal to 1).
        if type(step) is not int or step not in (1, -1):
            raise ProtocolError(
                "invalid", _("The field “step” must be 1 (next part) or -1 (previous part).")
            )
        return Message(type=kind, ref=ref, step=step)
    if kind == "card.show":
        card = data["kind"]
        if not isinstance(card, str) or card not in CARD_KINDS:
            raise ProtocolError("invalid", _("That card is not known."))
        anonymous = data.get("anonymous", True)
        if not isinstance(anonymous, bool):
            raise ProtocolError("invalid", _("The field “%s” must be true or false.") % "anonymous")
        return Message(type=kind, ref=ref, kind=card, anonymous=anonymous)
    # ballot.cast
    client_id = data["client_id"]
    try:
        client_id = str(uuid.UUID(str(client_id))) if isinstance(client_id, str) else None
    except ValueError:
        client_id = None
    if client_id is None:
        raise ProtocolError("invalid", _("The vote had no valid id. Please try again."))
    answer = data["answer"]
    if not isinstance(answer, dict):
        raise ProtocolError("invalid", _("The answer could not be read."))
    return Message(
        type=kind,
        ref=ref or client_id,
        poll=_id(data, "poll"),
        client_id=client_id,
        answer=answer,
        for_member=_id(data, "for_member", nullable=True),
    )


def error(code: str, message: str, ref: str | None = None) -> dict[str, Any]:
    """Build an `error` message for one client."""
    event: dict[str, Any] = {"type": "error", "code": code, "message": message}
    if ref is not None:
        event["ref"] = ref
    return event


# -- following the server's events ---------------------------------------------------


def needs_snapshot(state: dict[str, Any], event: dict[str, Any]) -> bool:
    """Say whether a client that got this event missed a change (as state.mjs needsSnapshot).

    A tally or a heartbeat ahead of the client's version, or a change that skips one,
    means a broadcast was lost: the client reads a whole snapshot again.
    """
    version = event.get("version")
    if not isinstance(version, int):
        return False
    if event["type"] in ("tally.updated", "meeting.heartbeat"):
        return version > state["version"]
    return version > state["version"] + 1


def count_is_older(incoming: dict[str, Any], held: dict[str, Any], *, or_same: bool) -> bool:
    """Say whether an incoming count of a poll is numbered before the one held (tally_seq).

    Tallies of several daphne processes reach a screen in any order; each carries the
    number the database gave its count, so a screen keeps the newest.
    """
    got, have = incoming.get("tally_seq"), held.get("tally_seq")
    if not isinstance(got, int) or not isinstance(have, int):
        return False
    return got < have or (or_same and got == have)


def apply_event(state: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """Return the state a client holds after one broadcast (as static/coprod/state.mjs does)."""
    state = copy.deepcopy(state)
    kind = event["type"]
    # A tally or a heartbeat only reports the version; it does not bring the changes.
    if "version" in event and kind not in ("tally.updated", "meeting.heartbeat"):
        state["version"] = event["version"]
    if kind == "meeting.status":
        state["meeting"]["status"] = event["status"]
        state["meeting"]["current_item"] = event["current_item"]
    elif kind == "agenda.moved":
        state["meeting"]["current_item"] = event["current_item"]
    elif kind == "agenda.changed":
        state["agenda"] = event["agenda"]
    elif kind in ("poll.created", "poll.opened", "poll.updated", "poll.closed"):
        poll = event["poll"]
        polls = [p for p in state["polls"] if p["id"] != poll["id"]]
        existing = next((p for p in state["polls"] if p["id"] == poll["id"]), None)
        if (
            existing is not None
            and existing["status"] == "open"
            and poll["status"] == "open"
            and (poll["result"] is None or count_is_older(poll, existing, or_same=False))
        ):
            # Settings changed mid-vote: keep the running count the screen already has.
            # (A vote opened again brings no count: its frozen result is not a live one.)
            # (Nor is a count numbered before the one the screen has: another process's
            # tally overtook this change on the way.)
            poll = {
                **poll,
                "voters": existing["voters"],
                "result": existing["result"],
                "shown": existing["shown"],
            }
            if "tally_seq" in existing:
                poll["tally_seq"] = existing["tally_seq"]
        polls.append(poll)
        state["polls"] = sorted(polls, key=lambda p: p["id"])
    elif kind == "tally.updated":
        for poll in state["polls"]:
            # A running count sent before the vote closed, arriving after: already stale.
            # So is a count numbered no higher than the one held: with several processes
            # sending, an older tally can arrive after a newer one.
            stale = poll["status"] == "closed" and not (event.get("shown") or {}).get("closed")
            # (A change such as showing the results keeps the number: what it brought
            # is newer than a tally with the same number.)
            stale = stale or count_is_older(event, poll, or_same=True)
            if poll["id"] == event["poll"] and not stale:
                poll["voters"] = event["voters"]
                poll["result"] = event["result"]
                poll["shown"] = event["shown"]
                poll["progress"] = event.get("progress")
                if "tally_seq" in event:
                    poll["tally_seq"] = event["tally_seq"]
    elif kind == "decision.recorded":
        state["decisions"] = [*state["decisions"], event["decision"]]
    elif kind == "recap.changed":
        state["recap"] = event["recap"]
    elif kind == "attendance.counts":
        state["attendance"] = {"present": event["present"], "waiting": event["waiting"]}
    elif kind == "attendance.changed":
        state["attendance"] = {"present": event["present"], "waiting": event["waiting"]}
        state["people"] = event["people"]
    elif kind in EQUALS_EVENTS:
        # Hands up and cards: each event brings its part of the state whole.
        part = EQUALS_EVENTS[kind]
        state["equals"] = {**state.get("equals", {}), part: event[part]}
    return state
