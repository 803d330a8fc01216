"""Easy-read advice on a proposal's title and summary: after saving, and as you type."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from deliberation.models import Proposal
from deliberation.services.glossary import glossary_entry_add
from tests import factories
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db

HARD_TITLE = "Better safeguarding"
HARD_SUMMARY = "The ICB should do more about safeguarding, e.g. in day centres."


def new_url(forum):
    return reverse("deliberation:proposal_new", args=[forum.slug])


def data(**kwargs):
    return {"title": HARD_TITLE, "summary": HARD_SUMMARY, "symbol": "safety", **kwargs}


def advice(page: str) -> str:
    """Return the "Check your words" panel of a page, or "" if it has none."""
    if 'class="easyread"' not in page:
        return ""
    start = page.index('class="easyread"')
    return page[start : page.index("</details>", start)]


def test_hard_words_are_saved_and_the_advice_shows_on_the_page_they_land_on(
    forum, cast, browser_for
):
    client = browser_for(cast["participant"])
    response = client.post(new_url(forum), data(), follow=True)
    assert response.status_code == 200
    proposal = Proposal.objects.get(forum=forum)  # saving was not blocked
    assert (proposal.title, proposal.summary) == (HARD_TITLE, HARD_SUMMARY)
    page = response.content.decode()
    assert "Thank you. Your idea is saved." in page
    panel = advice(page)
    assert "Check your words" in panel
    assert "This is advice. Your words are saved, and you can keep them." in panel
    assert "Title:" in panel and "What is your idea?:" in panel
    assert "“safeguarding” is a hard word." in panel
    assert "“ICB” is an abbreviation." in panel
    assert "Write “for example” instead of “e.g.”." in panel
    # The advice sits above the button to change the words.
    edit = reverse("deliberation:proposal_edit", args=[forum.slug, proposal.pk])
    assert page.index("Check your words") < page.index(f'href="{edit}"')


def test_easy_words_get_no_advice(forum, cast, browser_for):
    client = browser_for(cast["participant"])
    response = client.post(
        new_url(forum),
        data(title="More buses", summary="We want buses after 6 in the evening."),
        follow=True,
    )
    assert advice(response.content.decode()) == ""


def test_the_forum_glossary_counts(forum, cast, browser_for, lead):
    glossary_entry_add(forum=forum, kind="glossary", term="ICB", plain="the board", actor=lead)
    client = browser_for(cast["participant"])
    panel = advice(client.post(new_url(forum), data(), follow=True).content.decode())
    assert "“safeguarding” is a hard word." in panel
    assert "ICB" not in panel.replace(HARD_SUMMARY, "")


@pytest.mark.parametrize("role", ["participant", "facilitator"])
def test_the_author_and_facilitators_see_the_advice(forum, cast, browser_for, role):
    proposal = make_proposal(forum, cast["participant"], title=HARD_TITLE, summary=HARD_SUMMARY)
    url = reverse("deliberation:proposal", args=[forum.slug, proposal.pk])
    assert "Check your words" in advice(browser_for(cast[role]).get(url).content.decode())


@pytest.mark.parametrize("role", ["supporter", "observer"])
def test_readers_who_cannot_change_the_words_do_not_see_it(forum, cast, browser_for, role):
    proposal = make_proposal(forum, cast["participant"], title=HARD_TITLE, summary=HARD_SUMMARY)
    url = reverse("deliberation:proposal", args=[forum.slug, proposal.pk])
    assert advice(browser_for(cast[role]).get(url).content.decode()) == ""


def test_a_changed_proposal_shows_its_advice(forum, cast, browser_for, proposal):
    client = browser_for(cast["participant"])
    url = reverse("deliberation:proposal_edit", args=[forum.slug, proposal.pk])
    response = client.post(url, data(body=""), follow=True)
    proposal.refresh_from_db()
    assert proposal.title == HARD_TITLE
    assert "“safeguarding” is a hard word." in advice(response.content.decode())


def test_a_preview_shows_the_advice_before_saving(forum, cast, browser_for):
    client = browser_for(cast["participant"])
    response = client.post(new_url(forum), data(preview="1"))
    assert response.status_code == 200
    assert not Proposal.objects.exists()
    panel = advice(response.content.decode())
    assert "This is advice. It does not stop you saving." in panel
    assert "“safeguarding” is a hard word." in panel


def test_a_form_shown_again_for_a_mistake_shows_the_advice_too(forum, cast, browser_for):
    client = browser_for(cast["participant"])
    response = client.post(new_url(forum), data(symbol=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please choose an answer." in page
    assert "“safeguarding” is a hard word." in advice(page)


def test_the_advice_follows_the_page_language(forum, cast, browser_for):
    client = browser_for(cast["participant"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.post(
        new_url(forum), data(title="Bysiau", summary="Mae tri bws, e.e. yn y bore."), follow=True
    )
    panel = advice(response.content.decode())
    assert "Gwiriwch eich geiriau" in panel  # Check your words
    assert "Ysgrifennwch rifau fel digidau" in panel  # "tri" is a Welsh number word


def test_title_and_summary_are_marked_for_checking_as_you_type(forum, cast, browser_for):
    page = browser_for(cast["participant"]).get(new_url(forum)).content.decode()
    check = reverse("deliberation:easyread_check", args=[forum.slug])
    assert f'data-check-url="{check}"' in page
    assert page.count('data-easyread="en"') == 2


# -- the check-as-you-type endpoint is open to members who may write -------------------


def check(client, forum, text="We met the ICB."):
    return client.post(reverse("deliberation:easyread_check", args=[forum.slug]), {"text": text})


@pytest.mark.parametrize("role", ["participant", "supporter", "facilitator"])
def test_members_who_may_write_can_check_as_they_type(forum, cast, browser_for, role):
    response = check(browser_for(cast[role]), forum)
    assert response.status_code == 200
    assert [f["rule"] for f in response.json()["findings"]] == ["acronym"]


@pytest.mark.parametrize("role", ["observer", "outsider"])
def test_observers_and_outsiders_are_refused(forum, cast, browser_for, role):
    response = check(browser_for(cast[role]), forum)
    assert response.status_code == 403
    assert response.json() == {
        "error": "Only people who can write in this forum can check texts here."
    }


def test_a_browser_nobody_knows_is_refused(forum, client):
    assert check(client, forum).status_code == 403


def test_a_member_still_needs_a_csrf_token(forum, cast):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    factories.link_sign_in(browser, cast["participant"])
    assert check(browser, forum).status_code == 403


def test_a_member_who_left_is_refused(forum, cast, browser_for):
    client = browser_for(cast["participant"])
    cast["participant"].is_active = False
    cast["participant"].save()
    assert check(client, forum).status_code == 403


# -- votes between meetings: the question and written options -------------------------


def test_a_new_vote_between_meetings_shows_its_advice_to_facilitators(forum, cast, browser_for):
    opens = timezone.localtime() + datetime.timedelta(hours=1)
    closes = opens + datetime.timedelta(hours=2)
    lead = browser_for(cast["facilitator"])
    form = lead.get(reverse("deliberation:forum_poll_new", args=[forum.slug])).content.decode()
    assert form.count('data-easyread="en"') == 2  # the question and the options
    response = lead.post(
        reverse("deliberation:forum_poll_new", args=[forum.slug]),
        {
            "question": "Which is first, e.g. for the ICB?",
            "method": "ranked",
            "options": "More buses\nBetter safeguarding",
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    assert response.status_code == 200
    panel = advice(response.content.decode())
    assert "Write “for example” instead of “e.g.”." in panel
    assert "Option 2:" in panel and "“safeguarding” is a hard word." in panel
    # Members who vote see the question, not the advice.
    url = response.redirect_chain[-1][0]
    assert advice(browser_for(cast["participant"]).get(url).content.decode()) == ""
