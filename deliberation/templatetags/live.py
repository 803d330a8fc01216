"""Markup of the live pages that the browser fills in from the websocket's state."""

from typing import Any

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def results_skeleton() -> dict[str, Any]:
    """Return one of every part of a result, for includes/results.html to draw as a pattern.

    Where results.mjs puts a number or a name, the words keep their placeholder.
    """
    row = {"key": "", "label": "", "symbol": "", "tone": "", "value": "", "share": 0, "count": ""}
    voters = gettext("People who voted: %(n)s")
    return {
        "poll": "",
        "visible": True,
        "voters_text": voters,
        "progress_text": gettext("%(voted)s of %(expected)s people here have voted."),
        "assisted": 1,
        "assisted_text": gettext("Votes cast with a supporter: %(n)s"),
        "outcome": {"winner": "-", "reasons": ["-"]},
        "ranked": True,
        # The one-person-one-vote view: the projector (`paged`) draws only that one there.
        "views": [{"key": "per_person", "title": "", "primary": False, "rows": [row]}],
        "parts": ["overall"],
        "parity_decides": True,
        "common_ground": [row],
        "groups": [{"key": "", "label": "", "symbol": "", "voters_text": voters, "rows": [row]}],
        "suppressed": [""],
        "rounds": [{"n": "%(n)s", "rows": [], "out": "%(name)s"}],
        "objections": ["-"],
    }


@register.simple_tag
def phone_skeleton() -> dict[str, Any]:
    """Return a phone's question area with every branch, for includes/phone_question.html."""
    option = {
        "key": "%(key)s",
        "label": "",
        "symbol": "",
        "tone": "",
        "checked": False,
        "dots": "",
        "places": [("", gettext("Not ranked"), False), ("%(n)s", "", False)],
        "scores": [("%(n)s", False, "", "")],
    }
    poll = {"id": "%(poll)s", "question": "", "method": "", "dots": "%(dots)s", "secret": False}
    return {
        "snapshot": {"meeting": {"status": ""}},
        "item": {"title": "", "description": "-"},
        "poll": poll,
        "vote": {
            "poll": poll,
            "options": [option],
            "client_id": "",
            "reason": "",
            "supports": [{"id": "", "name": "%(name)s", "checked": False}],
            "own_checked": True,
            "field_prefix": "",
        },
    }


@register.simple_tag
def projector_skeleton() -> dict[str, Any]:
    """Return the projector's stage, recap and counts with one of each row, as patterns."""
    return {
        "item": {"title": ""},
        "poll": {"question": ""},
        "options": [{"tone": "", "symbol": "", "label": ""}],
        "recap": {
            "meeting": {"id": "", "title": ""},
            "decisions": [
                {
                    "outcome": "",
                    "actions": [
                        {"status": "planned", "description": "", "owner": "", "overdue": True,
                         "latest": "-"}
                    ],
                }
            ],
        },
        # A symbol in the pattern, replaced by each group's own.
        "groups": [{"symbol": "person", "label": "", "count": ""}],
    }  # fmt: skip


@register.simple_tag
def console_skeleton() -> dict[str, Any]:
    """Return one person of each list on the console, as a pattern for console.mjs."""
    person = {
        "attendance": "%(attendance)s",
        "name": "",
        "constituency": "",
        "role": "",
        "role_label": "",
        "guest": True,
        # A symbol in the pattern, replaced by each group's and need's own.
        "group_symbol": "person",
        "group": "",
        "need_list": [{"symbol": "person", "label": ""}],
    }
    return {"waiting": [person], "claims": [person], "present": [person]}
