"""The one-click unsubscribe link: it expires, hides the member's id, and a replay is silent."""

import json
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from deliberation.models import AuditEvent, NotificationPreference
from deliberation.services import notifications
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(forum):
    member = factories.member(forum, name="Nia")
    notifications.notification_preference_set(
        member=member, frequency="daily", email="nia@example.org"
    )
    return member


def test_the_link_does_not_show_the_member_id(reader):
    token = notifications.unsubscribe_token(reader)
    payload = json.loads(signing.b64_decode(token.split(":", 1)[0].encode()))
    assert "m" not in payload
    assert reader.pk not in payload.values()
    # Two links for the same person look unrelated.
    other = notifications.unsubscribe_token(reader)
    assert other.split(":", 1)[0] != token.split(":", 1)[0]
    assert notifications.member_for_unsubscribe(token) == reader


def test_an_old_link_no_longer_works(reader, monkeypatch):
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - notifications.UNSUBSCRIBE_MAX_AGE - 60)
    token = notifications.unsubscribe_token(reader)
    monkeypatch.undo()
    response = Client().post(reverse("deliberation:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "This link is too old" in response.content.decode()
    assert NotificationPreference.objects.get(member=reader).frequency == "daily"


def test_using_the_link_again_writes_nothing_to_the_record(reader):
    url = reverse("deliberation:unsubscribe", args=[notifications.unsubscribe_token(reader)])
    client = Client()
    assert client.post(url).status_code == 200
    events = AuditEvent.objects.filter(kind="notifications.unsubscribed").count()
    assert events == 1
    assert client.post(url).status_code == 200  # the mail program's second click
    assert AuditEvent.objects.filter(kind="notifications.unsubscribed").count() == events
    assert NotificationPreference.objects.get(member=reader).frequency == "none"
