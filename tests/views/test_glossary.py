"""The forum's word list: facilitators add and remove words; the easy-read check uses them."""

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.exceptions import InvalidInput
from deliberation.models import AuditEvent, Forum, GlossaryEntry
from deliberation.services.glossary import glossary_entry_add, glossary_entry_remove
from deliberation.views.easyread import findings
from tests import factories

pytestmark = pytest.mark.django_db


def url(forum):
    return reverse("deliberation:glossary", args=[forum.slug])


def rules(found):
    return [f["rule"] for f in found]


# -- services ---------------------------------------------------------------------------


def test_adding_a_word_is_audited(forum, facilitator_user):
    entry = glossary_entry_add(
        forum=forum, kind="glossary", term="  ICB ", plain="the group that pays", actor="x"
    )
    assert (entry.term, entry.plain) == ("ICB", "the group that pays")
    event = AuditEvent.objects.filter(forum=forum).latest("seq")
    assert event.kind == "glossary.added"
    assert event.payload["term"] == "ICB"


def test_removing_a_word_is_audited_and_keeps_what_it_was(forum):
    entry = glossary_entry_add(
        forum=forum, kind="jargon", term="telecare", plain="alarms", actor="x"
    )
    glossary_entry_remove(entry=entry, actor="x")
    assert not GlossaryEntry.objects.filter(forum=forum).exists()
    event = AuditEvent.objects.filter(forum=forum).latest("seq")
    assert event.kind == "glossary.removed"
    assert event.payload["term"] == "telecare" and event.payload["plain"] == "alarms"


@pytest.mark.parametrize(
    ("kind", "term", "plain", "says"),
    [
        ("glossary", "", "words", "Please write the word or short form."),
        ("glossary", "   ", "words", "Please write the word or short form."),
        ("glossary", "ICB", "", "Please write what it means, in plain words."),
        ("glossary", "x" * 61, "words", "The word or short form is too long: 60 letters at most."),
        ("glossary", "ICB", "x" * 301, "The plain words are too long: 300 letters at most."),
        ("other", "ICB", "words", "Please choose: a short form we explain, or a hard word"),
    ],
)
def test_a_wrong_word_is_refused_in_plain_words(forum, kind, term, plain, says):
    with pytest.raises(InvalidInput) as refused:
        glossary_entry_add(forum=forum, kind=kind, term=term, plain=plain, actor="x")
    assert says in refused.value.message
    assert not GlossaryEntry.objects.exists()


def test_a_word_already_on_the_list_is_refused_whatever_its_case(forum):
    glossary_entry_add(forum=forum, kind="glossary", term="ICB", plain="the board", actor="x")
    with pytest.raises(InvalidInput) as refused:
        glossary_entry_add(forum=forum, kind="glossary", term="icb", plain="again", actor="x")
    assert refused.value.message == "“icb” is already on the list."
    assert GlossaryEntry.objects.count() == 1


def test_another_forum_may_have_the_same_word(forum):
    glossary_entry_add(forum=forum, kind="glossary", term="ICB", plain="the board", actor="x")
    other = factories.forum()
    glossary_entry_add(forum=other, kind="glossary", term="ICB", plain="the board", actor="x")
    assert GlossaryEntry.objects.count() == 2


def test_a_glossary_term_no_longer_raises_the_abbreviation_finding(forum):
    text = "The C.Q.C. visited. The ICB paid."
    before = [
        f["excerpt"]
        for f in findings(text, forum=forum)
        if f["rule"] in {"abbreviation", "acronym"}
    ]
    assert before == ["C.Q.C.", "ICB"]
    glossary_entry_add(
        forum=forum, kind="glossary", term="CQC", plain="the care checkers", actor="x"
    )
    glossary_entry_add(forum=forum, kind="glossary", term="ICB", plain="the board", actor="x")
    fresh = Forum.objects.get(pk=forum.pk)  # the next page reads the list again
    after = findings(text, forum=fresh)
    assert not {"abbreviation", "acronym"} & set(rules(after))


# -- the page ---------------------------------------------------------------------------


@pytest.fixture
def lead(forum, facilitator_user) -> Client:
    client = Client()
    client.force_login(facilitator_user)
    return client


def test_the_forum_page_links_to_the_word_list(forum, lead):
    page = lead.get(reverse("deliberation:forum", args=[forum.slug])).content.decode()
    assert f'href="{url(forum)}"' in page


def test_the_page_lists_both_kinds_and_the_words_always_checked(forum, lead):
    glossary_entry_add(forum=forum, kind="glossary", term="ICB", plain="the board", actor="x")
    glossary_entry_add(forum=forum, kind="jargon", term="telecare", plain="alarms", actor="x")
    page = lead.get(url(forum)).content.decode()
    short = page[page.index('id="short-forms-title"') : page.index('id="hard-words-title"')]
    hard = page[page.index('id="hard-words-title"') : page.index('id="add-title"')]
    assert "ICB" in short and "the board" in short and "telecare" not in short
    assert "telecare" in hard and "alarms" in hard
    assert "safeguarding" in hard  # from the checker's own list


def test_adding_from_the_page(forum, lead):
    response = lead.post(
        url(forum), {"kind": "glossary", "term": "ICB", "plain": "the board"}, follow=True
    )
    assert response.status_code == 200
    assert "“ICB” is on the list." in response.content.decode()
    assert GlossaryEntry.objects.get(forum=forum).term == "ICB"


def test_a_duplicate_on_the_page_is_shown_again_with_what_to_fix(forum, lead):
    glossary_entry_add(forum=forum, kind="glossary", term="ICB", plain="the board", actor="x")
    response = lead.post(url(forum), {"kind": "glossary", "term": "ICB", "plain": "again"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“ICB” is already on the list." in page
    assert 'value="again"' in page


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"kind": "glossary", "term": "", "plain": "x"}, "Please write the word or short form."),
        ({"kind": "glossary", "term": "x" * 61, "plain": "x"}, "too long: 60 letters at most"),
        ({"term": "ICB", "plain": "x"}, "Please choose an answer."),
    ],
)
def test_empty_or_too_long_on_the_page(forum, lead, data, says):
    response = lead.post(url(forum), data)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not GlossaryEntry.objects.exists()


def test_removing_from_the_page(forum, lead):
    entry = glossary_entry_add(
        forum=forum, kind="jargon", term="telecare", plain="alarms", actor="x"
    )
    response = lead.post(url(forum), {"remove": entry.pk}, follow=True)
    assert "“telecare” is off the list." in response.content.decode()
    assert not GlossaryEntry.objects.exists()


def test_another_forums_word_cannot_be_removed_from_here(forum, lead):
    other = factories.forum()
    entry = glossary_entry_add(
        forum=other, kind="jargon", term="telecare", plain="alarms", actor="x"
    )
    assert lead.post(url(forum), {"remove": entry.pk}).status_code == 404
    assert lead.post(url(forum), {"remove": "nonsense"}).status_code == 404
    assert GlossaryEntry.objects.filter(pk=entry.pk).exists()


def test_members_who_do_not_facilitate_are_refused(forum, client):
    user = factories.user()
    factories.member(forum, "staff", user=user)
    client.force_login(user)
    assert client.get(url(forum)).status_code == 403
    response = client.post(url(forum), {"kind": "glossary", "term": "ICB", "plain": "x"})
    assert response.status_code == 403
    assert not GlossaryEntry.objects.exists()


def test_people_not_signed_in_are_sent_to_sign_in(forum, client):
    response = client.get(url(forum))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_word_list_in_welsh(forum, lead):
    from django.conf import settings

    glossary_entry_add(forum=forum, kind="jargon", term="telecare", plain="alarms", actor="x")
    lead.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = lead.get(url(forum)).content.decode()
    assert "Ein rhestr eiriau" in page  # Our word list
    assert "Geiriau anodd i'w hosgoi" in page.replace("&#x27;", "'")  # Hard words to avoid
    response = lead.post(url(forum), {"kind": "jargon", "term": "telecare", "plain": "x"})
    assert "Mae “telecare” ar y rhestr yn barod." in response.content.decode()
