"""The facilitator's console: record the decision in easy read, add actions, look back."""

import datetime

import pytest
from django.urls import reverse

from deliberation.models import Action, AuditEvent, Decision, Meeting, Poll
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import actions as action_services
from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from tests import factories

pytestmark = pytest.mark.django_db


def do(client, forum, meeting, action, data):
    url = reverse("deliberation:console_action", args=[forum.slug, meeting.pk, action])
    return client.post(url, data)


@pytest.fixture
def last_time(forum, meeting, people):
    """A meeting that decided something, closed, and the next one, open now."""
    poll = factories.poll(meeting, "yes_no", question="More buses?")
    factories.cast(poll, people["staff"][0], {"choice": "yes"})
    decision = factories.decision(meeting, poll_services.poll_close(poll=poll))
    action = factories.action(decision, description="Write to the bus company.")
    action_services.action_progress_add(action=action, note="Letter sent.", status="in_progress")
    meeting_services.meeting_close(meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=datetime.datetime(2026, 9, 1, 10, tzinfo=datetime.UTC)
    )
    return {"decision": decision, "action": action, "next": factories.open_meeting(forum)}


def test_a_decision_is_recorded_with_its_easy_read_words(facilitator_client, forum, meeting):
    poll = poll_services.poll_close(poll=factories.poll(meeting, "yes_no"))
    response = do(
        facilitator_client,
        forum,
        meeting,
        "decision",
        {
            "poll": poll.pk,
            "outcome": "We ask the council for 2 more buses a day.",
            "outcome_easy_read": "We want more buses.",
            "rationale": "",
        },  # fmt: skip
    )
    assert response.status_code == 302
    decision = Decision.objects.get(poll=poll)
    assert decision.outcome_easy_read == "We want more buses."
    assert (decision.method, decision.weighting) == ("yes_no", poll.weighting)
    page = facilitator_client.get(reverse("deliberation:console", args=[forum.slug, meeting.pk]))
    assert "We want more buses." in page.content.decode()


def test_an_action_is_added_from_the_console(facilitator_client, forum, meeting, people):
    decision = factories.decision(meeting)
    due = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    data = {"decision": decision.pk, "description": "Ask for a later bus.",
            "owner": people["commissioner"][0].pk, "due_on": due}  # fmt: skip
    response = do(facilitator_client, forum, meeting, "action_add", data)
    assert response.status_code == 302 and response.url.endswith(f"#decision-{decision.pk}")
    action = Action.objects.get(decision=decision)
    assert action.owner == people["commissioner"][0]
    assert action.created_by.user_id is not None

    refused = do(facilitator_client, forum, meeting, "action_add", {**data, "due_on": ""})
    assert refused.status_code == 400
    assert "Please check" in refused.content.decode() or "required" in refused.content.decode()
    other = factories.decision(factories.open_meeting(forum, title="Other"))
    wrong = do(facilitator_client, forum, meeting, "action_add", {**data, "decision": other.pk})
    assert wrong.status_code == 400 and Action.objects.count() == 1


def test_last_time_shows_on_the_projector_and_a_check_back_vote_is_made(
    facilitator_client, client, forum, last_time
):
    meeting = last_time["next"]
    console = reverse("deliberation:console", args=[forum.slug, meeting.pk])
    page = facilitator_client.get(console).content.decode()
    assert "Last time we decided" in page and "Write to the bus company." in page

    assert do(facilitator_client, forum, meeting, "recap", {"shown": "1"}).status_code == 302
    projector = reverse("deliberation:projector", args=[meeting.projector_token])
    shown = client.get(projector).content.decode()
    assert "data-recap-of" in shown and "Last time we decided" in shown
    assert "We want more buses." in shown and "Letter sent." in shown
    assert AuditEvent.objects.filter(kind="meeting.recap_shown").exists()

    response = do(
        facilitator_client,
        forum,
        meeting,
        "check_back",
        {"decision": last_time["decision"].pk, "method": "traffic_light"},
    )
    assert response.status_code == 302
    poll = Poll.objects.get(check_back_of=last_time["decision"])
    assert poll.meeting == meeting and poll.method == "traffic_light"
    assert poll.question == "Is this what we agreed? “We want more buses.”"
    # A vote that is open takes the stage; the recap comes back when it closes.
    poll_services.poll_open(poll=poll)
    assert "data-recap-of" not in client.get(projector).content.decode()
    poll_services.poll_close(poll=poll)
    assert "data-recap-of" in client.get(projector).content.decode()
    decision_page = reverse("deliberation:decision", args=[forum.slug, last_time["decision"].pk])
    assert "We asked again" in facilitator_client.get(decision_page).content.decode()

    assert do(facilitator_client, forum, meeting, "recap", {"shown": ""}).status_code == 302
    assert "data-recap-of" not in client.get(projector).content.decode()


def test_a_check_back_vote_must_be_yes_no_or_traffic_light(facilitator_client, forum, last_time):
    meeting = last_time["next"]
    response = do(
        facilitator_client,
        forum,
        meeting,
        "check_back",
        {"decision": last_time["decision"].pk, "method": "ranked"},
    )
    assert response.status_code == 400
    assert not Poll.objects.filter(check_back_of__isnull=False).exists()


def test_no_recap_without_an_earlier_decision(facilitator_client, forum, meeting):
    response = do(facilitator_client, forum, meeting, "recap", {"shown": "1"})
    assert response.status_code == 400
    assert "no earlier meeting with decisions" in response.content.decode()


def test_the_recap_follows_progress_while_it_is_shown(forum, last_time):
    meeting = last_time["next"]
    meeting_services.meeting_recap_show(meeting=meeting, shown=True)
    action_services.action_progress_add(
        action=last_time["action"], note="The bus starts in May.", status="done"
    )
    snapshot = meeting_selectors.meeting_snapshot(meeting.pk, audience="projector")
    (decision,) = snapshot["recap"]["decisions"]
    assert decision["actions"][0]["status"] == "done"
    assert decision["actions"][0]["latest"] == "The bus starts in May."
