"""Hostile text in titles, bodies and comments is neutralised in pages, previews and emails."""

from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse

from deliberation.markdown import render
from deliberation.services import comments as comment_services
from deliberation.services import notifications
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db

CORPUS = [
    "<script>alert('x')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<img src=x onerror="alert(1)">',
    '<p onclick="alert(1)" onmouseover=alert(1)>hi</p>',
    '<svg onload="alert(1)"><script>alert(2)</script></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<div><p>broken <b>html <i>here",
    '"><script>alert(1)</script>',
    "<style>body{display:none}</style>",
    '<a href="https://example.org" target="_blank" style="color:red">ok</a>',
    "![x](https://evil.example/track.png)",
]

BAD_TAGS = {"script", "iframe", "svg", "style", "object", "embed", "math", "frame", "base"}


class _Tags(HTMLParser):
    """Collect every real tag and attribute of a page (text is not looked at)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def assert_safe(html: str, where: str, *, ours_styled: bool = False) -> None:
    """Fail if the HTML has a tag or attribute that could run, load or restyle anything."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.found:
        trusted_script = tag == "script" and (
            attrs.get("src", "").startswith("/static/") or attrs.get("type") == "application/json"
        )
        assert tag not in BAD_TAGS or trusted_script, (where, tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (where, tag, name)
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                assert not scheme.startswith(("javascript:", "data:", "vbscript:")), (where, tag)
            if name == "style":
                assert ours_styled, (where, tag, value)
        if tag == "img":
            assert attrs["src"].startswith(("/static/", "/forum/")), (where, attrs)


@pytest.mark.parametrize("payload", CORPUS)
def test_render_neutralises(payload):
    assert_safe(str(render(payload)), "render")


@pytest.mark.parametrize("payload", CORPUS)
def test_pages_previews_and_emails_neutralise(forum, cast, browser_for, payload):
    from deliberation.services.notifications import notification_preference_set

    reader = cast["supporter"]
    notification_preference_set(member=reader, frequency="each", email="sam@example.org")
    author = cast["participant"]
    proposal = make_proposal(
        forum,
        author,
        title=payload[:80],
        summary=("Hi " + payload)[:300].replace(".", ",").replace("!", ","),
        body=payload,
    )
    comment = comment_services.comment_add(proposal=proposal, author=author, body=payload)
    client = browser_for(reader)
    pages = {
        "list": reverse("deliberation:proposals", args=[forum.slug]),
        "detail": reverse("deliberation:proposal", args=[forum.slug, proposal.pk]),
        "search": reverse("deliberation:proposals", args=[forum.slug]) + "?q=script",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200
        assert_safe(response.content.decode(), name)

    # The live preview (markdownx) and the no-JavaScript preview button.
    preview = client.post(reverse("markdownx_markdownify"), {"content": payload})
    assert preview.status_code == 200
    assert_safe(preview.content.decode(), "live preview")
    form_preview = browser_for(author).post(
        reverse("deliberation:proposal_new", args=[forum.slug]),
        {
            "title": "Safe",
            "summary": "Safe words.",
            "symbol": "idea",
            "body": payload,
            "preview": "1",
        },
    )
    assert form_preview.status_code == 200
    assert_safe(form_preview.content.decode(), "form preview")

    # Emails: one for the proposal, one for the comment, and a digest.
    notifications.send_pending(frequency="each")
    notification_preference_set(member=reader, frequency="daily", email="sam@example.org")
    comment_services.comment_add(proposal=proposal, author=author, body=payload + " again")
    notifications.digests_send()
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        html = message.alternatives[0].content
        # Our own email layout is styled inline; a member's style never survives.
        assert 'style="color:red"' not in html
        assert_safe(html, "email html", ours_styled=True)
        assert "\n" not in message.subject
    assert comment.pk
