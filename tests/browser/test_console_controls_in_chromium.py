"""The console in Chromium: labels tick their own boxes, closing the meeting is asked twice,
and a projector left open says the meeting has finished."""

import re

from django.urls import reverse

from tests import factories
from tests.browser.conftest import axe_violations


def _sign_in(page, account) -> None:
    page.goto(reverse("login"))
    page.get_by_label(re.compile("user ?name", re.I)).fill(account.username)
    page.get_by_label(re.compile("password", re.I)).fill("a-long-test-password")
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()


def test_a_label_in_a_votes_settings_ticks_that_votes_box(transactional_db, new_context):
    forum = factories.forum()
    account = factories.facilitator(forum)
    meeting = factories.open_meeting(forum)
    first = factories.poll(meeting, "yes_no", open_=False, question="Shall we meet monthly?")
    second = factories.poll(meeting, "yes_no", open_=False, question="Shall we have lunch?")
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(page, account)
    page.goto(reverse("deliberation:console", args=[forum.slug, meeting.pk]))

    card = page.locator(f"#poll-{second.pk}")
    card.get_by_text("Change settings").click()
    card.get_by_text("Hide results until the vote closes").click()

    def ticked(scope) -> bool:
        return scope.locator("input[name=results_hidden]").is_checked()

    assert ticked(card)
    assert not ticked(page.locator(f"#poll-{first.pk}"))
    assert not ticked(page.locator("details.new-poll"))
    # Saving it hides the results of that vote only.
    card.get_by_role("button", name="Save settings").click()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.results_hidden, second.results_hidden) == (False, True)
    assert axe_violations(page) == []
