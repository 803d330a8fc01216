"""The checker's default hard words: the social-care and commissioning jargon of issue 13."""

import pytest
from django.urls import reverse

from deliberation.easyread.rules import DEFAULT_JARGON, DEFAULT_JARGON_CY, check


def jargon_in(text: str, language: str = "en") -> list[str]:
    return [f.excerpt for f in check(text, language=language) if f.rule == "jargon"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The board will commission a new service.", "commission"),
        ("It is a multi-agency team.", "multi-agency"),
        ("We paid for a feasibility study.", "feasibility study"),
        ("There were 12 attendees.", "attendees"),
        ("It can start, subject to money.", "subject to"),
        ("It starts in Q3.", "Q3"),
        ("We voted on the shortlisted proposals.", "shortlisted"),
        ("The shortlist is ready.", "shortlist"),
        ("4 people with lived experience came.", "lived experience"),
        ("The provider is late.", "provider"),
    ],
)
def test_the_jargon_the_issue_found_is_flagged(text, word):
    assert jargon_in(text) == [word]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Bydd y bwrdd yn comisiynu gwasanaeth.", "comisiynu"),
        ("Rydyn ni am gomisiynu gwasanaeth.", "gomisiynu"),
        ("Mae'n dîm aml-asiantaeth.", "aml-asiantaeth"),
        ("Talon ni am astudiaeth ddichonoldeb.", "astudiaeth ddichonoldeb"),
        ("Roedd 12 o fynychwyr.", "fynychwyr"),
        ("Gall ddechrau yn amodol ar arian.", "yn amodol ar"),
        ("Mae'n dechrau yn Ch3.", "Ch3"),
        ("Mae'r rhestr fer yn barod.", "rhestr fer"),
        ("Mae'r strategaeth yn newydd.", "strategaeth"),
    ],
)
def test_welsh_jargon_is_flagged_in_its_mutated_forms_too(text, word):
    assert jargon_in(text, "cy") == [word]


def test_every_hard_word_has_plain_words_that_pass_the_checker():
    for table, language in ((DEFAULT_JARGON, "en"), (DEFAULT_JARGON_CY, "cy")):
        for word, plain in table.items():
            assert plain.strip(), word
            assert {f.rule for f in check(plain, language=language)} <= {"sentence_length"}, plain


def test_the_plain_words_in_the_sentence_excuse_the_hard_word_in_welsh_too():
    assert jargon_in("Mae'r strategaeth (y cynllun) yn newydd.", "cy") == []
    assert jargon_in("Mae'r strategaeth yn newydd.", "cy") == ["strategaeth"]


def test_a_forums_own_hard_word_adds_to_the_welsh_list():
    text = "Mae'r gofal cartref a'r strategaeth yn dda."
    found = [
        f.excerpt
        for f in check(text, language="cy", jargon={"gofal cartref": "help yn y tŷ"})
        if f.rule == "jargon"
    ]
    assert found == ["gofal cartref", "strategaeth"]


@pytest.mark.django_db
def test_the_word_list_page_shows_the_welsh_hard_words_too(facilitator_client, forum):
    html = facilitator_client.get(reverse("deliberation:glossary", args=[forum.slug]))
    text = html.content.decode()
    assert "Hard Welsh words the check always looks for" in text
    assert "<td>comisiynu</td><td>penderfynu am ba wasanaethau i dalu</td>" in text
    assert "<td>feasibility study</td>" in text
