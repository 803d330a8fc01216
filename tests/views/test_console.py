"""The facilitator console: every action is a POST that calls one service."""

import uuid

import pytest
from django.urls import reverse

from deliberation.models import Attendance, Ballot, Decision, HandCount, Meeting, Poll
from deliberation.selectors import meetings as meeting_selectors
from tests import factories


def action_url(meeting, action):
    return reverse("deliberation:console_action", args=[meeting.forum.slug, meeting.pk, action])


def console_url(meeting):
    return reverse("deliberation:console", args=[meeting.forum.slug, meeting.pk])


def test_console_shows_the_meeting(facilitator_client, meeting, members, join, client):
    join(client, meeting, members["cara"])
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert meeting.join_code in page
    assert reverse("deliberation:projector", args=[meeting.projector_token]) in page
    assert reverse("deliberation:join_meeting", args=[meeting.join_code]) in page
    assert "Go to this item" in page
    assert "Cara" in page
    assert "Welsh" in page  # Cara's communication need is flagged
    assert f'data-ws-url="/ws/meeting/{meeting.pk}/facilitator/"' in page


def test_create_open_and_close_a_poll(facilitator_client, meeting):
    response = facilitator_client.post(
        action_url(meeting, "poll_new"),
        {
            "question": "Which should come first?",
            "method": "ranked",
            "options": "Day centres\nBuses\n\nJobs",
            "weighting": "parity",
        },
    )
    assert response.status_code == 302
    poll = Poll.objects.get(meeting=meeting)
    assert response.url == console_url(meeting) + f"#poll-{poll.pk}"
    assert poll.status == "draft"
    assert [o.label for o in poll.options.all()] == ["Day centres", "Buses", "Jobs"]
    assert poll.agenda_item_id == meeting.current_item_id

    response = facilitator_client.post(action_url(meeting, "poll_open"), {"poll": poll.pk})
    assert response.status_code == 302
    assert Poll.objects.get(pk=poll.pk).status == "open"
    page = facilitator_client.get(response.url).content.decode()
    assert "The vote is open. People can vote now." in page
    assert "Close this vote" in page

    response = facilitator_client.post(action_url(meeting, "poll_close"), {"poll": poll.pk})
    assert response.status_code == 302
    poll.refresh_from_db()
    assert poll.status == "closed"
    assert poll.result is not None


def test_poll_form_errors_are_shown_and_kept(facilitator_client, meeting):
    response = facilitator_client.post(
        action_url(meeting, "poll_new"),
        {
            "question": "Which first?",
            "method": "dots",
            "options": "Only one",
            "weighting": "parity",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please write at least two options" in page
    assert "Which first?" in page
    assert not Poll.objects.filter(meeting=meeting).exists()


def test_closing_a_closed_poll_shows_the_plain_error(facilitator_client, meeting):
    poll = factories.poll(meeting)
    from deliberation.services.polls import poll_close

    poll_close(poll=poll)
    response = facilitator_client.post(action_url(meeting, "poll_close"), {"poll": poll.pk})
    assert response.status_code == 400
    assert "Only an open vote can be closed." in response.content.decode()


def test_a_poll_of_another_meeting_is_refused(facilitator_client, meeting, forum):
    other = factories.open_meeting(forum, title="Other")
    poll = factories.poll(other, open_=False)
    response = facilitator_client.post(action_url(meeting, "poll_open"), {"poll": poll.pk})
    assert response.status_code == 400
    assert Poll.objects.get(pk=poll.pk).status == "draft"


def test_protective_settings_cannot_be_weakened_once_open(facilitator_client, meeting):
    poll = factories.poll(meeting, secret=True)
    response = facilitator_client.post(
        action_url(meeting, "poll_settings"),
        {
            "poll": poll.pk,
            "question": poll.question,
            "weighting": poll.weighting,
            "results_shown": "live",
        },
    )
    assert response.status_code == 400
    assert "cannot be weakened" in response.content.decode()
    assert Poll.objects.get(pk=poll.pk).secret is True

    response = facilitator_client.post(
        action_url(meeting, "poll_settings"),
        {
            "poll": poll.pk,
            "question": poll.question,
            "weighting": poll.weighting,
            "secret": "on",
            "results_shown": "closed",
        },
    )
    assert response.status_code == 302
    assert Poll.objects.get(pk=poll.pk).results_shown == "closed"


def test_hand_counts_are_entered_per_group(facilitator_client, meeting):
    poll = factories.poll(meeting, "yes_no")
    response = facilitator_client.post(
        action_url(meeting, "hand_count"),
        {"poll": poll.pk, "constituency": "lived_experience", "count_yes": "4", "count_no": "1"},
    )
    assert response.status_code == 302
    counts = dict(HandCount.objects.filter(poll=poll).values_list("choice", "count"))
    assert counts == {"yes": 4, "no": 1}
    result = meeting_selectors.current_result(poll)
    assert result["voters"] == 5
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert 'name="count_yes" value="4"' in page


def test_hand_counts_are_refused_for_a_ranked_poll(facilitator_client, meeting):
    poll = factories.poll(meeting, "ranked")
    response = facilitator_client.post(
        action_url(meeting, "hand_count"),
        {"poll": poll.pk, "constituency": "staff", "count_yes": "4"},
    )
    assert response.status_code == 400
    assert not HandCount.objects.filter(poll=poll).exists()


def test_paper_ballot_is_counted_once(facilitator_client, meeting):
    poll = factories.poll(meeting, "score", options=("Buses", "Jobs"))
    data = {
        "paper-poll": poll.pk,
        "paper-client_id": str(uuid.uuid4()),
        "paper-constituency": "commissioner",
        "paper-score_buses": "4",
        "paper-score_jobs": "1",
    }
    assert facilitator_client.post(action_url(meeting, "paper_ballot"), data).status_code == 302
    assert facilitator_client.post(action_url(meeting, "paper_ballot"), data).status_code == 302
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.source == "paper"
    assert ballot.member is None
    assert ballot.constituency == "commissioner"
    assert ballot.answer == {"scores": {"buses": 4, "jobs": 1}}


def test_record_a_decision_after_the_vote(facilitator_client, meeting, members, join, client):
    join(client, meeting, members["alice"])
    poll = factories.poll(meeting, "yes_no")
    factories.cast(poll, members["alice"], {"choice": "yes"})
    response = facilitator_client.post(
        action_url(meeting, "decision"), {"poll": poll.pk, "outcome": "We will ask for buses."}
    )
    assert response.status_code == 400
    assert "Please close the vote" in response.content.decode()

    facilitator_client.post(action_url(meeting, "poll_close"), {"poll": poll.pk})
    response = facilitator_client.post(
        action_url(meeting, "decision"),
        {"poll": poll.pk, "outcome": "We will ask for buses.", "rationale": "Most said yes."},
    )
    assert response.status_code == 302
    decision = Decision.objects.get(meeting=meeting)
    assert decision.poll == poll
    assert decision.result["voters"] == 1
    assert decision.attendance["lived_experience"] == 1
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert "We will ask for buses." in page


def test_move_the_agenda_and_add_an_item(facilitator_client, meeting):
    last = meeting.agenda.order_by("position").last()
    response = facilitator_client.post(action_url(meeting, "move"), {"item": last.pk})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).current_item == last
    response = facilitator_client.post(
        action_url(meeting, "agenda_add"), {"title": "Any other business"}
    )
    assert response.status_code == 302
    assert meeting.agenda.order_by("position").last().title == "Any other business"


def test_admit_a_guest_in_another_group_then_release(facilitator_client, meeting, client):
    client.post(
        reverse("deliberation:join_guest", args=[meeting.join_code]),
        {"name": "Gwen", "constituency": "staff"},
    )
    attendance = Attendance.objects.get(meeting=meeting, member__name="Gwen")
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert "Gwen" in page and "Let in" in page

    response = facilitator_client.post(
        action_url(meeting, "admit"),
        {"attendance": attendance.pk, "constituency": "lived_experience"},
    )
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert attendance.status == "present"
    assert attendance.member.constituency == "lived_experience"
    assert client.get(reverse("deliberation:phone", args=[meeting.pk])).status_code == 200

    response = facilitator_client.post(
        action_url(meeting, "release"), {"attendance": attendance.pk}
    )
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert attendance.device_token == ""


def test_turn_a_guest_away(facilitator_client, meeting, client):
    client.post(
        reverse("deliberation:join_guest", args=[meeting.join_code]),
        {"name": "Gwen", "constituency": "staff"},
    )
    attendance = Attendance.objects.get(meeting=meeting, member__name="Gwen")
    response = facilitator_client.post(action_url(meeting, "refuse"), {"attendance": attendance.pk})
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert attendance.status == "left"


def test_close_and_open_the_meeting(facilitator_client, forum):
    meeting = factories.open_meeting(forum)
    assert (
        facilitator_client.post(action_url(meeting, "close"), {"confirm": "yes"}).status_code == 302
    )
    assert Meeting.objects.get(pk=meeting.pk).status == "closed"
    response = facilitator_client.post(action_url(meeting, "open"))
    assert response.status_code == 400
    assert "cannot be opened again" in response.content.decode()


def test_name_choice_setting(facilitator_client, meeting):
    assert facilitator_client.post(action_url(meeting, "settings"), {}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).allow_name_choice is False


@pytest.mark.parametrize("action", ["explode", "delete"])
def test_unknown_actions_are_not_found(facilitator_client, meeting, action):
    assert facilitator_client.post(action_url(meeting, action)).status_code == 404


def test_console_actions_are_post_only(facilitator_client, meeting):
    assert facilitator_client.get(action_url(meeting, "close")).status_code == 405


def test_record_a_decision_from_discussion(facilitator_client, meeting):
    response = facilitator_client.post(
        action_url(meeting, "decision"),
        {"poll": "", "outcome": "We will meet in the library.", "rationale": "It has a lift."},
    )
    assert response.status_code == 302
    decision = Decision.objects.get(meeting=meeting)
    assert decision.poll is None
    assert decision.agenda_item_id == meeting.current_item_id
    assert decision.rationale == "It has a lift."


def test_someone_without_a_phone_is_marked_here_and_votes_with_their_supporter(
    facilitator_client, meeting, forum
):
    person = factories.member(forum, "lived_experience", name="Ben")
    supporter = factories.member(forum, "staff", role="supporter", supports=[person])
    factories.join(meeting, supporter)
    poll = factories.poll(meeting, "yes_no")

    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert "Here without a phone" in page
    response = facilitator_client.post(action_url(meeting, "present"), {"member": person.pk})

    assert response.status_code == 302
    attendance = Attendance.objects.get(meeting=meeting, member=person)
    assert (attendance.status, attendance.via, attendance.device_token) == (
        "present",
        "facilitator",
        "",
    )
    factories.cast(poll, person, {"choice": "yes"}, cast_by=supporter)
    assert Ballot.objects.get(poll=poll).source == "assisted"


def test_marking_someone_of_another_forum_here_is_refused(facilitator_client, meeting):
    stranger = factories.member(factories.forum(), "staff")
    response = facilitator_client.post(action_url(meeting, "present"), {"member": stranger.pk})
    assert response.status_code == 400
    assert not Attendance.objects.filter(member=stranger).exists()
