"""A forum's own glossary and jargon count when its texts are checked."""

import pytest
from django.urls import reverse

from deliberation.models import GlossaryEntry
from deliberation.selectors import summaries as summary_selectors
from deliberation.views.easyread import findings, forget_forum_words, text_checks
from tests import factories

pytestmark = pytest.mark.django_db


def rules(found):
    return [f["rule"] for f in found]


def add(forum, kind, term, plain):
    GlossaryEntry.objects.create(forum=forum, kind=kind, term=term, plain=plain)


def test_selector_reads_glossary_and_jargon_in_one_query(forum, django_assert_num_queries):
    add(forum, "glossary", "ICB", "the group that pays for health care here")
    add(forum, "jargon", "telecare", "alarms and sensors at home")
    other = factories.forum()
    add(other, "glossary", "CQC", "the care checkers")
    with django_assert_num_queries(1):
        glossary, jargon = summary_selectors.forum_words(forum)
    assert glossary == {"ICB": "the group that pays for health care here"}
    assert jargon == {"telecare": "alarms and sensors at home"}


def test_without_a_forum_an_acronym_is_flagged(forum):
    add(forum, "glossary", "ICB", "the group that pays for health care here")
    assert "acronym" in rules(findings("We met the ICB."))


def test_a_glossary_term_of_the_forum_is_not_flagged(forum):
    add(forum, "glossary", "ICB", "the group that pays for health care here")
    assert "acronym" not in rules(findings("We met the ICB.", forum=forum))


def test_forum_jargon_is_flagged_with_its_plain_words(forum):
    add(forum, "jargon", "telecare", "alarms and sensors at home")
    found = findings("We will do more telecare.", forum=forum)
    jargon = [f for f in found if f["rule"] == "jargon"]
    assert jargon and "alarms and sensors at home" in jargon[0]["message"]
    assert "jargon" not in rules(findings("We will do more telecare."))


def test_forum_jargon_is_added_to_the_default_list(forum):
    add(forum, "jargon", "telecare", "alarms and sensors at home")
    found = findings("Safeguarding and telecare.", forum=forum)
    words = {f["excerpt"].lower() for f in found if f["rule"] == "jargon"}
    assert words == {"safeguarding", "telecare"}


def test_forum_jargon_applies_to_welsh_texts(forum):
    add(forum, "jargon", "cyfeirio", "dweud wrth bobl ble i gael help")
    found = findings("Byddwn yn cyfeirio pobl.", language="cy", forum=forum)
    assert "jargon" in rules(found)


def test_many_texts_read_the_forum_words_once(forum, django_assert_num_queries):
    add(forum, "glossary", "ICB", "the group that pays for health care here")
    with django_assert_num_queries(1):
        checks = text_checks(forum=forum, title="The ICB", description="The ICB is here, e.g. now.")
    assert len(checks) == 1  # only the description, for "e.g."


def test_forgetting_the_words_reads_them_again(forum):
    assert "acronym" in rules(findings("We met the ICB.", forum=forum))
    add(forum, "glossary", "ICB", "the group that pays for health care here")
    forget_forum_words(forum)
    assert "acronym" not in rules(findings("We met the ICB.", forum=forum))


def test_the_check_endpoint_uses_the_forum_glossary(forum, facilitator_user, client):
    add(forum, "glossary", "ICB", "the group that pays for health care here")
    client.force_login(facilitator_user)
    url = reverse("deliberation:easyread_check", args=[forum.slug])
    response = client.post(url, {"text": "We met the ICB."})
    assert response.status_code == 200
    assert "acronym" not in rules(response.json()["findings"])


def test_the_console_uses_the_forum_glossary(forum, meeting, facilitator_user, client):
    add(forum, "glossary", "ICB", "the group that pays for health care here")
    client.force_login(facilitator_user)
    url = reverse("deliberation:console_action", args=[forum.slug, meeting.pk, "agenda_add"])
    client.post(url, {"title": "ICB report", "description": "We will talk about the ICB."})
    page = client.get(reverse("deliberation:console", args=[forum.slug, meeting.pk])).content
    assert "“ICB” is an abbreviation." not in page.decode()
