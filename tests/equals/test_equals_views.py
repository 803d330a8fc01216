"""Hands up, cards and the queue as plain forms (no JavaScript), and who may use them."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from deliberation import identity
from deliberation.models import Card, SpeakingSettings, SpeakingTurn
from deliberation.services import equals as equals_services
from tests import factories

pytestmark = pytest.mark.django_db


def phone_client(meeting, member):
    device = "device-" + str(member.pk)
    factories.join(meeting, member, device=device)
    client = Client()
    session = client.session
    session[identity.SESSION_MEMBERS] = {str(meeting.pk): member.pk}
    session[identity.SESSION_DEVICE] = device
    session.save()
    return client


def phone_url(meeting, action):
    return reverse("deliberation:equals_phone", args=[meeting.pk, action])


def console_url(meeting, action):
    return reverse("deliberation:equals_console", args=[meeting.forum.slug, meeting.pk, action])


def test_a_phone_puts_a_hand_up_and_shows_a_named_card_without_javascript(forum, meeting):
    ann = factories.member(forum, name="Ann Jones")
    client = phone_client(meeting, ann)
    response = client.post(phone_url(meeting, "hand_raise"), follow=True)
    assert "You are number 1 in the queue." in response.content.decode()
    # The tick "Don't show my name" taken away: the browser sends no hide_name.
    client.post(phone_url(meeting, "card"), {"kind": "slow_down"})
    card = Card.objects.get()
    assert (card.member, card.kind, card.anonymous) == (ann, "slow_down", False)
    client.post(phone_url(meeting, "card"), {"kind": "jargon", "hide_name": "on"})
    assert Card.objects.get(kind="jargon").anonymous is True
    page = client.get(reverse("deliberation:phone", args=[meeting.pk])).content.decode()
    assert page.count("data-card-up hidden") == 2  # two of the four cards are not up


def test_a_bad_card_is_refused_in_plain_words(forum, meeting):
    client = phone_client(meeting, factories.member(forum))
    response = client.post(phone_url(meeting, "card"), {"kind": "shout"}, follow=True)
    assert "That card is not known." in response.content.decode()
    assert not Card.objects.exists()


def test_someone_who_has_not_joined_is_sent_to_join(meeting):
    response = Client().post(phone_url(meeting, "hand_raise"))
    assert response.status_code == 302
    assert reverse("deliberation:join_meeting", args=[meeting.join_code]) in response["Location"]
    assert not SpeakingTurn.objects.exists()


def test_the_console_runs_the_queue(facilitator_client, forum, meeting):
    ann = factories.member(forum, name="Ann Jones")
    phone = phone_client(meeting, ann)
    phone.post(phone_url(meeting, "hand_raise"))
    console = reverse("deliberation:console", args=[forum.slug, meeting.pk])
    page = facilitator_client.get(console).content.decode()
    assert "Ann Jones" in page and "Start speaking" in page

    response = facilitator_client.post(console_url(meeting, "start"), {"member": ann.pk})
    assert response.status_code == 302 and response["Location"].endswith("#speaking")
    assert SpeakingTurn.objects.get().status == "speaking"
    facilitator_client.post(console_url(meeting, "finish"))
    assert SpeakingTurn.objects.get().status == "done"
    phone.post(phone_url(meeting, "card"), {"kind": "break"})
    facilitator_client.post(console_url(meeting, "clear"))
    assert Card.objects.get().cleared_at is not None
    facilitator_client.post(
        console_url(meeting, "settings"),
        {"lived_experience_first": "on", "time_limit": "120"},
    )
    settings = SpeakingSettings.objects.get(meeting=meeting)
    assert (settings.lived_experience_first, settings.show_names, settings.time_limit) == (
        True,
        False,
        120,
    )


def test_only_the_forums_facilitator_runs_the_queue(forum, meeting):
    ann = factories.member(forum)
    phone = phone_client(meeting, ann)
    phone.post(phone_url(meeting, "hand_raise"))
    # A phone (no login) is sent to sign in; another forum's facilitator is refused.
    assert phone.post(console_url(meeting, "start"), {"member": ann.pk}).status_code == 302
    other = Client()
    other.force_login(factories.facilitator(factories.forum()))
    assert other.post(console_url(meeting, "start"), {"member": ann.pk}).status_code == 403
    assert SpeakingTurn.objects.get().status == "waiting"


def test_the_console_cannot_give_the_floor_to_someone_not_here(facilitator_client, forum, meeting):
    stranger = factories.member(forum)
    response = facilitator_client.post(
        console_url(meeting, "start"), {"member": stranger.pk}, follow=True
    )
    assert "That person is not here." in response.content.decode()
    assert not SpeakingTurn.objects.exists()


def test_the_meetings_record_says_how_long_each_group_spoke(facilitator_client, forum, meeting):
    people = [factories.member(forum, c) for c in ("lived_experience", "commissioner")]
    start = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)
    for person, seconds in zip(people, (720, 20), strict=True):
        factories.join(meeting, person)
        turn = equals_services.speaking_start(meeting=meeting, member=person)
        SpeakingTurn.objects.filter(pk=turn.pk).update(started_at=start)
        equals_services.speaking_finish(meeting=meeting)
        SpeakingTurn.objects.filter(pk=turn.pk).update(
            ended_at=start + datetime.timedelta(seconds=seconds)
        )
    equals_services.card_show(meeting=meeting, member=people[0], kind="jargon")
    equals_services.cards_clear(meeting=meeting)
    # The log offers the meetings that decided something.
    factories.decision(meeting, outcome="We talked it through.")
    log = reverse("deliberation:decision_log", args=[forum.slug])
    page = facilitator_client.get(log, {"meeting": meeting.pk}).content.decode()
    assert "People who use services or look after someone spoke for 12 minutes." in page
    assert "People from the council or health board spoke for less than a minute." in page
    assert "We stopped to explain 1 time." in page
    assert "12:00" in page
    # Not filtered by a meeting: no meeting's speaking time.
    assert "spoke for" not in facilitator_client.get(log).content.decode()
