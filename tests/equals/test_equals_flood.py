"""A flood of presses from one phone: the HTTP forms are throttled like other phone
POSTs, the socket by its message rate, and a repeated identical press writes nothing."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from deliberation import throttle
from deliberation.models import AuditEvent, Card
from tests import factories
from tests.equals.test_equals_views import phone_client, phone_url
from tests.realtime.conftest import phone

pytestmark = pytest.mark.django_db


def test_a_flood_of_hand_presses_over_http_is_stopped(forum, meeting):
    client = phone_client(meeting, factories.member(forum))
    before = AuditEvent.objects.count()
    statuses = [
        client.post(phone_url(meeting, "hand_raise" if i % 2 == 0 else "hand_lower")).status_code
        for i in range(200)
    ]
    assert 429 in statuses
    written = AuditEvent.objects.count() - before
    assert written <= throttle.EQUALS_PRESSES.limit


def test_the_limit_is_per_phone_not_per_room(forum, meeting):
    flooder = phone_client(meeting, factories.member(forum))
    for i in range(throttle.EQUALS_PRESSES.limit + 5):
        flooder.post(phone_url(meeting, "hand_raise" if i % 2 == 0 else "hand_lower"))
    other = phone_client(meeting, factories.member(forum))  # same address, another phone
    assert other.post(phone_url(meeting, "hand_raise")).status_code == 302


def test_repeated_identical_presses_write_nothing_new(forum, meeting):
    client = phone_client(meeting, factories.member(forum))
    client.post(phone_url(meeting, "hand_raise"))
    client.post(phone_url(meeting, "card"), {"kind": "break", "hide_name": "on"})
    before = AuditEvent.objects.count()
    for _ in range(5):
        client.post(phone_url(meeting, "hand_raise"))
        client.post(phone_url(meeting, "card"), {"kind": "break", "hide_name": "on"})
    assert AuditEvent.objects.count() == before
    assert Card.objects.count() == 1


def test_someone_not_joined_is_not_counted_against_anyone(meeting):
    assert Client().post(phone_url(meeting, "hand_raise")).status_code == 302


@pytest.mark.django_db(transaction=True)
async def test_a_flood_of_hand_messages_over_the_socket_is_refused(meeting, people, settings):
    settings.WS_RATE_PER_SECOND = 0.001  # no refill while the test runs: the burst is all
    ann = people["lived_experience"][0]
    ann_phone = await phone(meeting, ann)
    assert (await ann_phone.receive())["type"] == "snapshot"
    count = database_sync_to_async(AuditEvent.objects.count)
    before = await count()
    sent = settings.WS_RATE_BURST + 20
    for i in range(sent):
        await ann_phone.send({"type": "hand.raise" if i % 2 == 0 else "hand.lower"})
    error = await ann_phone.receive_until("error", timeout=5)
    assert error["code"] == "rate_limited"
    await ann_phone.drain()
    assert await count() - before <= settings.WS_RATE_BURST
