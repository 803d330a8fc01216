"""Easy-read advice on the console after saving, and the check-as-you-type endpoint."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from deliberation.models import AgendaItem, Decision, Poll
from deliberation.views.easyread import MAX_BODY_BYTES, MAX_CHARS
from tests import factories

LONG_QUESTION = (  # 19 words
    "Should we ask the council for more buses to the day centre in the evenings and at "
    "the weekends?"
)


def action_url(meeting, action):
    return reverse("deliberation:console_action", args=[meeting.forum.slug, meeting.pk, action])


def console_url(meeting):
    return reverse("deliberation:console", args=[meeting.forum.slug, meeting.pk])


def check_url(forum):
    return reverse("deliberation:easyread_check", args=[forum.slug])


# -- after saving, without JavaScript ------------------------------------------------


def test_findings_appear_after_submitting_a_long_question(facilitator_client, meeting):
    response = facilitator_client.post(
        action_url(meeting, "poll_new"),
        {"question": LONG_QUESTION, "method": "yes_no", "weighting": "parity"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    # Saving is not blocked: the vote is made, and the advice is shown beside it.
    poll = Poll.objects.get(meeting=meeting)
    assert poll.question == LONG_QUESTION
    assert "The vote is ready." in page
    card = page[page.index(f'id="poll-{poll.pk}"') :]
    assert "Easy-read check" in card
    assert "This is advice. Your words are saved, and you can keep them." in card
    assert "This sentence has 19 words. Try to use 15 or fewer." in card


def test_a_poll_with_easy_words_gets_no_advice(facilitator_client, meeting):
    facilitator_client.post(
        action_url(meeting, "poll_new"),
        {"question": "Do you want more buses?", "method": "yes_no", "weighting": "parity"},
    )
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert "Do you want more buses?" in page
    assert 'class="easyread"' not in page


def test_written_options_are_checked_one_by_one(facilitator_client, meeting):
    facilitator_client.post(
        action_url(meeting, "poll_new"),
        {
            "question": "Which first?",
            "method": "ranked",
            "options": "More buses\nBetter safeguarding\nCheaper tickets, e.g. for carers",
            "weighting": "parity",
        },
    )
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert "Option 2:" in page
    assert "“safeguarding” is a hard word. Try: keeping people safe from harm." in page
    assert "Option 3:" in page
    assert "Write “for example” instead of “e.g.”." in page
    assert "Option 1:" not in page


def test_our_own_fixed_choices_are_not_checked(meeting, facilitator_client):
    factories.poll(meeting, "consent", question="Can we all live with this?")
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert 'class="easyread"' not in page


def test_a_changed_question_shows_its_advice(facilitator_client, meeting):
    poll = factories.poll(meeting, "yes_no", open_=False, question="Do we agree?")
    response = facilitator_client.post(
        action_url(meeting, "poll_settings"),
        {"poll": poll.pk, "question": "Do we agree with the ICB?", "weighting": "parity"},
    )
    assert response.status_code == 302
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert "“ICB” is an abbreviation." in page


def test_advice_beside_a_recorded_decision(facilitator_client, meeting):
    response = facilitator_client.post(
        action_url(meeting, "decision"),
        {
            "poll": "",
            "outcome": "We will improve safeguarding.",
            "rationale": "THE OLD RULES ARE NOT CLEAR.",
        },
    )
    assert response.status_code == 302
    assert Decision.objects.filter(meeting=meeting).exists()
    page = facilitator_client.get(console_url(meeting)).content.decode()
    decisions = page[page.index('id="decisions"') :]
    assert "What we decided:" in decisions
    assert "“safeguarding” is a hard word." in decisions
    assert "Why:" in decisions
    assert "Words in capitals are hard to read." in decisions


def test_advice_beside_a_new_agenda_item(facilitator_client, meeting):
    response = facilitator_client.post(
        action_url(meeting, "agenda_add"),
        {"title": "CQC report", "description": "We will talk about three things."},
    )
    assert response.status_code == 302
    assert AgendaItem.objects.filter(meeting=meeting, title="CQC report").exists()
    page = facilitator_client.get(console_url(meeting)).content.decode()
    agenda = page[page.index('id="agenda"') : page.index('id="people"')]
    assert "“CQC” is an abbreviation." in agenda
    assert "Write numbers as digits: “3”, not “three”." in agenda


def test_advice_is_in_welsh_on_a_welsh_page(facilitator_client, meeting):
    factories.poll(meeting, "yes_no", open_=False, question=LONG_QUESTION)
    facilitator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert "Mae 19 gair yn y frawddeg hon. Ceisiwch ddefnyddio 15 neu lai." in page
    assert "Gwirio Hawdd ei Ddeall" in page  # Easy-read check


def test_fields_people_will_read_are_marked_for_checking_as_you_type(facilitator_client, meeting):
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert f'data-check-url="{check_url(meeting.forum)}"' in page
    assert "coprod/easyread.mjs" in page
    names = ("question", "options", "title", "description", "outcome", "outcome_easy_read")
    for name in (*names, "rationale"):
        assert f'name="{name}"' in page
    # A new vote's question and options, an agenda item's title and description, and a
    # decision's outcome (in plain words and in easy read) and reason.
    assert page.count('data-easyread="en"') == 7
    new_meeting = facilitator_client.get(
        reverse("deliberation:meeting_new", args=[meeting.forum.slug])
    ).content.decode()
    assert new_meeting.count('data-easyread="en"') == 2  # title and agenda
    assert "coprod/easyread.mjs" in new_meeting


# -- the check-as-you-type endpoint --------------------------------------------------


def test_the_endpoint_returns_findings(facilitator_client, forum):
    response = facilitator_client.post(check_url(forum), {"text": LONG_QUESTION})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["language"] == "en"
    [finding] = data["findings"]
    assert finding["rule"] == "sentence_length"
    assert finding["severity"] == "warning"
    assert finding["severity_label"] == "Check this"
    assert finding["message"] == "This sentence has 19 words. Try to use 15 or fewer."
    assert LONG_QUESTION[finding["start"] : finding["end"]] == finding["excerpt"]


def test_the_endpoint_answers_in_the_page_language(facilitator_client, forum):
    facilitator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    data = facilitator_client.post(check_url(forum), {"text": "Bring a coat, e.g. a warm one."})
    [finding] = data.json()["findings"]
    assert finding["message"] == "Ysgrifennwch “for example” yn lle “e.g.”."
    assert finding["severity_label"] == "Gwiriwch hyn"


def test_the_endpoint_checks_welsh_text(facilitator_client, forum):
    data = facilitator_client.post(
        check_url(forum), {"text": "Mae dau berson, e.e. Siân.", "language": "cy"}
    ).json()
    assert [f["excerpt"] for f in data["findings"]] == ["dau", "e.e."]


def test_the_endpoint_says_nothing_is_wrong_with_an_empty_list(facilitator_client, forum):
    response = facilitator_client.post(check_url(forum), {"text": ""})
    assert response.json()["findings"] == []


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_the_endpoint_only_takes_post(facilitator_client, forum, method):
    response = getattr(facilitator_client, method)(check_url(forum))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"error": "Please send the text with POST."}


def test_the_endpoint_refuses_a_text_that_is_too_long(facilitator_client, forum):
    response = facilitator_client.post(check_url(forum), {"text": "a " * (MAX_CHARS // 2 + 1)})
    assert response.status_code == 413
    assert response.json()["error"] == (
        "This text is too long to check here: up to 5000 characters."
    )


def test_the_endpoint_refuses_a_body_that_is_too_big(facilitator_client, forum):
    body = "text=" + "a" * (MAX_BODY_BYTES + 1)
    response = facilitator_client.post(
        check_url(forum), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert response.json() == {"error": "This is too much to check at once."}


def test_the_endpoint_needs_the_text(facilitator_client, forum):
    response = facilitator_client.post(check_url(forum), {"words": "Hello"})
    assert response.status_code == 400
    assert response.json() == {"error": "Please send the text to check, as “text”."}


def test_the_endpoint_checks_english_or_welsh_only(facilitator_client, forum):
    response = facilitator_client.post(check_url(forum), {"text": "Bonjour", "language": "fr"})
    assert response.status_code == 400
    assert "English (en) or Welsh (cy)" in response.json()["error"]


def test_the_endpoint_is_refused_outside_the_forum(client, forum):
    refused = {"error": "Only people who can write in this forum can check texts here."}
    response = client.post(check_url(forum), {"text": "Hello"})
    assert (response.status_code, response.json()) == (403, refused)

    someone = Client()
    someone.force_login(factories.user())
    response = someone.post(check_url(forum), {"text": "Hello"})
    assert (response.status_code, response.json()) == (403, refused)

    other_forum = factories.forum()
    other = Client()
    other.force_login(factories.facilitator(other_forum))
    response = other.post(check_url(forum), {"text": "Hello"})
    assert (response.status_code, response.json()) == (403, refused)

    response = other.post(check_url(other_forum), {"text": "Hello"})
    assert response.status_code == 200


def test_the_endpoint_needs_a_csrf_token(facilitator_user, forum):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(facilitator_user)
    response = browser.post(check_url(forum), {"text": "Hello"})
    assert response.status_code == 403

    browser.get(reverse("deliberation:forum", args=[forum.slug]))
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post(check_url(forum), {"text": "Hello"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert json.loads(response.content)["findings"] == []
