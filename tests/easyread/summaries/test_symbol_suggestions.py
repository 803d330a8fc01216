"""The picture picker suggests pictures from the words of the point (issue 13)."""

import pytest
from django.urls import reverse

from deliberation.display import SYMBOLS
from deliberation.easyread.symbols import suggest_symbols
from tests.easyread.conftest import make_summary


@pytest.mark.parametrize(
    ("text", "picture"),
    [
        ("We want more buses at night.", "transport"),
        ("Ask for a bus stop next to the day centre.", "transport"),
        ("We had lunch and cake together.", "food"),
        ("We talked about money for the cafe.", "money"),
        ("Staying safe at home.", "safety"),
    ],
)
def test_the_words_of_a_point_suggest_a_picture(text, picture):
    assert picture in suggest_symbols(text, SYMBOLS)


def test_words_that_fit_no_picture_suggest_none():
    assert suggest_symbols("Sam will do this.", SYMBOLS) == []


def test_suggestions_are_about_the_topic_not_the_kind_of_point():
    # The point's kind already has its picture (a date, a decision): these add the topic.
    assert suggest_symbols("We decided the date of our next meeting.", SYMBOLS) == []


@pytest.mark.django_db
def test_the_review_page_shows_suggested_pictures_first(facilitator_client, forum, meeting):
    summary = make_summary(meeting)
    point = summary.points.get(position=3)  # "We decided to ask for buses after 6 o'clock."
    html = facilitator_client.get(
        reverse("deliberation:summary_review", args=[forum.slug, meeting.pk])
    ).content.decode()
    start = html.index(f'id="point-{point.pk}"')
    grid = html[html.index('class="symbol-grid"', start) :]
    suggested = grid[: grid.index('<label class="symbol-choice" ')]
    assert 'value="transport"' in suggested
    assert suggested.count("(fits the words)") == suggested.count("<label")
