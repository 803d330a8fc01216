"""The easy-read checker against texts that must pass and texts that must fail, rule by rule."""

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.easyread import rules
from deliberation.easyread.rules import DEFAULT_JARGON, check, readability, syllables

RULES_PY = Path(rules.__file__)


def found(text, **kwargs):
    """Return (rule, excerpt) for every finding."""
    return [(f.rule, f.excerpt) for f in check(text, **kwargs)]


def rules_of(text, **kwargs):
    return {f.rule for f in check(text, **kwargs)}


# -- texts that are fine -------------------------------------------------------------

PASS = [
    "We will meet on Monday.",
    "We will meet on 3 May 2026 at 10:30am.",
    "The meeting is on 03/05/2026 in room 2.",
    "Call 01234 567890 if you need help.",
    "We decided to ask for more buses.",
    "Bring a friend if you like.",
    "The NHS and the council will help.",
    "Is this OK for you?",
    "No one was late. The blue one is mine. Each one is free.",
    "**Important**: bring your card.",
    "The vote is closed.",
    "The group is called Our Voice.",
    "We are worried about the buses.",
    "Go to https://example.org/easy_read_AND_MORE_CAPITALS for the notes.",
    "Write to ask@example.org if you have a question.",
    "We talked about: buses, cheaper tickets, safe stops at night, friendly drivers, "
    "lights at every stop and benches.",
    "- More buses\n- Cheaper tickets\n- Safe stops\n- Friendly drivers\n- Benches",
    "# What we decided\nWe will ask for more buses.",
    "1. Buses\n2. Trains\n3. Taxis",
    "Safeguarding (keeping people safe from harm) is everyone's job.",
    "We will keep people safe from harm. This is called safeguarding.",
    "Bring 2 friends. It costs £3.50.",
    "snake_case_words are not italics.",
    "2 * 3 * 4 is 24.",
    "",
    "   \n\n  ",
]


@pytest.mark.parametrize("text", PASS)
def test_texts_that_pass(text):
    assert found(text) == []


# -- texts that fail: (text, rule, excerpt) ------------------------------------------

FAIL = [
    # sentence length
    (
        "When you arrive at the meeting please sign in at the desk and then find a seat "
        "near the front.",
        "sentence_length",
        "When you arrive at the meeting please sign in at the desk and then find a seat "
        "near the front.",
    ),
    (
        "Short one. Then a sentence that goes on and on with far too many words in it "
        "for anyone to follow.",
        "sentence_length",
        "Then a sentence that goes on and on with far too many words in it for anyone to follow.",
    ),
    (
        "- Buses\n- Trains that run on time every day of the week and also on Sundays and holidays",
        "sentence_length",
        "Trains that run on time every day of the week and also on Sundays and holidays",
    ),
    # abbreviations: never e.g., i.e., etc.
    ("Bring things, e.g. a coat.", "abbreviation", "e.g."),
    ("Bring things, eg. a coat.", "abbreviation", "eg."),
    ("The big room, i.e. the hall.", "abbreviation", "i.e."),
    ("Buses, trains etc.", "abbreviation", "etc."),
    ("It takes approx. 2 hours.", "abbreviation", "approx."),
    ("Please reply asap.", "abbreviation", "asap"),
    ("We met in the U.K. last year.", "abbreviation", "U.K."),
    # acronyms
    ("The ICB will pay.", "acronym", "ICB"),
    ("Go to A&E if you are hurt.", "acronym", "A&E"),
    ("Two CCGs joined.", "acronym", "CCGs"),
    # numbers as digits
    ("We need three more chairs.", "number_words", "three"),
    ("There are twenty-one people.", "number_words", "twenty-one"),
    ("We have two hundred and five cups.", "number_words", "two hundred and five"),
    ("One person said no.", "number_words", "One"),
    ("We meet on the first of May.", "number_words", "the first of May"),
    ("We meet on May the twenty-first.", "number_words", "May the twenty-first"),
    # percentages
    ("About 25% of people came.", "percentage", "25%"),
    ("Half said yes: 50 per cent.", "percentage", "50 per cent"),
    # jargon
    ("Commissioning starts soon.", "jargon", "Commissioning"),
    ("Ask every stakeholder.", "jargon", "stakeholder"),
    ("We want better outcomes.", "jargon", "outcomes"),
    ("This is co-production.", "jargon", "co-production"),
    ("This is coproduction.", "jargon", "coproduction"),
    ("We believe in personalization.", "jargon", "personalization"),
    ("Safeguarding matters.", "jargon", "Safeguarding"),
    ("The procurement is late.", "jargon", "procurement"),
    # italics and underlining
    ("This is *really* big.", "italics", "*really*"),
    ("This is _really_ big.", "italics", "_really_"),
    ("This is <i>really</i> big.", "italics", "<i>really</i>"),
    ("This is <em>really</em> big.", "italics", "<em>really</em>"),
    ("This is <u>really</u> big.", "underline", "<u>really</u>"),
    (
        'This is <span style="text-decoration: underline">big</span>.',
        "underline",
        '<span style="text-decoration: underline">big</span>',
    ),
    # capitals
    ("PLEASE COME TO THE MEETING", "capitals", "PLEASE COME TO THE MEETING"),
    ("This is IMPORTANT.", "capitals", "IMPORTANT"),
    ("Vote YES today.", "capitals", "YES"),
    # passive hint
    ("The plan was agreed by the board.", "passive", "was agreed"),
    ("The letter was written last week.", "passive", "was written"),
    ("It has been decided.", "passive", "been decided"),
    ("It was not quickly decided.", "passive", "was not quickly decided"),
    # readability
    (
        "The implementation of personalisation requires robust governance frameworks. "
        "Multidisciplinary collaboration between organisations is fundamental. "
        "Consequently, sustainability considerations are paramount for organisations.",
        "readability",
        "The implementation of personalisation requires robust governance frameworks. "
        "Multidisciplinary collaboration between organisations is fundamental. "
        "Consequently, sustainability considerations are paramount for organisations",
    ),
]


@pytest.mark.parametrize(("text", "rule", "excerpt"), FAIL)
def test_texts_that_fail(text, rule, excerpt):
    assert (rule, excerpt) in found(text)


def test_every_rule_has_a_failing_text():
    assert {rule for _text, rule, _excerpt in FAIL} == set(rules.RULES)


# -- messages ------------------------------------------------------------------------


def test_a_finding_says_what_to_do_in_plain_words():
    [finding] = check(
        "We are going to talk about the new buses and the trains and the taxis in the town today."
    )
    assert finding.message == "This sentence has 19 words. Try to use 15 or fewer."
    assert finding.severity == "warning"
    assert finding.template == rules.SENTENCE_LONG
    assert dict(finding.params) == {"words": 19, "limit": 15}


def test_messages_are_rendered_from_their_template_and_params():
    text = (
        "The ICB, e.g. its PLEASE HELP US team, and three people said 25% was agreed, "
        "*italic*, <u>x</u>, CAMHS, commissioning."
    )
    for finding in check(text):
        assert finding.template in rules.MESSAGES
        assert finding.message == finding.template % dict(finding.params)


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("We need three chairs.", "Write numbers as digits: “3”, not “three”."),
        ("It is 75% of us.", "Try “3 in 4” instead of “75%”"),
        ("It is 10% of us.", "Try “1 in 10” instead of “10%”"),
        ("It is 33% of us.", "Try “about 1 in 3” instead of “33%”"),
        ("It is 100% of us.", "Try “all” instead of “100%”"),
        ("Safeguarding matters.", "Try: keeping people safe from harm."),
        ("Bring a coat, e.g. a warm one.", "Write “for example” instead of “e.g.”."),
    ],
)
def test_suggestions(text, suggestion):
    assert any(suggestion in f.message for f in check(text))


def test_the_long_sentence_advice_mentions_lists_when_there_are_commas():
    [finding] = check(
        "We want more buses at night, safe stops that have bright lights on them, and "
        "friendly drivers who wait."
    )
    assert finding.template == rules.SENTENCE_LONG_LIST


def test_passive_and_numbers_are_advice_and_the_rest_warnings():
    severities = {f.rule: f.severity for f in check("Three plans were agreed. The ICB came.")}
    assert severities == {"number_words": "advice", "passive": "advice", "acronym": "warning"}


# -- edge cases ----------------------------------------------------------------------


def test_dates_with_digits_pass_and_dates_in_words_fail():
    assert found("The next meeting is on Tuesday 3 May 2026.") == []
    assert found("The next meeting is on the third of May.") == [
        ("number_words", "the third of May")
    ]
    [finding] = check("We meet on the thirty-first of December.")
    assert finding.message == "Write dates with digits, like “31 December”."


def test_may_the_verb_is_not_a_date():
    assert found("You may first want a cup of tea.") == []


def test_acronyms_in_the_glossary_are_allowed():
    text = "The ICB and the CQC met. CAMHS came. We met in the U.K. today."
    assert {excerpt for _rule, excerpt in found(text)} == {"ICB", "CQC", "CAMHS", "U.K."}
    glossary = {
        "ICB": "the group that plans health care",
        "cqc": "the people who check care",
        "CAMHS": "mental health help for children",
        "UK": "the United Kingdom",
    }
    assert found(text, glossary=glossary) == []


def test_the_glossary_never_excuses_eg_ie_or_etc():
    glossary = {"e.g.": "for example", "i.e.": "that is", "etc.": "and so on"}
    assert len(found("Bring food, e.g. fruit, i.e. apples, etc.", glossary=glossary)) == 3


def test_the_glossary_explains_jargon():
    assert found("Safeguarding matters.", glossary={"safeguarding": "keeping safe"}) == []


def test_a_forum_adds_its_own_jargon_to_the_default_list():
    jargon = {"day opportunities": "day centres and things to do in the day"}
    text = "We talked about day opportunities and safeguarding."
    assert found(text, jargon=jargon) == [
        ("jargon", "day opportunities"),
        ("jargon", "safeguarding"),
    ]
    assert found(text) == [("jargon", "safeguarding")]


def test_a_forum_can_give_other_plain_words_for_a_default_jargon_word():
    [finding] = check("Safeguarding matters.", jargon={"safeguarding": "keeping safe"})
    assert dict(finding.params)["plain"] == "keeping safe"


def test_the_default_jargon_list_has_plain_words_for_the_issue_list():
    for word in (
        "commissioning",
        "provision",
        "stakeholder",
        "outcome",
        "co-production",
        "personalisation",
        "safeguarding",
        "procurement",
    ):
        assert DEFAULT_JARGON[word]
    assert len(DEFAULT_JARGON) >= 40
    assert all(plain.strip() for plain in DEFAULT_JARGON.values())
    # No plain words are jargon themselves.
    for plain in DEFAULT_JARGON.values():
        assert rules_of(plain) <= {"sentence_length"}, plain


class TestLists:
    """The list rule: a line break always ends a sentence; inside a line, 3 or more parts
    split by commas, semicolons or a colon, each after the first at most 6 words, are a
    list, and each part is measured on its own."""

    def test_a_list_on_one_line_is_items_not_one_long_sentence(self):
        text = (
            "We will buy new chairs, bigger tables, brighter lights, a hearing loop, a "
            "ramp at the door and a quiet room."
        )
        assert found(text) == []

    def test_the_last_part_may_join_two_items_with_and(self):
        text = "Please bring: your card, a pen, a drink for later and a snack for the day."
        assert found(text) == []
        welsh = "Dewch â: cerdyn, pen, diod i'w yfed yn nes ymlaen a byrbryd bach i'r diwrnod hir."
        assert found(welsh, language="cy") == []

    def test_a_list_after_a_colon(self):
        assert found("Please bring: your card, a pen, a drink and a snack for the day.") == []

    def test_items_are_measured_on_their_own(self):
        text = (
            "We talked about: buses, trains, a long item that is much longer than a short "
            "item should ever be"
        )
        assert rules_of(text) == {"sentence_length"}

    def test_clauses_with_commas_are_still_one_sentence(self):
        text = (
            "If you come to the meeting, please bring your card, and we will help you find "
            "a seat near the front."
        )
        assert rules_of(text) == {"sentence_length"}

    def test_two_parts_are_not_a_list(self):
        text = (
            "We want more buses at night and on Sundays, and cheaper tickets for everyone "
            "who has a bus pass."
        )
        assert rules_of(text) == {"sentence_length"}

    def test_a_list_one_item_on_each_line(self):
        lines = [f"Item number {n} is a fairly short line of text here" for n in range(1, 9)]
        assert found("\n".join(lines)) == []

    def test_markdown_list_items_and_headings_are_separate_sentences(self):
        text = (
            "# Things we talked about at the meeting on Monday\n"
            "* Buses to the day centre on Mondays and Fridays\n"
            "+ Cheaper tickets for people who have a bus pass\n"
            "1. Safe stops with bright lights and a place to sit\n"
            "> A quote from a member about why buses matter\n"
        )
        assert found(text) == []

    def test_numbers_with_commas_are_not_list_separators(self):
        text = "We have 1,000 chairs, 2,000 cups and 3,000 plates in the big store room today."
        assert found(text) == []


def test_urls_and_email_addresses_are_ignored():
    text = (
        "See https://example.org/ICB/NHS_CQC_report?x=1&y=CAMHS or www.example.org/e.g. "
        "or write to ICB.Team@example.org"
    )
    assert found(text) == []


def test_a_url_counts_as_one_word():
    words = " ".join(["word"] * 14)
    assert found(f"{words} https://example.org/a/b/c/d.") == []
    assert rules_of(f"{words} more https://example.org/a/b/c/d.") == {"sentence_length"}


def test_html_tags_are_not_words():
    assert found("<p>We will <strong>meet</strong> on Monday.</p>") == []


def test_titles_do_not_end_a_sentence():
    text = "Mr. Smith and Dr. Jones came to see us at the town hall and talked about buses."
    assert rules_of(text) == {"sentence_length"}


def test_a_lower_case_word_after_a_full_stop_does_not_start_a_sentence():
    text = "Bring what you need e.g. food, drink and a coat for the walk to the park and back."
    assert rules_of(text) == {"abbreviation", "sentence_length"}


def test_one_is_a_number_only_when_it_counts_something():
    assert found("No one came. The red one is good. Someone said one by one.") == []
    assert found("One person and one dog came.") == [
        ("number_words", "One"),
        ("number_words", "one"),
    ]


def test_capitals_blocks_need_three_words():
    assert found("Vote NOW OK") == [("capitals", "NOW")]
    assert found("I AM HERE NOW") == [("capitals", "I AM HERE NOW")]
    assert found("The NHS ICB CQC", glossary={"ICB": "x", "CQC": "y"}) == []


def test_capitals_on_two_lines_are_two_blocks():
    assert found("PLEASE COME\nTO THE MEETING") == [
        ("capitals", "PLEASE"),
        ("capitals", "COME"),
        ("capitals", "TO THE MEETING"),
    ]


def test_bold_and_list_markers_are_not_italics():
    assert found("**Bold** and __bold__.\n* an item\n* another item") == []


def test_passive_hint_skips_adjectives_and_active_verbs():
    for text in (
        "I was born in Cardiff.",
        "We are interested.",
        "She is tired.",
        "We agreed the plan.",
        "The shop is closed.",
        "It is red.",
    ):
        assert "passive" not in rules_of(text), text


def test_readability_is_judged_only_on_texts_long_enough():
    hard = "Multidisciplinary collaboration is fundamental. Sustainability is paramount."
    assert "readability" not in rules_of(hard)  # 7 words: too short to judge
    easy = (
        "We met on Monday. We talked about buses. We want more buses at night. "
        "We will ask the council. We will tell you what they say."
    )
    assert "readability" not in rules_of(easy)


def test_readability_numbers():
    measured = readability("The cat sat on the mat. The dog ran to the park.")
    assert measured is not None
    assert (measured.words, measured.sentences, measured.syllables) == (12, 2, 12)
    assert measured.reading_ease == pytest.approx(206.835 - 1.015 * 6 - 84.6 * 1)
    assert measured.grade == pytest.approx(0.39 * 6 + 11.8 * 1 - 15.59)
    assert readability("") is None


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("cat", 1),
        ("table", 2),
        ("tables", 2),
        ("people", 2),
        ("meeting", 2),
        ("decided", 3),
        ("closed", 1),
        ("likes", 1),
        ("places", 2),
        ("beautiful", 3),
        ("safeguarding", 3),
        ("commissioning", 4),
        ("personalisation", 6),
        ("co-production", 4),
    ],
)
def test_syllables(word, count):
    assert syllables(word) == count


# -- Welsh ---------------------------------------------------------------------------


def test_welsh_gets_the_language_independent_rules():
    text = (
        "Mae dau berson yn dod, e.e. Siân, ayb. Ie, 25 y cant. Mae'r ICB yn talu. "
        "DEWCH I'R CYFARFOD. Mae hyn yn *bwysig*."
    )
    assert found(text, language="cy") == [
        ("number_words", "dau"),
        ("abbreviation", "e.e."),
        ("abbreviation", "ayb."),
        ("percentage", "25 y cant"),
        ("acronym", "ICB"),
        ("capitals", "DEWCH I'R CYFARFOD"),
        ("italics", "*bwysig*"),
    ]


def test_welsh_suggestions_are_in_welsh():
    messages = [f.message for f in check("Tua 25% a dau gi, e.e. Mot.", language="cy")]
    assert "Percentages are hard for many people. Try “1 o bob 4” instead of “25%”." in messages
    assert "Write “er enghraifft” instead of “e.e.”." in messages
    assert "Write numbers as digits: “2”, not “dau”." in messages


def test_welsh_skips_english_only_rules():
    text = (
        "Cafodd y cynllun ei gytuno gan y bwrdd. Roedd y safeguarding a'r commissioning "
        "yn anodd iawn i'w deall i bawb oedd yno yn y bore heddiw."
    )
    assert rules_of(text, language="cy") == {"sentence_length"}
    assert found("Mae'r GIG a'r DU yn iawn. Un person.", language="cy") == []


def test_a_forums_jargon_applies_in_welsh():
    assert found(
        "Mae'r gofal cartref yn dda.", jargon={"gofal cartref": "help yn y tŷ"}, language="cy"
    ) == [("jargon", "gofal cartref")]


def test_other_languages_get_only_language_independent_rules():
    text = "Le ICB a dit: voir p. ex. la page, e.g. ici. C'EST TRÈS IMPORTANT."
    assert {rule for rule, _ in found(text, language="fr")} == {
        "acronym",
        "abbreviation",
        "capitals",
    }


# -- purity and properties -----------------------------------------------------------


# The renderer (HTML, PDF, email) and the symbols' translated names are Django's side of
# easy-read; every other module here (rules, builder, delivery) stays pure.
DJANGO_FACING = {"render.py", "symbols.py"}


def test_rules_imports_nothing_from_django_or_the_models():
    for path in RULES_PY.parent.glob("*.py"):
        if path.name in DJANGO_FACING:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith("django"), (path, name)
                assert name != "deliberation.models", (path, name)


def test_findings_are_frozen_and_in_text_order():
    findings = check("The ICB said three. *x* is SO VERY BIG.")
    assert findings == sorted(findings, key=lambda f: (f.start, f.end, f.rule))
    with pytest.raises(AttributeError):
        findings[0].start = 3  # type: ignore[misc]


VOCABULARY = [
    "we", "meet", "on", "Monday", "ICB", "NHS", "CQC", "three", "one", "person", "25%",
    "e.g.", "etc.", "U.K.", "safeguarding", "outcomes", "*x*", "_y_", "<em>", "</em>",
    "<u>z</u>", "PLEASE", "COME", "NOW", "was", "agreed", "written", "the", "first", "of",
    "May", "https://example.org/a_b", "me@example.org", ",", ".", ":", ";", "\n", "- ",
    "# ", "1. ", "twenty-one", "hundred", "and", "dau", "e.e.", "ayb", "(", ")", "Mr.",
]  # fmt: skip
texts = st.one_of(
    st.lists(st.sampled_from(VOCABULARY), max_size=40).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200),
)


@settings(max_examples=150, deadline=None)
@given(text=texts, language=st.sampled_from(["en", "cy", "fr"]))
def test_findings_point_into_the_text(text, language):
    for finding in check(text, language=language):
        assert 0 <= finding.start <= finding.end <= len(text)
        assert finding.excerpt == text[finding.start : finding.end]
        assert finding.rule in rules.RULES
        assert finding.severity in ("advice", "warning")
        assert finding.message == finding.template % dict(finding.params)


@settings(max_examples=150, deadline=None)
@given(
    text=texts,
    entry=st.one_of(
        st.sampled_from(["ICB", "cqc", "U.K.", "safeguarding", "PLEASE", "etc.", "NOW", "x"]),
        st.text(min_size=1, max_size=12),
    ),
    language=st.sampled_from(["en", "cy"]),
)
def test_a_glossary_entry_never_adds_findings(text, entry, language):
    def keys(glossary):
        return {(f.rule, f.start, f.end) for f in check(text, glossary=glossary, language=language)}

    base = {"NHS": "the health service"}
    assert keys({**base, entry: "plain words"}) <= keys(base)


@pytest.mark.parametrize("text", ["²%", "Up by ³ per cent", "¼%"])
def test_a_superscript_or_fraction_before_a_percent_sign_is_advice_not_a_crash(text):
    # Hypothesis found "²%": the sign is a digit to str.isdigit but not a number to float.
    found = check(text)
    assert all(f.severity == "advice" for f in found if f.rule == "percentage")
