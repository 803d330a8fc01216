"""Between meetings too, a secret vote resent after a lost reply keeps its key."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import identity
from deliberation.models import SecretBallot
from deliberation.services import forum_polls

pytestmark = pytest.mark.django_db


def test_a_resent_secret_vote_between_meetings_can_still_change(forum, cast, browser_for):
    opens = timezone.now() - datetime.timedelta(hours=1)
    poll = forum_polls.forum_poll_create(
        forum=forum,
        by=cast["facilitator"],
        opens_at=opens,
        closes_at=opens + datetime.timedelta(hours=2),
        question="Do we meet online too?",
        method="yes_no",
        secret=True,
    )
    client = browser_for(cast["participant"])
    client.get(reverse("deliberation:forum_poll", args=[forum.slug, poll.pk]))
    vote = reverse("deliberation:forum_poll_vote", args=[forum.slug, poll.pk])
    sent = {"client_id": str(uuid.uuid4()), "choice": "yes"}
    name = identity.secret_cookie_name(poll.pk)
    before = client.cookies.get(name)
    before = before.value if before else None

    client.post(vote, sent)
    # The reply is lost: the browser keeps only what it had before sending.
    if before is None:
        client.cookies.pop(name, None)
    else:
        client.cookies[name] = before
    assert client.post(vote, sent).status_code == 302
    changed = client.post(vote, {"client_id": str(uuid.uuid4()), "choice": "no"})

    assert changed.status_code == 302
    assert list(SecretBallot.objects.filter(poll=poll).values_list("answer", flat=True)) == [
        {"choice": "no"}
    ]
