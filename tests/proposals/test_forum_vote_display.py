"""Votes between meetings as an idea's page shows them: one result, no stale closing time,
no winner while the vote is open, a vote code; an adopted idea links what came of it."""

import datetime
import uuid

import pytest
from django.urls import reverse

from deliberation.services import forum_polls
from deliberation.services import polls as poll_services
from deliberation.services import proposals as services
from tests import factories
from tests.proposals import idea_journey

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(proposal, cast, facilitator_user):
    """An idea on a meeting's vote, with a vote between meetings for it, closed."""
    idea_journey.shortlist(proposal, cast["facilitator"])
    live = idea_journey.meeting_vote(proposal, cast["facilitator"], facilitator_user)
    remote = idea_journey.forum_vote(cast["facilitator"], mirror_of=live)
    factories.cast(remote, cast["supporter"], {"choice": "yes"})
    forum_polls.forum_polls_tick(now=remote.schedule.closes_at + datetime.timedelta(seconds=1))
    remote.refresh_from_db()
    return live, remote


def test_the_idea_waits_for_the_meetings_vote(proposal, cast, counted, browser_for):
    live, remote = counted
    proposal.refresh_from_db()
    assert remote.is_closed
    assert proposal.status == "shortlisted"  # not "voted on" before the meeting votes
    poll_services.poll_open(poll=live)
    forum_polls.forum_poll_count_in(forum_poll=remote, meeting_poll=live, by=cast["facilitator"])
    factories.join(live.meeting, cast["participant"])
    factories.cast(live, cast["participant"], {"choice": "yes"})
    page = browser_for(cast["participant"]).get(
        reverse("deliberation:proposal", args=[proposal.forum.slug, proposal.pk])
    )
    assert page.content.decode().count('class="timeline-result"') == 0
    poll_services.poll_close(poll=live)
    proposal.refresh_from_db()
    assert proposal.status == "decided"
    page = browser_for(cast["participant"]).get(
        reverse("deliberation:proposal", args=[proposal.forum.slug, proposal.pk])
    )
    html = page.content.decode()
    assert html.count('class="timeline-result"') == 1  # one result: the meeting's
    assert "of them between meetings: 1" in html


def test_a_closed_vote_does_not_say_when_it_closes(proposal, counted, browser_for, cast):
    _live, remote = counted
    html = (
        browser_for(cast["participant"])
        .get(reverse("deliberation:proposal", args=[proposal.forum.slug, proposal.pk]))
        .content.decode()
    )
    votes = html[html.index('id="votes-title"') :]
    assert "closes " not in votes.split("</section>")[0]
    assert "Closed" in votes.split("</section>")[0]


def test_no_winner_while_a_vote_between_meetings_is_open(forum, cast, browser_for):
    now = forum_polls.timezone.now()
    poll = forum_polls.forum_poll_create(
        forum=forum,
        by=cast["facilitator"],
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=5),
        question="Which first?",
        method="dots",
        options=[poll_services.OptionInput("Buses"), poll_services.OptionInput("Cafe")],
        dots=3,
    )
    factories.cast(poll, cast["participant"], {"dots": {"buses": 3}})
    url = reverse("deliberation:forum_poll", args=[forum.slug, poll.pk])
    html = browser_for(cast["supporter"]).get(url).content.decode()
    assert "Results so far" in html
    assert "Winner:" not in html
    forum_polls.forum_polls_tick(now=now + datetime.timedelta(hours=6))
    assert "Winner:" in browser_for(cast["supporter"]).get(url).content.decode()


def test_a_vote_between_meetings_gives_a_vote_code(forum, cast, browser_for):
    now = forum_polls.timezone.now()
    poll = forum_polls.forum_poll_create(
        forum=forum,
        by=cast["facilitator"],
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=5),
        question="Do we meet online too?",
        method="yes_no",
    )
    client = browser_for(cast["participant"])
    client.post(
        reverse("deliberation:forum_poll_vote", args=[forum.slug, poll.pk]),
        {"client_id": str(uuid.uuid4()), "choice": "yes"},
    )
    url = reverse("deliberation:forum_poll", args=[forum.slug, poll.pk])
    html = client.get(url).content.decode()
    assert "My vote code" in html and "data-code" in html
    forum_polls.forum_polls_tick(now=now + datetime.timedelta(hours=6))
    assert "Counted: your vote is in the sealed count." in client.get(url).content.decode()


def test_an_adopted_idea_links_its_decision_and_actions(
    proposal, cast, facilitator_user, browser_for
):
    idea_journey.shortlist(proposal, cast["facilitator"])
    live = idea_journey.meeting_vote(proposal, cast["facilitator"], facilitator_user)
    poll_services.poll_open(poll=live)
    factories.join(live.meeting, cast["participant"])
    factories.cast(live, cast["participant"], {"choice": "yes"})
    live = poll_services.poll_close(poll=live)
    decision = factories.decision(live.meeting, live)
    action = factories.action(decision)
    services.proposal_status_change(
        proposal=proposal, to="adopted", reason="The vote said yes", by=cast["facilitator"]
    )
    html = (
        browser_for(cast["participant"])
        .get(reverse("deliberation:proposal", args=[proposal.forum.slug, proposal.pk]))
        .content.decode()
    )
    assert reverse("deliberation:decision", args=[proposal.forum.slug, decision.pk]) in html
    assert reverse("deliberation:action", args=[proposal.forum.slug, action.pk]) in html
