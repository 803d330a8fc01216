"""The words and symbols of the phone's ballot controls, in English and Welsh."""

import io

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from deliberation import display
from deliberation.models import Forum, Poll
from deliberation.services.polls import poll_close


def phone(client, meeting):
    return client.get(reverse("deliberation:phone", args=[meeting.pk])).content.decode()


def test_each_score_has_stars_and_words(client, meeting, members, join, open_poll):
    open_poll("score")
    join(client, meeting, members["bob"])
    page = phone(client, meeting)
    assert display.score_stars(0) == "☆☆☆☆☆"
    assert display.score_stars(3) == "★★★☆☆"
    for n, words in enumerate(["Not at all", "A tiny bit", "A little", "Some", "A lot"]):
        assert f'<span class="stars" aria-hidden="true">{display.score_stars(n)}</span>' in page
        assert f'<span class="score-word">{words}</span>' in page
    assert '<span class="score-word">Very much</span>' in page


def test_the_controls_speak_welsh(client, meeting, members, join, open_poll):
    join(client, meeting, members["bob"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    open_poll("score")
    page = phone(client, meeting)
    assert "Dim o gwbl" in page and "Yn fawr iawn" in page
    assert display.live_config()["score_words"][0] == "Dim o gwbl"  # for the page scripts


def test_the_steppers_and_tap_to_rank_speak_welsh(client, meeting, members, join, open_poll):
    join(client, meeting, members["bob"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    ranked = open_poll("ranked")
    page = phone(client, meeting)
    poll_close(poll=ranked)
    open_poll("dots")
    page += phone(client, meeting)
    for words in ["Eich trefn chi", "Dechrau eto", "Dadwneud: tynnu", "Tynnu dot"]:
        assert words in page, words


def test_every_option_of_the_demo_votes_has_a_symbol(db):
    call_command("seed_demo", stdout=io.StringIO())
    polls = Poll.objects.filter(forum=Forum.objects.get(slug="riverside"), meeting__status="open")
    options = [o for p in polls.prefetch_related("options") for o in p.options.all()]
    assert len(options) > 12
    assert [o.label for o in options if o.symbol not in display.SYMBOLS] == []
