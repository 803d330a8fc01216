"""A phone's key to its secret votes is one HttpOnly cookie, kept nowhere on the server.

The phone page gives the phone one random device key before it votes. The key to each
secret ballot is worked out from it on the server (per poll, per voter), so a page
script never holds a key, a resent vote carries the same key, and nothing the server
stores (session, tables) links the member to it.
"""

import uuid
from http.cookies import SimpleCookie

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from deliberation.models import Participation, SecretBallot
from tests import factories

pytestmark = pytest.mark.django_db

DEVICE_COOKIE = "coprod_device_key"


def joined_phone(meeting, person, **client_kwargs) -> Client:
    phone = Client(**client_kwargs)
    phone.post(
        reverse("deliberation:join_meeting", args=[meeting.join_code]), {"member": person.pk}
    )
    return phone


def phone_url(meeting) -> str:
    return reverse("deliberation:phone", args=[meeting.pk])


def old_style_cookies(response) -> list[str]:
    return [name for name in response.cookies if name.startswith("coprod_secret")]


def post_and_lose_the_reply(phone: Client, url: str, data: dict) -> None:
    """Post a vote whose reply never arrives: the phone keeps only the cookies it had."""
    before = {name: morsel.value for name, morsel in phone.cookies.items()}
    phone.post(url, data)
    phone.cookies = SimpleCookie(before)


def test_the_phone_page_gives_one_httponly_device_key_and_no_key_per_poll(forum, meeting):
    poll = factories.poll(meeting, "yes_no", secret=True)
    person = factories.member(forum, "lived_experience")
    factories.join(meeting, person)
    supporter = factories.member(forum, "staff", role="supporter", supports=[person])
    phone = joined_phone(meeting, supporter)

    page = phone.get(phone_url(meeting))

    assert page.status_code == 200
    cookie = page.cookies[DEVICE_COOKIE]
    assert len(cookie.value) >= 32
    assert cookie["httponly"] is True  # no page script can read it
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["secure"]  # plain HTTP here: a Secure cookie would never come back
    assert old_style_cookies(page) == []
    voted = phone.post(
        reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
        {"client_id": str(uuid.uuid4()), "choice": "yes", "for_member": str(person.pk)},
    )
    assert voted.status_code == 302
    assert old_style_cookies(voted) == []


def test_the_device_key_does_not_change_once_given(forum, meeting):
    factories.poll(meeting, "yes_no", secret=True)
    phone = joined_phone(meeting, factories.member(forum, "staff"))
    first = phone.get(phone_url(meeting)).cookies[DEVICE_COOKIE].value
    again = phone.get(phone_url(meeting)).cookies.get(DEVICE_COOKIE)
    assert again is None or again.value == first
    assert phone.cookies[DEVICE_COOKIE].value == first


@pytest.mark.parametrize("page", ["phone", "vote"])
def test_the_device_key_is_secure_and_httponly_behind_a_tls_proxy(settings, forum, meeting, page):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    poll = factories.poll(meeting, "yes_no", secret=True)
    phone = joined_phone(
        meeting, factories.member(forum, "staff"), headers={"x-forwarded-proto": "https"}
    )
    if page == "phone":
        response = phone.get(phone_url(meeting))
        assert response.status_code == 200
    else:
        # A phone that never loaded the page (no key yet) gets its key with the reply.
        response = phone.post(
            reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
            {"client_id": str(uuid.uuid4()), "choice": "yes"},
        )
        assert response.status_code == 302
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True


def test_a_vote_sent_before_the_phone_had_a_key_can_still_change(forum, meeting):
    poll = factories.poll(meeting, "yes_no", secret=True)
    phone = joined_phone(meeting, factories.member(forum, "commissioner"))
    vote = reverse("deliberation:vote", args=[meeting.pk, poll.pk])
    assert DEVICE_COOKIE not in phone.cookies

    assert phone.post(vote, {"client_id": str(uuid.uuid4()), "choice": "yes"}).status_code == 302
    changed = phone.post(vote, {"client_id": str(uuid.uuid4()), "choice": "no"})

    assert changed.status_code == 302, changed.content.decode()[:2000]
    assert list(SecretBallot.objects.filter(poll=poll).values_list("answer", flat=True)) == [
        {"choice": "no"}
    ]


def test_another_browser_of_the_same_person_cannot_change_the_secret_vote(forum, meeting):
    poll = factories.poll(meeting, "yes_no", secret=True)
    person = factories.member(forum, "staff")
    phone = joined_phone(meeting, person)
    phone.get(phone_url(meeting))
    vote = reverse("deliberation:vote", args=[meeting.pk, poll.pk])
    phone.post(vote, {"client_id": str(uuid.uuid4()), "choice": "yes"})

    # Same session (so the same person, on the same phone as far as the server knows),
    # but without this phone's device key.
    phone.cookies[DEVICE_COOKIE] = "another-device-key-of-at-least-32-chars"
    refused = phone.post(vote, {"client_id": str(uuid.uuid4()), "choice": "no"})

    assert refused.status_code == 400
    assert list(SecretBallot.objects.filter(poll=poll).values_list("answer", flat=True)) == [
        {"choice": "yes"}
    ]


def test_a_resent_form_vote_after_a_lost_reply_keeps_its_key(forum, meeting):
    poll = factories.poll(meeting, "yes_no", secret=True)
    person = factories.member(forum, "lived_experience")
    factories.join(meeting, person)
    supporter = factories.member(forum, "staff", role="supporter", supports=[person])
    phone = joined_phone(meeting, supporter)
    phone.get(phone_url(meeting))
    vote = reverse("deliberation:vote", args=[meeting.pk, poll.pk])
    own = {"client_id": str(uuid.uuid4()), "choice": "yes"}
    assisted = {"client_id": str(uuid.uuid4()), "choice": "yes", "for_member": str(person.pk)}

    for sent in (own, assisted):
        post_and_lose_the_reply(phone, vote, sent)
        assert phone.post(vote, sent).status_code == 302
    # The vote cast with someone has its own key: changing it leaves the supporter's alone.
    changed = phone.post(vote, {**assisted, "client_id": str(uuid.uuid4()), "choice": "no"})

    assert changed.status_code == 302, changed.content.decode()[:2000]
    assert sorted(SecretBallot.objects.filter(poll=poll).values_list("source", "answer")) == [
        ("assisted", {"choice": "no"}),
        ("direct", {"choice": "yes"}),
    ]
    assert Participation.objects.filter(poll=poll).count() == 2


def test_the_device_key_is_kept_nowhere_on_the_server(forum, meeting, capsys):
    poll = factories.poll(meeting, "yes_no", secret=True)
    phone = joined_phone(meeting, factories.member(forum, "lived_experience"))
    phone.get(phone_url(meeting))
    vote = reverse("deliberation:vote", args=[meeting.pk, poll.pk])
    phone.post(vote, {"client_id": str(uuid.uuid4()), "choice": "yes"})
    phone.post(vote, {"client_id": str(uuid.uuid4()), "choice": "no"})
    key = phone.cookies[DEVICE_COOKIE].value

    sessions = [s.get_decoded() for s in Session.objects.all()]
    assert key not in repr(sessions)
    call_command("dumpdata", "--natural-foreign", "--indent=0")
    assert key not in capsys.readouterr().out
