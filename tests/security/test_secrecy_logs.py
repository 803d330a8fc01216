"""No log line of a secret vote says what was chosen or holds the key that opens it."""

import logging
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from deliberation import identity
from deliberation.services import polls as poll_services
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_secret_vote_writes_no_answer_or_key_to_the_logs(forum, meeting, caplog):
    caplog.set_level(logging.DEBUG)
    poll = factories.poll(meeting, "consent", secret=True)
    person = factories.member(forum, "commissioner", name="Ffion")
    phone = Client()
    phone.post(
        reverse("deliberation:join_meeting", args=[meeting.join_code]), {"member": person.pk}
    )
    phone.get(reverse("deliberation:phone", args=[meeting.pk]))
    vote = reverse("deliberation:vote", args=[meeting.pk, poll.pk])
    reason = "Too far from the bus stop for Ffion"
    phone.post(vote, {"client_id": str(uuid.uuid4()), "choice": "objection", "reason": reason})
    # A refused vote from another phone is logged as a bad request: still nothing chosen.
    other = Client()
    other.post(
        reverse("deliberation:join_meeting", args=[meeting.join_code]),
        {"member": factories.member(forum, "staff").pk},
    )
    other.post(vote, {"client_id": "not-a-uuid", "choice": "objection", "reason": reason})
    poll_services.poll_close(poll=poll)

    device_key = phone.cookies[identity.DEVICE_KEY_COOKIE].value
    key = identity.secret_ballot_key(device_key, poll.pk, person.pk)
    logged = "\n".join(
        f"{r.getMessage()} {r.args!r} {getattr(r, 'request', '')}" for r in caplog.records
    )
    assert reason not in logged and "objection" not in logged
    assert key and key not in logged
    assert device_key not in logged
