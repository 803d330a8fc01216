"""Joining by name in a big forum: type the first letters, tap your name (issue 12).

The full list of 1,000 members was 237 KB and the slowest page of a meeting's start.
"""

import re

from django.urls import reverse
from django.utils import translation

from deliberation.models import Member, Role
from deliberation.selectors.forums import NAME_LIST_MAX, NAME_MATCHES_MAX
from deliberation.services.meetings import meeting_create
from tests import factories


def _forum_of(forum, n):
    Member.objects.bulk_create(
        Member(forum=forum, name=f"Member {i:04d}", constituency="staff", role=Role.PARTICIPANT)
        for i in range(n)
    )


def _url(meeting):
    return reverse("deliberation:join_meeting", args=[meeting.join_code])


def test_a_small_forum_still_lists_every_name(client, forum, meeting):
    _forum_of(forum, NAME_LIST_MAX - 1)
    page = client.get(_url(meeting)).content.decode()
    assert page.count('name="member"') == NAME_LIST_MAX - 1
    assert 'name="name"' not in page


def test_a_big_forum_asks_for_the_first_letters_instead_of_listing_everyone(client, forum, meeting):
    _forum_of(forum, 1000)
    response = client.get(_url(meeting))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="member"' not in page
    assert "Member 0001" not in page
    # A labelled box and a button: works without JavaScript.
    assert '<label for="name-letters"' in page
    assert 'id="name-letters" name="name"' in page
    assert "Find my name" in page
    assert len(response.content) < 20_000


def test_typing_the_first_letters_shows_a_few_names_to_tap(client, forum, meeting):
    _forum_of(forum, 200)
    samira = factories.member(forum, "lived_experience", name="Samira Okafor")
    factories.member(forum, "staff", name="Tom Samuels")
    hidden = factories.member(forum, "staff", name="Sam Observer", role=Role.OBSERVER)

    page = client.get(_url(meeting), {"name": "  sam "}).content.decode()

    assert "Samira Okafor" in page
    assert "Tom Samuels" in page  # a last name counts too
    assert "Sam Observer" not in page  # never more than the full list would show
    assert f'value="{hidden.pk}"' not in page
    assert "Is this you? Tap your name." in page
    response = client.post(_url(meeting), {"member": samira.pk})
    assert response.status_code == 302
    assert response.url == reverse("deliberation:phone", args=[meeting.pk])


def test_many_matches_show_a_few_and_ask_for_more_letters(client, forum, meeting):
    _forum_of(forum, 200)
    page = client.get(_url(meeting), {"name": "Member 00"}).content.decode()
    assert page.count('name="member"') == NAME_MATCHES_MAX
    assert "Type more letters to find yours." in page


def test_no_match_says_so_in_plain_words(client, forum, meeting):
    _forum_of(forum, 200)
    page = client.get(_url(meeting), {"name": "Zq"}).content.decode()
    assert 'name="member"' not in page
    assert "We could not find this name." in page


def test_a_search_before_the_meeting_opens_shows_nobody(client, forum):
    _forum_of(forum, 200)
    draft = meeting_create(forum=forum, title="Later")
    page = client.get(_url(draft), {"name": "Member"}).content.decode()
    assert 'name="member"' not in page
    assert "Member 0001" not in page


def test_the_search_is_in_welsh(client, forum, meeting):
    _forum_of(forum, 200)
    client.cookies["django_language"] = "cy"
    page = client.get(_url(meeting), {"name": "Zq"}).content.decode()
    with translation.override("cy"):
        for words in (
            "Type the first letters of your name.",
            "Find my name",
            "We could not find this name. Please check the letters. Or ask the facilitator.",
        ):
            welsh = translation.gettext(words)
            assert welsh != words
            assert re.sub(r"\s+", " ", welsh) in re.sub(r"\s+", " ", page)
