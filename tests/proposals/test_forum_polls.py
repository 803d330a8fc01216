"""Votes between meetings: open and close on time, vote without a meeting, count in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.exceptions import InvalidInput, NotAllowed
from deliberation.models import Ballot
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import forum_polls
from deliberation.services import polls as poll_services
from tests import factories

pytestmark = pytest.mark.django_db


def _window(hours_from_now=0, length=2):
    opens = timezone.now() + datetime.timedelta(hours=hours_from_now)
    return opens, opens + datetime.timedelta(hours=length)


def test_a_forum_poll_opens_and_closes_on_time(forum, cast):
    opens, closes = _window(1)
    poll = forum_polls.forum_poll_create(
        forum=forum,
        by=cast["facilitator"],
        opens_at=opens,
        closes_at=closes,
        question="Do we meet online too?",
        method="yes_no",
    )
    assert poll.meeting is None and poll.status == "draft"
    forum_polls.forum_polls_tick(now=opens + datetime.timedelta(minutes=1))
    poll.refresh_from_db()
    assert poll.status == "open"
    factories.cast(poll, cast["participant"], {"choice": "yes"})
    forum_polls.forum_polls_tick(now=closes + datetime.timedelta(minutes=1))
    poll.refresh_from_db()
    assert poll.status == "closed" and poll.result["voters"] == 1


def test_only_a_facilitator_starts_one(forum, cast):
    opens, closes = _window()
    with pytest.raises(NotAllowed):
        forum_polls.forum_poll_create(
            forum=forum,
            by=cast["participant"],
            opens_at=opens,
            closes_at=closes,
            question="?",
            method="yes_no",
        )
    with pytest.raises(InvalidInput, match="close after"):
        forum_polls.forum_poll_create(
            forum=forum,
            by=cast["facilitator"],
            opens_at=closes,
            closes_at=opens,
            question="?",
            method="yes_no",
        )


def test_voting_between_meetings_through_the_page(forum, cast, browser_for):
    opens, closes = _window(-1)
    poll = forum_polls.forum_poll_create(
        forum=forum,
        by=cast["facilitator"],
        opens_at=opens,
        closes_at=closes,
        question="Do we meet online too?",
        method="traffic_light",
    )
    assert poll.status == "open"
    client = browser_for(cast["participant"])
    url = reverse("deliberation:forum_poll", args=[forum.slug, poll.pk])
    assert "Send my vote" in client.get(url).content.decode()
    response = client.post(
        reverse("deliberation:forum_poll_vote", args=[forum.slug, poll.pk]),
        {"client_id": "2c1f0c8e-3d0b-4f7a-9a53-4c1b7c1e5e11", "choice": "agree"},
    )
    assert response.status_code == 302
    assert Ballot.objects.get(poll=poll).member == cast["participant"]
    observer = browser_for(cast["observer"])
    assert "Send my vote" not in observer.get(url).content.decode()
    refused = observer.post(
        reverse("deliberation:forum_poll_vote", args=[forum.slug, poll.pk]),
        {"client_id": "2c1f0c8e-3d0b-4f7a-9a53-4c1b7c1e5e12", "choice": "agree"},
    )
    assert refused.status_code == 403


def test_counted_with_the_meetings_vote_and_marked_as_such(forum, cast, facilitator_user):
    meeting = factories.open_meeting(forum, actor=facilitator_user)
    live = factories.poll(meeting, "traffic_light", open_=False, question="Meet online too?")
    opens, closes = _window(-1)
    remote = forum_polls.forum_poll_create(
        forum=forum, by=cast["facilitator"], opens_at=opens, closes_at=closes, mirror_of=live
    )
    assert (remote.question, remote.method) == (live.question, live.method)
    away = factories.member(forum, "commissioner", name="Away")
    both = factories.member(forum, "staff", name="Both")
    factories.cast(remote, away, {"choice": "agree"})
    factories.cast(remote, both, {"choice": "disagree"})
    forum_polls.forum_polls_tick(now=closes + datetime.timedelta(seconds=1))
    remote.refresh_from_db()

    poll_services.poll_open(poll=live)
    factories.join(meeting, both)
    factories.cast(live, both, {"choice": "agree"})
    counted = forum_polls.forum_poll_count_in(
        forum_poll=remote, meeting_poll=live, by=cast["facilitator"]
    )
    assert counted == {"copied": 1, "skipped": 1}
    result = meeting_selectors.compute_result(live)
    assert result["voters"] == 2
    assert result["voters_by_source"] == {"direct": 1, "remote": 1}
    with pytest.raises(InvalidInput, match="already been counted"):
        forum_polls.forum_poll_count_in(
            forum_poll=remote, meeting_poll=live, by=cast["facilitator"]
        )
    poll_services.poll_close(poll=live)
    live.refresh_from_db()
    assert live.result["voters_by_source"]["remote"] == 1
