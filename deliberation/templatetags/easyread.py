"""Template helpers: run the easy-read checker on saved text to show its advice beside it."""

from typing import Any

from django import template
from django.template.context import Context

from deliberation.models import Forum
from deliberation.views import easyread

register = template.Library()


def _forum(context: Context) -> Forum | None:
    """Return the page's forum (its glossary and jargon count in the checks), if it has one."""
    forum = context.get("forum")
    return forum if isinstance(forum, Forum) else None


@register.simple_tag(takes_context=True)
def easyread_poll(context: Context, poll: dict[str, Any]) -> list[dict[str, Any]]:
    """Check a poll's question and written options (a snapshot poll)."""
    return easyread.poll_checks(poll, forum=_forum(context))


@register.simple_tag(takes_context=True)
def easyread_texts(context: Context, **texts: str) -> list[dict[str, Any]]:
    """Check texts named by field: {% easyread_texts outcome=d.outcome as checks %}."""
    return easyread.text_checks(forum=_forum(context), **texts)
