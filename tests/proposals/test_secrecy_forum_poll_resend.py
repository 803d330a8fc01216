"""Between meetings too, a secret vote resent after a lost reply keeps its key.

The forum's vote page gives the browser the same HttpOnly device key as the phone page;
the key to the secret ballot is worked out from it on the server.
"""

import datetime
import uuid
from http.cookies import SimpleCookie

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.models import SecretBallot
from deliberation.services import forum_polls
from tests import factories

pytestmark = pytest.mark.django_db

DEVICE_COOKIE = "coprod_device_key"


def secret_forum_poll(forum, lead):
    opens = timezone.now() - datetime.timedelta(hours=1)
    return forum_polls.forum_poll_create(
        forum=forum,
        by=lead,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(hours=2),
        question="Do we meet online too?",
        method="yes_no",
        secret=True,
    )


def test_a_resent_secret_vote_between_meetings_can_still_change(forum, cast, browser_for):
    poll = secret_forum_poll(forum, cast["facilitator"])
    client = browser_for(cast["participant"])
    page = client.get(reverse("deliberation:forum_poll", args=[forum.slug, poll.pk]))
    assert page.cookies[DEVICE_COOKIE]["httponly"] is True
    assert not [name for name in page.cookies if name.startswith("coprod_secret")]
    vote = reverse("deliberation:forum_poll_vote", args=[forum.slug, poll.pk])
    sent = {"client_id": str(uuid.uuid4()), "choice": "yes"}
    before = {name: morsel.value for name, morsel in client.cookies.items()}

    client.post(vote, sent)
    # The reply is lost: the browser keeps only what it had before sending.
    client.cookies = SimpleCookie(before)
    assert client.post(vote, sent).status_code == 302
    changed = client.post(vote, {"client_id": str(uuid.uuid4()), "choice": "no"})

    assert changed.status_code == 302
    assert list(SecretBallot.objects.filter(poll=poll).values_list("answer", flat=True)) == [
        {"choice": "no"}
    ]


@pytest.mark.parametrize("page", ["forum_poll", "forum_poll_vote"])
def test_the_device_key_is_secure_and_httponly_behind_a_tls_proxy(settings, forum, cast, page):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    poll = secret_forum_poll(forum, cast["facilitator"])
    client = Client(headers={"x-forwarded-proto": "https"})
    factories.link_sign_in(client, cast["participant"])
    url = reverse(f"deliberation:{page}", args=[forum.slug, poll.pk])
    if page == "forum_poll":
        response = client.get(url)
        assert response.status_code == 200
    else:
        response = client.post(url, {"client_id": str(uuid.uuid4()), "choice": "yes"})
        assert response.status_code == 302
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not [name for name in response.cookies if name.startswith("coprod_secret")]


def test_the_forum_vote_page_keeps_the_key_it_gave(forum, cast, browser_for):
    poll = secret_forum_poll(forum, cast["facilitator"])
    client = browser_for(cast["participant"])
    client.get(reverse("deliberation:forum_poll", args=[forum.slug, poll.pk]))
    key = client.cookies[DEVICE_COOKIE].value
    client.get(reverse("deliberation:forum_poll", args=[forum.slug, poll.pk]))
    client.post(
        reverse("deliberation:forum_poll_vote", args=[forum.slug, poll.pk]),
        {"client_id": str(uuid.uuid4()), "choice": "yes"},
    )
    assert client.cookies[DEVICE_COOKIE].value == key
