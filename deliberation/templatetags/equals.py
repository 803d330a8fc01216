"""The meeting-as-equals panels of the phone, the console and the projector.

Each tag draws its panel from the screen's snapshot (snapshot["equals"]); with
`skeleton` it draws every branch once, as a <template> for static/coprod/equals.mjs to
copy and fill from the live state, so every word comes from these templates.
"""

from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext, ngettext

from deliberation import display
from deliberation.easyread import builder
from deliberation.models import Attendance, Meeting, Role
from deliberation.selectors import equals as equals_selectors

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


def _words_here() -> builder.Words:
    """Return the builder's sentences in the page's language (as the summary drafts them)."""
    return builder.Words(
        gettext=gettext,
        ngettext=ngettext,
        day=lambda value: formats.date_format(value, "l j F"),
        time=builder.time_of_day,
    )


@register.inclusion_tag("deliberation/includes/equals_record.html")
def equals_record(meeting: Meeting) -> dict[str, Any]:
    """Draw how long each group spoke and the cards people showed, for the meeting's record."""
    record = equals_selectors.meeting_record(meeting)
    spoke = {g: t["seconds"] for g, t in record["airtime"].items() if t["turns"]}
    return {
        "meeting": meeting,
        "points": builder.equals_points(spoke, record["explain_stops"], _words_here()),
        "airtime": [
            {
                **_group(key),
                "clock": display.clock(record["airtime"][key]["seconds"]),
                "turns": record["airtime"][key]["turns"],
            }
            for key in display.GROUPS
        ],
        "spoke": record["spoke"],
        "cards": display.card_views(record["cards"], []),
        "any_cards": record["any_cards"],
    }
