"""List and detail pages run a constant number of queries, with 200 proposals and 1,000 comments."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation.models import Comment, CommentRevision, Endorsement, Proposal, Role
from deliberation.services import comments as comment_services
from tests import factories
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db

MAX_LIST = 10
# Three more than before issue 14: whether the reader follows the idea, its earlier
# versions, and which comments the reader reported.
MAX_DETAIL = 19


def _grow(forum, people, proposals=200, comments=1000):
    """Add many proposals, comments, replies and endorsements (bulk, for speed)."""
    rng = random.Random(7)
    rows = [
        Proposal(
            forum=forum,
            author=rng.choice(people),
            author_constituency=rng.choice(["lived_experience", "staff", "commissioner"]),
            title=f"Idea number {n}",
            summary="A short idea. It is good.",
            symbol=rng.choice(["idea", "home", "food", "transport"]),
            body="Some **more** words about buses.",
            status=rng.choice(["open", "shortlisted"]),
        )
        for n in range(proposals)
    ]
    created = Proposal.objects.bulk_create(rows)
    first = Proposal.objects.filter(forum=forum).order_by("pk").first()
    targets = [first, *created]
    tops = Comment.objects.bulk_create(
        Comment(proposal=rng.choice(targets), author=rng.choice(people), body=f"Comment {n}")
        for n in range(comments // 2)
    )
    # Half of the comments go on the first proposal, as replies and as top-level comments.
    on_first = [c for c in tops if c.proposal_id == first.pk] or [
        Comment.objects.create(proposal=first, author=people[0], body="Root")
    ]
    replies = Comment.objects.bulk_create(
        Comment(
            proposal=first,
            parent=rng.choice(on_first) if n % 2 else None,
            author=rng.choice(people),
            body=f"Reply {n}",
        )
        for n in range(comments // 2)
    )
    CommentRevision.objects.bulk_create(
        CommentRevision(comment=c, body="Earlier", written_at=c.created_at) for c in replies[:100]
    )
    Endorsement.objects.bulk_create(
        Endorsement(proposal=p, member=m, constituency=m.constituency)
        for p in targets[:100]
        for m in people
    )
    return first


def _count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_list_and_detail_queries_do_not_grow(
    forum, cast, browser_for, django_assert_max_num_queries
):
    people = [
        factories.member(forum, c, role=Role.PARTICIPANT)
        for c in ("lived_experience", "staff", "commissioner")
    ]
    first = make_proposal(forum, cast["participant"])
    comment_services.comment_add(proposal=first, author=people[0], body="Hello")
    lead = browser_for(cast["facilitator"])  # sees most: revisions, hide forms
    lists = reverse("deliberation:proposals", args=[forum.slug])
    limits = {
        lists: MAX_LIST,
        lists + "?status=open&symbol=idea&q=idea": MAX_LIST,
        lists + "?constituency=staff&page=3": MAX_LIST,
        reverse("deliberation:proposal", args=[forum.slug, first.pk]): MAX_DETAIL,
        reverse("deliberation:proposal", args=[forum.slug, first.pk]) + "?comments=2": MAX_DETAIL,
    }
    before = {url: _count(lead, url) for url in limits}

    _grow(forum, people + [cast["participant"], cast["supporter"]])
    assert Proposal.objects.filter(forum=forum).count() >= 200
    assert Comment.objects.filter(proposal__forum=forum).count() >= 1000

    for url, limit in limits.items():
        with django_assert_max_num_queries(limit):
            response = lead.get(url)
        assert response.status_code == 200
        # The same few queries as with one proposal and one comment.
        assert _count(lead, url) <= before[url] + 1, (url, before[url])
