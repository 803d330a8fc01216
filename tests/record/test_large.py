"""Pages and checks that must not slow down as a forum grows (issue 12).

Each test measures the same page or check with few and with many rows: the number of
queries stays the same, and a long list is split into pages.
"""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation import audit
from deliberation.views.decisions import LOG_PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        assert response.status_code == 200
    return len(context), response


def decisions(meeting, n, start=0):
    for k in range(start, start + n):
        decision = factories.decision(meeting, outcome=f"Decision {k}.", outcome_easy_read="")
        if k % 3 == 0:
            factories.action(decision)


def test_the_log_shows_a_page_of_decisions_with_links_to_the_others(
    facilitator_client, forum, meeting
):
    decisions(meeting, LOG_PAGE_SIZE + 5)
    log = reverse("deliberation:decision_log", args=[forum.slug])
    first = facilitator_client.get(log).content.decode()
    shown = re.findall(r'data-decision="(\d+)"', first)
    assert len(shown) == LOG_PAGE_SIZE
    assert f"{LOG_PAGE_SIZE + 5} decisions" in first
    assert f'<ol class="decision-log" reversed start="{LOG_PAGE_SIZE + 5}">' in first
    assert 'aria-label="Pages"' in first and "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    second = facilitator_client.get(f"{log}?page=2").content.decode()
    rest = re.findall(r'data-decision="(\d+)"', second)
    assert len(rest) == 5 and not set(rest) & set(shown)
    assert '<ol class="decision-log" reversed start="5">' in second
    # The exports still give every decision, and the filters stay with the page links.
    csv_url = reverse("deliberation:decisions_csv", args=[forum.slug])
    assert facilitator_client.get(csv_url).getvalue().count(b"Decision ") == LOG_PAGE_SIZE + 5
    decisions(meeting, LOG_PAGE_SIZE, start=LOG_PAGE_SIZE + 5)
    filtered = facilitator_client.get(f"{log}?status=no_actions").content.decode()
    assert "status=no_actions&amp;page=2" in filtered


def test_the_log_in_welsh_names_its_pages(facilitator_client, forum, meeting, settings):
    decisions(meeting, LOG_PAGE_SIZE + 1)
    log = reverse("deliberation:decision_log", args=[forum.slug])
    facilitator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    html = facilitator_client.get(log).content.decode()
    assert "Tudalen 1 o 2" in html and "Nesaf" in html


def test_the_log_queries_do_not_grow_with_decisions(facilitator_client, forum, meeting):
    log = reverse("deliberation:decision_log", args=[forum.slug])
    decisions(meeting, 10)
    few, _response = queries(facilitator_client, log)
    decisions(meeting, 90, start=10)
    many, _response = queries(facilitator_client, log)
    assert many == few
    last, _response = queries(facilitator_client, f"{log}?page=4")
    assert last == few


def test_the_console_queries_do_not_grow_with_decisions(facilitator_client, forum, meeting, people):
    console = reverse("deliberation:console", args=[forum.slug, meeting.pk])
    decisions(meeting, 2)
    few, before = queries(facilitator_client, console)
    decisions(meeting, 10, start=2)
    many, after = queries(facilitator_client, console)
    assert many == few
    # Every decision's form still offers every member as the action's owner.
    for person in people["staff"]:
        option = f">{person.name}</option>"
        assert after.content.decode().count(option) - before.content.decode().count(option) == 10


def test_verify_forum_reads_the_chain_in_a_fixed_number_of_queries(forum):
    def count():
        with CaptureQueriesContext(connection) as context:
            assert audit.verify_forum(forum) is None
        return len(context)

    def grow(n):
        with transaction.atomic():
            audit.append_many(
                forum_id=forum.pk, entries=[("system", "test.event", {"n": k}) for k in range(n)]
            )

    grow(10)
    few = count()
    grow(990)
    assert count() == few
    assert audit.verify_all([forum]).ok
