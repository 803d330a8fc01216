"""Closing the meeting is asked twice; a meeting or a vote closed by mistake opens again."""

from django.urls import reverse

from deliberation.models import AuditEvent, Meeting, Poll
from deliberation.services import polls as poll_services
from tests import factories


def action_url(meeting, action):
    return reverse("deliberation:console_action", args=[meeting.forum.slug, meeting.pk, action])


def console_url(meeting):
    return reverse("deliberation:console", args=[meeting.forum.slug, meeting.pk])


def test_closing_the_meeting_asks_first_without_javascript(facilitator_client, meeting):
    poll = factories.poll(meeting, "yes_no", question="Shall we meet monthly?")
    response = facilitator_client.post(action_url(meeting, "close"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Close the meeting?" in page
    assert "Shall we meet monthly?" in page  # the open vote it will close
    assert 'name="confirm" value="yes"' in page
    assert "No, keep it open" in page
    assert Meeting.objects.get(pk=meeting.pk).status == "open"
    assert Poll.objects.get(pk=poll.pk).status == "open"

    response = facilitator_client.post(action_url(meeting, "close"), {"confirm": "yes"})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == "closed"
    assert Poll.objects.get(pk=poll.pk).status == "closed"


def test_a_closed_meeting_offers_no_vote_to_open_and_refuses_one(facilitator_client, meeting):
    draft = factories.poll(meeting, "yes_no", open_=False, question="Lunch?")
    facilitator_client.post(action_url(meeting, "close"), {"confirm": "yes"})
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert "Lunch?" in page
    assert "Open this vote" not in page
    assert "Reopen the meeting" in page
    response = facilitator_client.post(action_url(meeting, "poll_open"), {"poll": draft.pk})
    assert response.status_code == 400
    assert Poll.objects.get(pk=draft.pk).status == "draft"


def test_the_facilitator_reopens_the_meeting(facilitator_client, meeting):
    facilitator_client.post(action_url(meeting, "close"), {"confirm": "yes"})
    response = facilitator_client.post(action_url(meeting, "reopen"))
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == "open"
    assert AuditEvent.objects.filter(kind="meeting.reopened").count() == 1
    page = facilitator_client.get(response.url).content.decode()
    assert "Close the meeting" in page
    assert "Reopen the meeting" not in page


def test_the_facilitator_reopens_a_vote_closed_by_mistake(facilitator_client, meeting, people):
    poll = factories.poll(meeting, "yes_no", question="Shall we meet monthly?")
    factories.cast(poll, people["staff"][0], {"choice": "yes"})
    poll_services.poll_close(poll=poll)
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert "Reopen this vote" in page
    response = facilitator_client.post(action_url(meeting, "poll_reopen"), {"poll": poll.pk})
    assert response.status_code == 302
    assert Poll.objects.get(pk=poll.pk).status == "open"
    page = facilitator_client.get(response.url).content.decode()
    assert "The vote is open again." in page
    assert "Close this vote" in page


def test_a_vote_with_a_decision_says_why_it_cannot_be_reopened(facilitator_client, meeting, people):
    poll = factories.poll(meeting, "yes_no", question="Shall we meet monthly?")
    factories.cast(poll, people["staff"][0], {"choice": "yes"})
    factories.decision(meeting, poll_services.poll_close(poll=poll))
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert "Reopen this vote" not in page
    assert "A decision is recorded from this vote, so it cannot be opened again." in page
    response = facilitator_client.post(action_url(meeting, "poll_reopen"), {"poll": poll.pk})
    assert response.status_code == 400
    assert "A decision has been recorded from this vote" in response.content.decode()
    assert Poll.objects.get(pk=poll.pk).status == "closed"
