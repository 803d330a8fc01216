"""Following an idea: its author and supporters hear when it moves on, on their home and
by email as each chose (each one, a daily digest, or none), once per vote for votes."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from deliberation.models import Notification, ProposalFollow
from deliberation.services import actions as action_services
from deliberation.services import forum_polls, notifications
from deliberation.services import polls as poll_services
from deliberation.services import proposals as services
from tests import factories
from tests.proposals import idea_journey
from tests.proposals.conftest import make_proposal
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails(cast):
    """The author wants each email; the supporter a daily digest; the observer none."""
    notifications.notification_preference_set(
        member=cast["participant"], frequency="each", email="alice@example.org"
    )
    notifications.notification_preference_set(
        member=cast["supporter"], frequency="daily", email="sam@example.org"
    )


@pytest.fixture
def idea(forum, cast, emails):
    proposal = make_proposal(forum, cast["participant"])
    services.proposal_endorse(proposal=proposal, member=cast["supporter"])
    return proposal


def _notices(member, kind=None):
    rows = Notification.objects.filter(member=member).exclude(kind__in=["proposal", "comment"])
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows)


def test_author_and_supporters_follow_by_default(idea, cast):
    followers = set(
        ProposalFollow.objects.filter(proposal=idea, active=True).values_list("member", flat=True)
    )
    assert followers == {cast["participant"].pk, cast["supporter"].pk}


def test_a_status_change_tells_followers_by_their_choice(
    idea, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea_journey.shortlist(idea, cast["facilitator"])
    # Alice (each): an email now, from the worker. Sam (daily): in his digest. Both: on
    # their home.
    assert mail.outbox == []  # the worker sends it, not the request
    run_worker()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert mail.outbox[0].subject == "An idea you follow moved on: More buses in the evening"
    assert "On the shortlist" in mail.outbox[0].body
    assert len(_notices(cast["supporter"], "status")) == 1
    assert not _notices(cast["facilitator"])  # who moved it is not told
    notifications.digests_send()
    assert mail.outbox[-1].to == ["sam@example.org"]
    assert "moved on: More buses in the evening" in mail.outbox[-1].body
    notifications.digests_send()
    assert len(mail.outbox) == 2  # never twice


def test_no_emails_chosen_still_gets_the_notice_at_home(forum, cast):
    quiet = factories.member(forum, "lived_experience", name="Quinn")  # chose no emails
    proposal = make_proposal(forum, quiet)
    idea_journey.shortlist(proposal, cast["facilitator"])
    notifications.digests_send()
    assert not any(m.to == [""] for m in mail.outbox)
    assert len(_notices(quiet, "status")) == 1


def test_unfollow_stops_the_notices_and_the_button_works(idea, cast, browser_for):
    client = browser_for(cast["supporter"])
    url = reverse("deliberation:proposal", args=[idea.forum.slug, idea.pk])
    assert "Stop following" in client.get(url).content.decode()
    follow = reverse("deliberation:proposal_follow", args=[idea.forum.slug, idea.pk])
    assert client.post(follow, {"follow": "0"}).status_code == 302
    assert "Follow this idea" in client.get(url).content.decode()
    idea_journey.shortlist(idea, cast["facilitator"])
    assert not _notices(cast["supporter"])
    assert len(_notices(cast["participant"])) == 1
    # Following again works for anyone in the forum, e.g. the observer.
    observer = browser_for(cast["observer"])
    observer.post(follow, {"follow": "1"})
    services.proposal_status_change(
        proposal=idea, to="open", reason="Needs more work", by=cast["facilitator"]
    )
    assert len(_notices(cast["observer"])) == 1


def test_vote_opens_and_closes_soon_once_per_member(
    idea, cast, facilitator_user, django_capture_on_commit_callbacks
):
    idea_journey.shortlist(idea, cast["facilitator"])
    live = idea_journey.meeting_vote(idea, cast["facilitator"], facilitator_user)
    with django_capture_on_commit_callbacks(execute=True):
        remote = idea_journey.forum_vote(cast["facilitator"], mirror_of=live, hours=72)
    assert len(_notices(cast["participant"], "vote_open")) == 1
    run_worker()
    assert "You can vote now: Shall we ask for later buses?" in mail.outbox[-1].subject
    closes = remote.schedule.closes_at
    # Two days before closing: not yet "closing soon".
    forum_polls.forum_polls_tick(now=closes - datetime.timedelta(hours=48))
    assert not _notices(cast["participant"], "vote_closing")
    for hours in (20, 10, 1):  # the worker's timer runs the tick again and again
        forum_polls.forum_polls_tick(now=closes - datetime.timedelta(hours=hours))
    assert len(_notices(cast["participant"], "vote_closing")) == 1
    assert len(_notices(cast["supporter"], "vote_closing")) == 1


def test_decision_and_actions_tell_followers(idea, cast, facilitator_user):
    idea_journey.shortlist(idea, cast["facilitator"])
    live = idea_journey.meeting_vote(idea, cast["facilitator"], facilitator_user)
    poll_services.poll_open(poll=live)
    factories.join(live.meeting, cast["participant"])
    factories.cast(live, cast["participant"], {"choice": "yes"})
    live = poll_services.poll_close(poll=live)
    decision = factories.decision(live.meeting, live)
    assert len(_notices(cast["supporter"], "decision")) == 1
    action = factories.action(decision)
    action_services.action_progress_add(action=action, note="Done!", status="done")
    words = [notifications.notice_words(n) for n in _notices(cast["supporter"], "action")]
    assert len(words) == 2
    # Each notice says where the action was then: planned, then done.
    assert sorted(w["detail"] for w in words) == [
        "Ask the bus company for a later bus. (Planned)",
        "We did it: Ask the bus company for a later bus.",
    ]


def test_marking_notices_read(idea, cast, browser_for):
    idea_journey.shortlist(idea, cast["facilitator"])
    services.proposal_status_change(
        proposal=idea, to="open", reason="Needs more work", by=cast["facilitator"]
    )
    client = browser_for(cast["supporter"])
    home = reverse("deliberation:member_home", args=[idea.forum.slug])
    # Two moves of the idea Sam follows, and the new idea itself (his daily digest).
    unread = Notification.objects.filter(member=cast["supporter"]).count()
    assert unread == 3
    page = client.get(home).content.decode()
    assert 'data-unread="3"' in page and "3 new messages" in page
    read = reverse("deliberation:notices_read", args=[idea.forum.slug])
    first = _notices(cast["supporter"])[0]
    client.post(read, {"notice": first.pk})
    assert 'data-unread="2"' in client.get(home).content.decode()
    client.post(read)
    assert 'data-unread="0"' in client.get(home).content.decode()
    # Nobody marks another member's notices.
    assert all(n.read_at is None for n in _notices(cast["participant"]))


def test_a_hidden_idea_is_not_emailed(idea, cast):
    idea_journey.shortlist(idea, cast["facilitator"])
    services.proposal_hide(proposal=idea, by=cast["facilitator"], reason="Private details")
    notifications.digests_send()
    assert not any("sam@example.org" in m.to for m in mail.outbox)


def test_what_a_member_follows_is_their_data_and_is_forgotten(idea, cast):
    from deliberation.selectors.forums import member_data
    from deliberation.services.forums import member_erase

    idea_journey.shortlist(idea, cast["facilitator"])
    assert member_data(cast["supporter"])["following"] == [idea.pk]
    member_erase(member=cast["supporter"])
    assert not ProposalFollow.objects.filter(member=cast["supporter"]).exists()
    assert not Notification.objects.filter(member=cast["supporter"]).exists()
