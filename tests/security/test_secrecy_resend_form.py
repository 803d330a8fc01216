"""Without JavaScript, a secret vote resent after a lost reply still gets its key.

The phone page gives the phone its device key (an HttpOnly cookie) before it votes, so
the resend (the browser posting the same form again) carries it, and the server works
out the same ballot key from it. Then the voter can still change their vote.
"""

import uuid
from http.cookies import SimpleCookie

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.models import SecretBallot
from tests import factories

pytestmark = pytest.mark.django_db


def joined_phone(meeting, person) -> Client:
    phone = Client()
    phone.post(
        reverse("deliberation:join_meeting", args=[meeting.join_code]), {"member": person.pk}
    )
    assert phone.get(reverse("deliberation:phone", args=[meeting.pk])).status_code == 200
    return phone


def post_and_lose_the_reply(phone: Client, url: str, data: dict) -> None:
    """Post a vote whose reply never arrives: the phone keeps only the cookies it had."""
    before = {name: morsel.value for name, morsel in phone.cookies.items()}
    phone.post(url, data)
    phone.cookies = SimpleCookie(before)


def test_a_resent_secret_form_vote_keeps_its_key_and_can_still_change(forum, meeting):
    poll = factories.poll(meeting, "yes_no", secret=True)
    phone = joined_phone(meeting, factories.member(forum, "staff"))
    phone.get(reverse("deliberation:phone", args=[meeting.pk]))
    vote = reverse("deliberation:vote", args=[meeting.pk, poll.pk])
    sent = {"client_id": str(uuid.uuid4()), "choice": "yes"}
    assert "coprod_device_key" in phone.cookies

    post_and_lose_the_reply(phone, vote, sent)
    resent = phone.post(vote, sent)
    assert resent.status_code == 302
    changed = phone.post(vote, {"client_id": str(uuid.uuid4()), "choice": "no"})

    assert changed.status_code == 302, changed.content.decode()[:2000]
    assert list(SecretBallot.objects.filter(poll=poll).values_list("answer", flat=True)) == [
        {"choice": "no"}
    ]


def test_an_assisted_secret_vote_resent_by_form_keeps_its_key(forum, meeting):
    poll = factories.poll(meeting, "yes_no", secret=True)
    person = factories.member(forum, "lived_experience")
    factories.join(meeting, person)
    supporter = factories.member(forum, "staff", role="supporter", supports=[person])
    phone = joined_phone(meeting, supporter)
    phone.get(reverse("deliberation:phone", args=[meeting.pk]))
    vote = reverse("deliberation:vote", args=[meeting.pk, poll.pk])
    sent = {"client_id": str(uuid.uuid4()), "choice": "yes", "for_member": str(person.pk)}

    post_and_lose_the_reply(phone, vote, sent)
    phone.post(vote, sent)
    changed = phone.post(
        vote, {"client_id": str(uuid.uuid4()), "choice": "no", "for_member": str(person.pk)}
    )

    assert changed.status_code == 302, changed.content.decode()[:2000]
    assert list(SecretBallot.objects.filter(poll=poll).values_list("answer", flat=True)) == [
        {"choice": "no"}
    ]
