"""Rate limits on the doors people guess at, without stopping a room that joins together.

Every test client comes from 127.0.0.1, like a room of phones on one wifi.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from deliberation import throttle
from deliberation.models import Attendance, Member
from tests import factories


def _unknown_codes(meeting, n):
    """Return n codes of the right form that are not the meeting's code."""
    codes = []
    for a in "ACDEFHJK":
        for b in "ACDEFHJK":
            code = f"ZZZZ{a}{b}"
            if code != meeting.join_code:
                codes.append(code)
    return codes[:n]


def test_guessing_join_codes_is_stopped_with_a_plain_429(client, meeting):
    limit = throttle.JOIN_CODE_FAILURES.limit
    for code in _unknown_codes(meeting, limit):
        response = client.get(reverse("deliberation:join"), {"code": code})
        assert response.status_code == 200  # "We could not find a meeting..."

    response = client.get(reverse("deliberation:join"), {"code": "ZZZZZZ"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many tries. Please wait a minute." in response.content.decode()
    # Even the right code is refused now, so a guesser cannot tell a hit from a miss.
    right = client.get(reverse("deliberation:join"), {"code": meeting.join_code})
    assert right.status_code == 429


def test_guessing_codes_in_the_address_counts_too(client, meeting):
    for code in _unknown_codes(meeting, throttle.JOIN_CODE_FAILURES.limit):
        assert client.get(reverse("deliberation:join_meeting", args=[code])).status_code == 404
    response = client.get(reverse("deliberation:join_guest", args=[meeting.join_code]))
    assert response.status_code == 429


def test_the_429_page_is_in_welsh_for_welsh_readers(meeting):
    client = Client(headers={"accept-language": "cy"})
    for code in _unknown_codes(meeting, throttle.JOIN_CODE_FAILURES.limit):
        client.get(reverse("deliberation:join"), {"code": code})
    response = client.get(reverse("deliberation:join"), {"code": "ZZZZZZ"})
    assert response.status_code == 429
    with translation.override("cy"):
        welsh = translation.gettext("Too many tries. Please wait a minute.")
    assert welsh != "Too many tries. Please wait a minute."
    assert welsh in response.content.decode()


def test_a_room_of_sixty_joining_from_one_address_is_not_stopped(meeting, forum):
    people = [factories.member(forum, name=f"Person {n:02}") for n in range(60)]
    for person in people:
        phone = Client()  # each phone its own browser, all from the same address
        # Some type the code wrong once first, as people do.
        if person.pk % 4 == 0:
            phone.get(reverse("deliberation:join"), {"code": "ZZZZZZ"})
        typed = phone.get(reverse("deliberation:join"), {"code": meeting.join_code})
        assert typed.status_code == 302
        url = reverse("deliberation:join_meeting", args=[meeting.join_code])
        assert phone.get(url).status_code == 200
        assert phone.post(url, {"member": person.pk}).status_code == 302
    present = Attendance.objects.filter(meeting=meeting, status=Attendance.Status.PRESENT)
    assert present.count() >= 60


def test_sixty_cards_scanned_on_one_wifi_are_not_stopped(meeting, forum):
    people = [factories.member(forum, name=f"Card {n:02}") for n in range(60)]
    for person in people:
        phone = Client()
        url = reverse("deliberation:invite", args=[person.invite_token])
        assert phone.get(url).status_code == 200
        assert phone.post(url).status_code == 302


def test_guessing_personal_links_is_stopped(client, meeting, forum):
    member = factories.member(forum)
    for n in range(throttle.INVITE_FAILURES.limit):
        assert client.get(reverse("deliberation:invite", args=[f"guess{n:04}"])).status_code == 404
    response = client.get(reverse("deliberation:invite", args=[member.invite_token]))
    assert response.status_code == 429
    assert "Too many tries. Please wait a minute." in response.content.decode()


def test_a_flood_of_guests_stops_at_the_meetings_limit(meeting):
    url = reverse("deliberation:join_guest", args=[meeting.join_code])
    statuses = []
    for n in range(throttle.GUESTS_PER_CODE.limit + 20):
        phone = Client()
        response = phone.post(url, {"name": f"Guest {n}", "constituency": "staff"})
        statuses.append(response.status_code)
    assert statuses[: throttle.GUESTS_PER_CODE.limit] == [302] * throttle.GUESTS_PER_CODE.limit
    assert set(statuses[throttle.GUESTS_PER_CODE.limit :]) == {429}
    guests = Member.objects.filter(forum=meeting.forum, is_guest=True)
    assert guests.count() == throttle.GUESTS_PER_CODE.limit


def test_failed_sign_ins_are_stopped(db):
    account = factories.user(password="the-right-password-123")
    client = Client()
    for _ in range(throttle.LOGIN_FAILURES.limit):
        response = client.post(reverse("login"), {"username": account.username, "password": "x"})
        assert response.status_code == 200
    response = client.post(
        reverse("login"), {"username": account.username, "password": "the-right-password-123"}
    )
    assert response.status_code == 429
    assert "Too many tries. Please wait a minute." in response.content.decode()


def test_a_good_sign_in_is_not_counted(db):
    account = factories.user(password="the-right-password-123")
    for _ in range(throttle.LOGIN_FAILURES.limit + 5):
        response = Client().post(
            reverse("login"), {"username": account.username, "password": "the-right-password-123"}
        )
        assert response.status_code == 302


@pytest.mark.django_db
def test_easyread_check_answers_json_429_past_its_limit(facilitator_client, forum):
    url = reverse("deliberation:easyread_check", args=[forum.slug])
    for _ in range(throttle.EASYREAD_CHECKS.limit):
        assert facilitator_client.post(url, {"text": "Hello."}).status_code == 200
    response = facilitator_client.post(url, {"text": "Hello."})
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"error": "Too many tries. Please wait a minute."}
    assert int(response["Retry-After"]) > 0


def test_limits_are_kept_per_client_behind_a_proxy(meeting):
    """With --proxy-headers, daphne puts the proxy's X-Forwarded-For into REMOTE_ADDR."""
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for code in _unknown_codes(meeting, throttle.JOIN_CODE_FAILURES.limit):
        guesser.get(reverse("deliberation:join"), {"code": code})
    assert guesser.get(reverse("deliberation:join"), {"code": "ZZZZZZ"}).status_code == 429
    someone_else = Client(REMOTE_ADDR="198.51.100.20")
    response = someone_else.get(reverse("deliberation:join"), {"code": meeting.join_code})
    assert response.status_code == 302
