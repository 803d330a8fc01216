"""Markdown to safe HTML: markdown-it-py (CommonMark), then nh3.

Every place that shows text a member wrote as Markdown (pages, the live preview,
emails) goes through `render`, so no raw HTML from a user ever reaches a page.
Stored text is rendered once, when it is saved (the `body_html` fields), not on
every view. markdown-it-py parses in time linear in the text: Python-Markdown's
patterns backtracked, so 20,000 "[" took over two minutes (see bench/markdown_render.py).
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

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

# CommonMark without images. Raw HTML is parsed as before, and nh3 keeps only the
# allow-listed part of it (and of anything else the parser makes).
_parser = MarkdownIt("commonmark", {"html": True}).disable("image")


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
    return mark_safe(sanitise(_parser.render((text or "")[:MAX_INPUT])))  # noqa: S308 - sanitised


def stored(html: str) -> SafeString:
    """Mark HTML that `render` made when the text was saved as safe to show again."""
    return mark_safe(html)  # noqa: S308 - rendered and sanitised by `render` when saved
