"""The console in Chromium: labels tick their own boxes, closing the meeting is asked twice,
and a projector left open says the meeting has finished."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from deliberation.services import polls as poll_services
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
    card.get_by_text("When the vote closes").click()

    def ticked(scope) -> bool:
        return scope.locator("input[name=results_shown][value=closed]").is_checked()

    assert ticked(card)
    assert not ticked(page.locator(f"#poll-{first.pk}"))
    assert not ticked(page.locator("details.new-poll"))
    # Saving it hides the results of that vote only.
    card.get_by_role("button", name="Save settings").click()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.results_shown, second.results_shown) == ("live", "closed")
    assert axe_violations(page) == []


def test_a_projector_left_open_says_the_meeting_has_finished(transactional_db, new_context):
    forum = factories.forum()
    account = factories.facilitator(forum)
    meeting = factories.open_meeting(forum)
    people = [factories.member(forum, "staff") for _ in range(2)]
    for person in people:
        factories.join(meeting, person)
    poll = factories.poll(
        meeting, "yes_no", question="Shall we meet monthly?", agenda_item=meeting.current_item
    )
    factories.cast(poll, people[0], {"choice": "yes"})
    poll_services.poll_close(poll=poll)
    projector = new_context(viewport={"width": 1280, "height": 720}).new_page()
    projector.goto(reverse("deliberation:projector", args=[meeting.projector_token]))
    stage = projector.locator("#stage-poll")
    expect(stage).to_contain_text("Shall we meet monthly?")
    expect(projector.get_by_text(meeting.join_code)).to_be_visible()
    projector.wait_for_function(
        """async () => (await import("/static/coprod/state.mjs")).current.state !== null"""
    )

    # The facilitator closes the meeting from the console, asked once more first.
    console = new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(console, account)
    console.goto(reverse("deliberation:console", args=[forum.slug, meeting.pk]))
    console.get_by_role("button", name="Close the meeting").click()
    expect(console.get_by_role("heading", name="Close the meeting?")).to_be_visible()
    assert axe_violations(console) == []
    console.get_by_role("button", name="Yes, close the meeting").click()
    expect(console.get_by_role("button", name="Reopen the meeting")).to_be_visible()

    # The projector, still open, says so at once: no last results, no join code.
    expect(stage).to_contain_text("This meeting has finished.")
    expect(stage).not_to_contain_text("Shall we meet monthly?")
    expect(stage.locator("img.sym").first).to_be_visible()
    expect(projector.get_by_text(meeting.join_code)).to_be_hidden()
    expect(projector.locator(".qr")).to_be_hidden()
    assert axe_violations(projector) == []

    # Closed by mistake: reopened, the projector shows how to join again.
    console.get_by_role("button", name="Reopen the meeting").click()
    expect(projector.get_by_text(meeting.join_code)).to_be_visible()
    expect(stage).not_to_contain_text("This meeting has finished.")
