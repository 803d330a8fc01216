"""A member's home between meetings: reachable from the personal link and every member
page; shows their ideas, ideas they support, open votes, decisions and the summary."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.services import forum_polls
from deliberation.services import proposals as services
from deliberation.services import summaries as summary_services
from tests import factories
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db


def _home(forum):
    return reverse("deliberation:member_home", args=[forum.slug])


def test_the_personal_link_lands_on_the_home(forum, cast):
    client = Client()
    response = factories.link_sign_in(client, cast["participant"])
    assert response.status_code == 302
    url = reverse("deliberation:invite", args=[cast["participant"].invite_token])
    # With no meeting on, "Yes, this is me" goes to the home.
    assert client.post(url).url == _home(forum)
    page = client.get(_home(forum)).content.decode()
    assert "My home" in page and "A meeting is on now" not in page


def test_with_a_meeting_on_the_home_shows_it_first(forum, cast, facilitator_user):
    meeting = factories.open_meeting(forum, actor=facilitator_user, title="June board")
    client = Client()
    url = reverse("deliberation:invite", args=[cast["participant"].invite_token])
    client.get(url)
    response = client.post(url)  # "Yes, this is me. Join the meeting": to the meeting
    assert response.url == reverse("deliberation:phone", args=[meeting.pk])
    # The personal link, opened again, lands on the home with the meeting first.
    assert client.get(url).url == _home(forum)
    page = client.get(_home(forum)).content.decode()
    live = page.index("A meeting is on now")
    assert live < page.index("News for you") < page.index("My ideas")
    assert reverse("deliberation:phone", args=[meeting.pk]) in page
    # The meeting page leads back to the home.
    phone = client.get(reverse("deliberation:phone", args=[meeting.pk])).content.decode()
    assert _home(forum) in phone


def test_the_home_shows_what_is_mine(forum, cast, browser_for, facilitator_user):
    mine = make_proposal(forum, cast["participant"], title="Later buses")
    theirs = make_proposal(forum, cast["supporter"], title="A cafe", symbol="food")
    services.proposal_endorse(proposal=theirs, member=cast["participant"])
    make_proposal(forum, cast["supporter"], title="Not mine at all", symbol="work")
    now = timezone.now()
    vote = forum_polls.forum_poll_create(
        forum=forum,
        by=cast["facilitator"],
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=2),
        question="Do we meet online too?",
        method="yes_no",
    )
    meeting = factories.open_meeting(forum, actor=facilitator_user, title="May board")
    factories.decision(meeting, outcome_easy_read="We want more buses.")
    summary = summary_services.summary_build(meeting=meeting)
    summary.points.update(welsh_status="checked")
    summary_services.summary_sign_off(
        summary=summary,
        member=cast["participant"],
        confirmed=set(summary.points.values_list("pk", flat=True)),
    )
    page = browser_for(cast["participant"]).get(_home(forum)).content.decode()
    ideas = page[page.index("My ideas") : page.index("Ideas I support")]
    assert "Later buses" in ideas and "A cafe" not in ideas
    supported = page[page.index("Ideas I support") : page.index("What we decided")]
    assert "A cafe" in supported and "Not mine at all" not in supported
    assert reverse("deliberation:forum_poll", args=[forum.slug, vote.pk]) in page
    assert "We want more buses." in page
    assert reverse("deliberation:summary", args=[forum.slug, meeting.pk]) in page
    assert mine.title in page


def test_every_member_page_links_home(forum, cast, browser_for):
    client = browser_for(cast["participant"])
    proposal = make_proposal(forum, cast["participant"])
    for url in [
        reverse("deliberation:proposals", args=[forum.slug]),
        reverse("deliberation:proposal", args=[forum.slug, proposal.pk]),
        reverse("deliberation:forum_polls", args=[forum.slug]),
        reverse("deliberation:notify", args=[forum.slug]),
        reverse("deliberation:decision_log", args=[forum.slug]),
    ]:
        assert _home(forum) in client.get(url).content.decode(), url


def test_strangers_cannot_see_a_home(forum, cast, browser_for):
    assert Client().get(_home(forum)).status_code == 403
    assert browser_for(cast["outsider"]).get(_home(forum)).status_code == 403


def test_the_home_in_welsh(forum, cast, browser_for):
    client = browser_for(cast["participant"])
    client.cookies["django_language"] = "cy"
    page = client.get(_home(forum)).content.decode()
    assert 'lang="cy"' in page
    assert "My home" not in page and "My ideas" not in page


def test_the_home_needs_few_queries(forum, cast, browser_for, django_assert_max_num_queries):
    for n in range(15):
        proposal = make_proposal(forum, cast["participant"], title=f"Idea {n}")
        services.proposal_endorse(proposal=proposal, member=cast["supporter"])
        services.proposal_status_change(
            proposal=proposal, to="shortlisted", reason="Liked", by=cast["facilitator"]
        )
    client = browser_for(cast["supporter"])
    with django_assert_max_num_queries(20):
        assert client.get(_home(forum)).status_code == 200
