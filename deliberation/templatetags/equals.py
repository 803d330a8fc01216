"""The meeting-as-equals panels of the phone, the console and the projector.

Each tag draws its panel from the screen's snapshot (snapshot["equals"]); with
`skeleton` it draws every branch once, as a <template> for static/coprod/equals.mjs to
copy and fill from the live state, so every word comes from these templates.
"""

from typing import Any

from django import template

from deliberation import display
from deliberation.models import Attendance, Meeting, Role

register = template.Library()

_GROUP = {"constituency": "", "group": "", "group_symbol": ""}


def _group(key: str) -> dict[str, str]:
    return {
        "constituency": key,
        "group": display.group_label(key),
        "group_symbol": display.GROUP_SYMBOLS.get(key, ""),
    }


def _speaking(speaking: dict[str, Any] | None) -> dict[str, Any] | None:
    if speaking is None:
        return None
    limit = speaking.get("limit")
    elapsed = speaking["elapsed"]
    return {
        **speaking,
        **_group(speaking["constituency"]),
        "clock": display.clock(elapsed),
        "left": display.clock(limit - elapsed) if limit else "",
        "over": bool(limit) and elapsed >= limit,
    }


def _base(context: template.Context, skeleton: bool) -> dict[str, Any]:
    return {
        "meeting": context["meeting"],
        "csrf_token": context.get("csrf_token"),
        "skeleton": skeleton,
        "hand_words": display.HAND_WORDS,
    }


@register.inclusion_tag("deliberation/includes/equals_phone.html", takes_context=True)
def equals_phone(context: template.Context) -> dict[str, Any]:
    """Draw the phone's hand and cards."""
    me = context["snapshot"]["equals"].get("me") or {"hand": "down", "place": None, "cards": []}
    cards = display.card_views({}, [])
    for card in cards:
        card["up"] = card["kind"] in me["cards"]
    return {**_base(context, False), "me": me, "cards": cards}


@register.inclusion_tag("deliberation/includes/equals_hand.html", takes_context=True)
def equals_hand_skeleton(context: template.Context) -> dict[str, Any]:
    """Draw every branch of the phone's hand, as a pattern."""
    return {**_base(context, True), "me": {"hand": "", "place": "%(n)s"}}


def _card_skeleton() -> list[dict[str, Any]]:
    # Every card with its word and symbol; the script fills in the counts and names.
    return [{**card, "count": "", "names": ["-"]} for card in display.card_views({}, [])]


def _room(room: dict[str, Any]) -> dict[str, Any]:
    return {
        "speaking": _speaking(room["speaking"]),
        "next": [{**n, **_group(n["constituency"])} for n in room["next"]],
        "waiting": room["waiting"],
        "cards": [c for c in display.card_views(room["cards"], room["card_names"]) if c["count"]],
    }


@register.inclusion_tag("deliberation/includes/equals_room.html", takes_context=True)
def equals_room(context: template.Context, skeleton: bool = False) -> dict[str, Any]:
    """Draw who speaks, who is next and the cards, for the projector."""
    if skeleton:
        room = {
            "speaking": {"label": "", "clock": "", "left": "", "over": False, **_GROUP},
            "next": [{"label": "", **_GROUP}],
            "waiting": "%(n)s",
            "cards": _card_skeleton(),
        }
    else:
        room = _room(context["snapshot"]["equals"]["room"])
    return {**_base(context, skeleton), "room": room}


def _present(meeting: Meeting) -> list[dict[str, Any]]:
    rows = (
        Attendance.objects.filter(
            meeting=meeting, status=Attendance.Status.PRESENT, member__is_active=True
        )
        .exclude(member__role=Role.OBSERVER)
        .select_related("member")
        .order_by("member__name")
    )
    return [{"member": a.member_id, "name": a.member.name} for a in rows]


def _console(console: dict[str, Any]) -> dict[str, Any]:
    airtime = [
        {
            **_group(key),
            "seconds": console["airtime"][key]["seconds"],
            "clock": display.clock(console["airtime"][key]["seconds"]),
            "turns": console["airtime"][key]["turns"],
        }
        for key in display.GROUPS
    ]
    return {
        "speaking": _speaking(console["speaking"]),
        "queue": [{**q, **_group(q["constituency"])} for q in console["queue"]],
        "cards": display.card_views(console["cards"], console["card_names"]),
        "any_cards": any(console["cards"].values()),
        "airtime": airtime,
    }


@register.inclusion_tag("deliberation/includes/equals_console_live.html", takes_context=True)
def equals_console_live(context: template.Context, skeleton: bool = False) -> dict[str, Any]:
    """Draw the speaking queue, the cards and the airtime for the facilitator."""
    if skeleton:
        person = {"member": "%(member)s", "name": "", "spoken": "%(n)s", "place": "", **_GROUP}
        console = {
            "speaking": {**person, "clock": "", "left": "", "over": False, "limit": None},
            "queue": [person],
            "cards": _card_skeleton(),
            "any_cards": True,
            "airtime": [
                {**_group(key), "seconds": 0, "clock": "", "turns": ""} for key in display.GROUPS
            ],
        }
    else:
        console = _console(context["snapshot"]["equals"]["console"])
    return {**_base(context, skeleton), "forum": context["forum"], "console": console}


@register.inclusion_tag("deliberation/includes/equals_console.html", takes_context=True)
def equals_console(context: template.Context) -> dict[str, Any]:
    """Draw the console's panel: the live part, the settings and who else may speak."""
    meeting = context["meeting"]
    settings = context["snapshot"]["equals"]["console"]["settings"]
    return {
        **_base(context, False),
        "forum": context["forum"],
        "snapshot": context["snapshot"],
        "settings": settings,
        "time_limits": [
            (seconds, label, (settings["time_limit"] or 0) == seconds)
            for seconds, label in display.TIME_LIMITS
        ],
        "present": _present(meeting),
        "is_open": meeting.status == Meeting.Status.OPEN,
    }
