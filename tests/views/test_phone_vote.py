"""The phone view and the no-JavaScript ballot form."""

import uuid

import pytest
from django.urls import reverse

from deliberation import identity
from deliberation.models import Ballot, Participation, SecretBallot
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services.polls import poll_close


def vote_url(meeting, poll):
    return reverse("deliberation:vote", args=[meeting.pk, poll.pk])


def phone_url(meeting):
    return reverse("deliberation:phone", args=[meeting.pk])


def client_id_from(page: str) -> str:
    marker = 'name="client_id" value="'
    start = page.index(marker) + len(marker)
    return page[start : start + 36]


def test_phone_waits_when_no_vote_is_open(client, meeting, members, join):
    join(client, meeting, members["alice"])
    page = client.get(phone_url(meeting)).content.decode()
    assert "Please wait for the next question." in page
    assert "We are talking about:" in page
    assert "Welcome" in page  # the first agenda item
    assert 'data-ws-url="/ws/meeting/' in page
    assert "Symbols: OpenMoji, CC BY-SA 4.0" in page


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("traffic_light", ['name="choice" value="agree"', "Agree", "Not sure", "Disagree"]),
        ("yes_no", ['name="choice" value="yes"', "Yes", "No", "I do not want to say"]),
        ("consent", ["I can live with it", "I have a worry", "I object", 'name="reason"']),
        ("dots", ["Dots to give: 3", 'type="number"', 'name="dots_more-buses"', 'max="3"']),
        ("ranked", ['name="rank_more-buses"', "1st", "2nd", "3rd", "Not ranked"]),
        ("score", ['name="score_safe-stops" value="5"', "0 means not at all"]),
    ],
)
def test_phone_shows_the_open_poll_form_for_each_method(
    client, meeting, members, join, open_poll, method, expected
):
    poll = open_poll(method)
    join(client, meeting, members["bob"])
    page = client.get(phone_url(meeting)).content.decode()
    assert poll.question in page
    assert f'action="{vote_url(meeting, poll)}"' in page
    assert 'name="client_id"' in page
    assert "Send my vote" in page
    for text in expected:
        assert text in page, text


def test_no_js_vote_is_saved_and_shown(client, meeting, members, join, open_poll):
    poll = open_poll("traffic_light")
    join(client, meeting, members["alice"])
    client_id = client_id_from(client.get(phone_url(meeting)).content.decode())

    response = client.post(vote_url(meeting, poll), {"client_id": client_id, "choice": "agree"})

    assert response.status_code == 302
    assert response.url == phone_url(meeting)
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.member == members["alice"]
    assert ballot.answer == {"choice": "agree"}
    assert str(ballot.client_id) == client_id
    page = client.get(response.url).content.decode()
    assert "Your vote is saved." in page
    assert "You can change your vote until the vote closes." in page
    assert "Your answer:" in page
    assert meeting_selectors.current_result(poll)["voters"] == 1


def test_resubmitting_the_same_form_counts_once(client, meeting, members, join, open_poll):
    poll = open_poll("yes_no")
    join(client, meeting, members["alice"])
    data = {"client_id": str(uuid.uuid4()), "choice": "yes"}
    assert client.post(vote_url(meeting, poll), data).status_code == 302
    assert client.post(vote_url(meeting, poll), data).status_code == 302
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert meeting_selectors.current_result(poll)["voters"] == 1


def test_changing_a_vote_keeps_one_ballot(client, meeting, members, join, open_poll):
    poll = open_poll("yes_no")
    join(client, meeting, members["alice"])
    client.post(vote_url(meeting, poll), {"client_id": str(uuid.uuid4()), "choice": "yes"})
    client.post(vote_url(meeting, poll), {"client_id": str(uuid.uuid4()), "choice": "no"})
    assert list(Ballot.objects.filter(poll=poll).values_list("answer", flat=True)) == [
        {"choice": "no"}
    ]
    page = client.get(phone_url(meeting)).content.decode()
    assert 'value="no" required checked' in page


def test_vote_on_a_closed_poll_shows_the_plain_error(client, meeting, members, join, open_poll):
    poll = open_poll("traffic_light")
    join(client, meeting, members["alice"])
    poll_close(poll=poll)
    response = client.post(
        vote_url(meeting, poll), {"client_id": str(uuid.uuid4()), "choice": "agree"}
    )
    assert response.status_code == 400
    assert "This vote has closed. Your answer was not counted." in response.content.decode()
    assert not Ballot.objects.filter(poll=poll).exists()


def test_a_wrong_answer_is_explained_and_kept(client, meeting, members, join, open_poll):
    poll = open_poll("dots", dots=3)
    join(client, meeting, members["alice"])
    response = client.post(
        vote_url(meeting, poll),
        {"client_id": str(uuid.uuid4()), "dots_more-buses": "2", "dots_safe-stops": "2"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "You can give at most 3 dots." in page
    assert 'name="dots_more-buses" id="dots_more-buses-' in page
    assert 'value="2"' in page  # the answer is kept
    assert not Ballot.objects.filter(poll=poll).exists()


def test_consent_objection_needs_a_reason(client, meeting, members, join, open_poll):
    poll = open_poll("consent")
    join(client, meeting, members["alice"])
    response = client.post(
        vote_url(meeting, poll), {"client_id": str(uuid.uuid4()), "choice": "objection"}
    )
    assert response.status_code == 400
    assert "Please say why you object." in response.content.decode()
    response = client.post(
        vote_url(meeting, poll),
        {"client_id": str(uuid.uuid4()), "choice": "objection", "reason": "Too far away."},
    )
    assert response.status_code == 302
    assert Ballot.objects.get(poll=poll).answer == {
        "choice": "objection",
        "reason": "Too far away.",
    }


@pytest.mark.parametrize(
    ("method", "data", "answer"),
    [
        ("dots", {"dots_more-buses": "2", "dots_cheaper-tickets": "1"},
         {"dots": {"more-buses": 2, "cheaper-tickets": 1}}),
        ("ranked", {"rank_safe-stops": "1", "rank_more-buses": "2"},
         {"ranking": ["safe-stops", "more-buses"]}),
        ("score", {"score_more-buses": "5", "score_cheaper-tickets": "0", "score_safe-stops": "3"},
         {"scores": {"more-buses": 5, "cheaper-tickets": 0, "safe-stops": 3}}),
    ],
)  # fmt: skip
def test_multi_option_votes_are_saved(
    client, meeting, members, join, open_poll, method, data, answer
):
    poll = open_poll(method)
    join(client, meeting, members["bob"])
    response = client.post(vote_url(meeting, poll), {"client_id": str(uuid.uuid4()), **data})
    assert response.status_code == 302, response.content.decode()
    assert Ballot.objects.get(poll=poll).answer == answer


def test_ranking_the_same_place_twice_is_refused(client, meeting, members, join, open_poll):
    poll = open_poll("ranked")
    join(client, meeting, members["bob"])
    response = client.post(
        vote_url(meeting, poll),
        {"client_id": str(uuid.uuid4()), "rank_safe-stops": "1", "rank_more-buses": "1"},
    )
    assert response.status_code == 400
    assert "Please use each place only once." in response.content.decode()


def test_supporter_votes_with_the_person_they_support(client, meeting, members, join, open_poll):
    poll = open_poll("yes_no")
    alice_phone = client.__class__()
    join(alice_phone, meeting, members["alice"])  # Alice is in the room
    join(client, meeting, members["sam"])
    page = client.get(phone_url(meeting)).content.decode()
    assert "Whose vote is this?" in page
    assert "With Alice" in page

    response = client.post(
        vote_url(meeting, poll),
        {"client_id": str(uuid.uuid4()), "choice": "yes", "for_member": members["alice"].pk},
    )

    assert response.status_code == 302
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.member == members["alice"]
    assert ballot.source == "assisted"
    assert ballot.assisted_by == members["sam"]
    assert "The vote with Alice is saved." in client.get(phone_url(meeting)).content.decode()


def test_only_a_supporter_may_vote_for_someone(client, meeting, members, join, open_poll):
    poll = open_poll("yes_no")
    join(client, meeting, members["bob"])
    response = client.post(
        vote_url(meeting, poll),
        {"client_id": str(uuid.uuid4()), "choice": "yes", "for_member": members["alice"].pk},
    )
    assert response.status_code == 400
    assert "You can only vote with a person you support." in response.content.decode()
    assert not Ballot.objects.exists()


def test_secret_vote_sets_the_key_cookie_and_can_be_changed(
    client, meeting, members, join, open_poll
):
    poll = open_poll("yes_no", secret=True)
    join(client, meeting, members["cara"])
    page = client.get(phone_url(meeting)).content.decode()
    assert "This vote is secret. Nobody will see how you voted." in page

    response = client.post(
        vote_url(meeting, poll), {"client_id": str(uuid.uuid4()), "choice": "yes"}
    )

    # The phone's one device key, given with the page; no key per poll.
    cookie = client.cookies[identity.DEVICE_KEY_COOKIE]
    assert cookie.value
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert cookie["httponly"]  # page scripts cannot read it; the websocket handshake sends it
    assert not [name for name in client.cookies if name.startswith("coprod_secret")]
    assert not Ballot.objects.filter(poll=poll).exists()
    assert Participation.objects.filter(poll=poll, member=members["cara"]).exists()
    # Changing the vote uses the key, and still leaves one secret ballot.
    response = client.post(
        vote_url(meeting, poll), {"client_id": str(uuid.uuid4()), "choice": "no"}
    )
    assert response.status_code == 302
    assert list(SecretBallot.objects.filter(poll=poll).values_list("answer", flat=True)) == [
        {"choice": "no"}
    ]
    assert "Your vote is saved." in client.get(phone_url(meeting)).content.decode()


def test_observer_sees_the_question_but_no_form(client, meeting, forum, join, open_poll):
    from tests import factories

    watcher = factories.member(forum, "commissioner", name="Olu", role="observer")
    open_poll("yes_no")
    # An observer is not on the name list: they come in with their personal card.
    client.post(reverse("deliberation:invite", args=[watcher.invite_token]))
    page = client.get(phone_url(meeting)).content.decode()
    assert "You do not vote in this meeting." in page
    assert '<form method="post" action="/m/' not in page


def test_results_are_shown_in_words_and_numbers(client, meeting, members, join, open_poll):
    poll = open_poll("traffic_light")
    join(client, meeting, members["alice"])
    client.post(vote_url(meeting, poll), {"client_id": str(uuid.uuid4()), "choice": "agree"})
    page = client.get(phone_url(meeting)).content.decode()
    assert "Results so far" in page
    assert "Each group counts the same" in page
    assert "One person, one vote" in page
    assert "Things every group supports" in page
    assert "1 · 100%" in page


def test_hidden_results_are_not_shown_on_the_phone(client, meeting, members, join, open_poll):
    poll = open_poll("traffic_light", results_shown="closed")
    join(client, meeting, members["alice"])
    client.post(vote_url(meeting, poll), {"client_id": str(uuid.uuid4()), "choice": "agree"})
    page = client.get(phone_url(meeting)).content.decode()
    assert "Results will show when the vote closes." in page
    assert "100%" not in page


def test_supporter_cannot_vote_for_someone_they_do_not_support(
    client, meeting, members, join, open_poll
):
    poll = open_poll("yes_no")
    bob_phone = client.__class__()
    join(bob_phone, meeting, members["bob"])
    join(client, meeting, members["sam"])
    response = client.post(
        vote_url(meeting, poll),
        {"client_id": str(uuid.uuid4()), "choice": "yes", "for_member": members["bob"].pk},
    )
    assert response.status_code == 400
    assert "You can only vote with a person you support." in response.content.decode()
    assert not Ballot.objects.filter(poll=poll).exists()
