"""Markdown: hostile text renders quickly and right, and once, when it is saved."""

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.markdown import MAX_INPUT, render
from deliberation.models import Comment, CommentRevision, Proposal
from deliberation.services import comments as comment_services
from deliberation.services import proposals as services
from tests import factories
from tests.proposals.conftest import make_proposal

# Each of these took seconds to minutes with Python-Markdown (its inline patterns
# backtrack); bench/markdown_render.py times them.
PATHOLOGICAL = {
    "open brackets": "[" * 20_000,
    "brackets then closers": "[" * 10_000 + "]" * 10_000,
    "stars": "*" * 20_000,
    "nested stars": "*a " * 6_000,
    "underscores": "_" * 20_000,
    "angle brackets": "<" * 20_000,
    "backticks": "`" * 20_000,
    "link chain": "[a](b)" * 3_000,
    "unfinished links": "[a](" * 5_000,
    "mixed": "*_[`<" * 4_000,
}


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.timeout(5)
@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_text_renders_quickly_and_keeps_its_letters(name):
    text = PATHOLOGICAL[name]
    html = str(render(text))
    if name == "link chain":
        assert html.count("<a ") == 3_000
    elif name in ("stars", "underscores"):
        assert html.startswith("<hr")  # a line of only * or _ is a dividing line
    elif name == "backticks":
        assert html.startswith("<pre><code")  # a line of only ` opens a code block
    else:
        # Nothing is lost or invented: the letters come back as text (`, * and _
        # may be taken as marks of code or emphasis).
        def letters(s: str) -> str:
            return "".join(c for c in s if c not in "`*_" and not c.isspace())

        assert letters(text_of(html)) == letters(text[:MAX_INPUT])


@pytest.mark.timeout(30)  # the first test to use the database also builds it
@pytest.mark.django_db
def test_the_live_preview_of_20000_brackets_answers(forum):
    member = factories.member(forum, "lived_experience")
    client = Client()
    factories.link_sign_in(client, member)
    response = client.post(reverse("markdownx_markdownify"), {"content": "[" * 20_000})
    assert response.status_code == 200
    assert response.content.count(b"[") == 20_000


@pytest.fixture
def author(forum: Any) -> Any:
    return factories.member(forum, "lived_experience", name="Alice")


@pytest.mark.django_db
def test_text_is_rendered_once_when_saved(forum, author):
    proposal = make_proposal(forum, author, body="The **last bus** goes at 6pm.")
    comment = comment_services.comment_add(proposal=proposal, author=author, body="Nice *idea*")
    comment_services.comment_edit(comment=comment, editor=author, body="Nice *idea*, yes")
    proposal.refresh_from_db()
    comment.refresh_from_db()
    assert proposal.body_html == "<p>The <strong>last bus</strong> goes at 6pm.</p>\n"
    assert comment.body_html == "<p>Nice <em>idea</em>, yes</p>\n"
    assert CommentRevision.objects.get(comment=comment).body_html == "<p>Nice <em>idea</em></p>\n"
    services.proposal_edit(
        proposal=proposal,
        editor=author,
        title=proposal.title,
        summary=proposal.summary,
        symbol=proposal.symbol,
        body="Now *later*.",
    )
    proposal.refresh_from_db()
    assert proposal.body_html == "<p>Now <em>later</em>.</p>\n"


@pytest.mark.timeout(30)
@pytest.mark.django_db
def test_viewing_an_idea_does_not_render_its_text_again(forum, author):
    """A stored comment of 4,000 "[" made every view of its idea take 4-7 s."""
    proposal = make_proposal(forum, author, body="[" * 4_000)
    for _ in range(3):
        comment_services.comment_add(proposal=proposal, author=author, body="[" * 4_000)
    # What a page shows is what was stored when the text was saved.
    Comment.objects.filter(proposal=proposal).update(body_html="<p>stored comment</p>")
    Proposal.objects.filter(pk=proposal.pk).update(body_html="<p>stored body</p>")
    client = Client()
    factories.link_sign_in(client, author)
    page = client.get(reverse("deliberation:proposal", args=[forum.slug, proposal.pk]))
    html = page.content.decode()
    assert html.count("stored comment") == 3
    assert "stored body" in html
