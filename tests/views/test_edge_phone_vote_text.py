"""A reason with a character we cannot store is refused on the no-JavaScript form too.

Over HTTP Django decodes form bytes with replacement, so no lone surrogate arrives, but
NUL and other control characters do; PostgreSQL's jsonb and text columns refuse NUL
and answered 500. Run on PostgreSQL by the services run.
"""

import uuid

import pytest
from django.urls import reverse

from deliberation.models import AuditEvent, Ballot, SecretBallot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("secret", [False, True])
@pytest.mark.parametrize("reason", ["no\u0000", "bell\u0007", "x\u001b[2J"])
def test_a_reason_with_a_control_character_is_refused_in_plain_words(
    client, meeting, members, join, open_poll, reason, secret
):
    poll = open_poll("consent", secret=secret)
    join(client, meeting, members["alice"])
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
        {"client_id": str(uuid.uuid4()), "choice": "objection", "reason": reason},
    )
    assert response.status_code == 400
    assert "cannot be used. Please type it again." in response.content.decode()
    assert not Ballot.objects.filter(poll=poll).exists()
    assert not SecretBallot.objects.filter(poll=poll).exists()
    assert AuditEvent.objects.count() == events


def test_tabs_and_line_breaks_are_kept(client, meeting, members, join, open_poll):
    poll = open_poll("consent")
    join(client, meeting, members["alice"])
    response = client.post(
        reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
        {
            "client_id": str(uuid.uuid4()),
            "choice": "objection",
            "reason": "Too far.\r\n\tAnd dark.",
        },
    )
    assert response.status_code == 302
    assert Ballot.objects.get(poll=poll).answer["reason"] == "Too far.\r\n\tAnd dark."
