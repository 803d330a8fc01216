"""Template helpers: run the easy-read checker on saved text to show its advice beside it."""

from typing import Any

from django import template

from deliberation.views import easyread

register = template.Library()


@register.simple_tag
def easyread_poll(poll: dict[str, Any]) -> list[dict[str, Any]]:
    """Check a poll's question and written options (a snapshot poll)."""
    return easyread.poll_checks(poll)


@register.simple_tag
def easyread_texts(**texts: str) -> list[dict[str, Any]]:
    """Check texts named by field: {% easyread_texts outcome=d.outcome as checks %}."""
    return easyread.text_checks(**texts)
