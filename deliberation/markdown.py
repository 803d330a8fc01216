"""Markdown to safe HTML: Python-Markdown (as django-markdownx uses it), then nh3.

Every place that shows text a member wrote as Markdown (pages, the live preview,
emails) goes through `render`, so no raw HTML from a user ever reaches a page.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdownx.utils import markdownify

# What a proposal or comment may contain: text structure and links, nothing that
# runs, loads or styles. Images are not allowed in Markdown (they could load from
# anywhere); photos are attached through the form, re-encoded and checked.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote",
        "h2", "h3", "h4", "code", "pre", "a",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Links written by members are not endorsed by the site and must not open a window
# that can reach back into ours.
LINK_REL = "nofollow noopener noreferrer ugc"
MAX_INPUT = 20_000


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and link schemes of some HTML."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(text: str) -> SafeString:
    """Turn a member's Markdown into sanitised HTML, safe to put in a page or an email."""
    return mark_safe(sanitise(markdownify((text or "")[:MAX_INPUT])))  # noqa: S308 - sanitised
