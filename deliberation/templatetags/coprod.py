"""Template helpers: OpenMoji symbols and plain words for groups, choices and needs."""

import datetime
import math
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from deliberation import display

register = template.Library()


@register.simple_tag
def symbol(name: str, size: str = "m", alt: str = "") -> SafeString | str:
    """Show a vendored OpenMoji symbol; decorative (alt="") unless words are given."""
    url = display.symbol_url(name or "")
    if not url:
        return ""
    return format_html(
        '<img class="sym sym-{}" src="{}" alt="{}" width="48" height="48">', size, url, alt
    )


@register.filter
def group_label(key: str) -> str:
    """Say a constituency in words."""
    return display.group_label(key)


@register.filter
def group_symbol(key: str) -> str:
    return display.GROUP_SYMBOLS.get(key, "")


@register.filter
def ordinal(n: int) -> str:
    return display.ordinal(int(n))


@register.filter
def action_status(key: str) -> str:
    """Say where an action is, in words."""
    return str(display.ACTION_STATUSES.get(key, key))


@register.filter
def action_symbol(key: str) -> str:
    return display.ACTION_SYMBOLS.get(key, "")


@register.simple_tag
def timer_view(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """Say where an agenda item's timer stands now: its end as a clock time, minutes left."""
    if not item or not item.get("ends_at"):
        return None
    ends = datetime.datetime.fromisoformat(item["ends_at"])
    seconds = (ends - timezone.now()).total_seconds()
    return {
        "key": f"{item['id']}:{item['ends_at']}",
        "ends_at": item["ends_at"],
        "at": timezone.localtime(ends).strftime("%H:%M"),
        "left": math.ceil(seconds / 60) if seconds >= 60 else 0,
        "state": "up" if seconds <= 0 else "soon" if seconds < 60 else "left",
        "is_break": item.get("kind") == "break",
    }
