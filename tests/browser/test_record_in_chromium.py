"""The record in Chromium: last time on the projector, the decision log, actions, codes."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_live_meeting_in_chromium import join_by_code, sign_in

BUS_STOP = "We want a bus stop next to the day centre."


def test_last_time_on_the_projector_and_a_check_back_vote(demo, new_context):
    meeting = demo["meeting"]
    console = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(console, demo)
    console.goto(reverse("deliberation:console", args=[demo["forum"].slug, meeting.pk]))
    recap = console.locator("#recap")
    expect(recap.get_by_role("heading", name="Last time we decided")).to_be_visible()

    projector = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    projector.goto(reverse("deliberation:projector", args=[meeting.projector_token]))
    expect(projector.locator(".join-code")).to_have_text(meeting.join_code)

    recap.get_by_role("button", name="Show this on the projector").click()
    # The projector follows without being reloaded.
    expect(projector.get_by_text(BUS_STOP)).to_be_visible()
    expect(projector.get_by_text("Here is what happened:").first).to_be_visible()
    expect(projector.get_by_text("Late").first).to_be_visible()
    assert axe_violations(projector) == []

    console.locator("#recap li", has_text=BUS_STOP).get_by_role(
        "button", name=re.compile("is this what we agreed", re.I)
    ).click()
    card = console.locator("article.poll-card", has_text="Is this what we agreed?")
    card.get_by_role("button", name="Open this vote").click()
    expect(
        projector.get_by_role("heading", name=re.compile("Is this what we agreed"))
    ).to_be_visible()
    assert axe_violations(console) == []


def test_the_decision_log_its_pages_and_an_owner_adding_news(demo, new_context):
    forum = demo["forum"]
    lead = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(lead, demo)
    lead.goto(reverse("deliberation:decision_log", args=[forum.slug]))
    expect(lead.get_by_role("heading", name="What we decided", level=1)).to_be_visible()
    assert axe_violations(lead) == []
    lead.get_by_role("link", name=BUS_STOP).click()
    expect(lead.get_by_role("heading", name="Who was there")).to_be_visible()
    assert axe_violations(lead) == []

    # Hari, the owner of an action, opens his personal link on his phone.
    hari = new_context().new_page()
    hari.goto(reverse("deliberation:invite", args=[demo["members"]["Hari Singh"].invite_token]))
    hari.get_by_role("button", name=re.compile("this is me", re.I)).click()
    hari.get_by_role("link", name="What we decided").click()
    expect(hari.get_by_role("heading", name="What we decided", level=1)).to_be_visible()
    assert axe_violations(hari) == []
    hari.get_by_role("link", name=BUS_STOP).click()
    hari.get_by_role("link", name=re.compile("add some", re.I)).first.click()
    assert axe_violations(hari) == []
    hari.get_by_label("What happened?").fill("The county council said yes.")
    hari.get_by_label("Where is it now?").select_option(label="Done")
    hari.get_by_label("What helped?").fill("Everyone wrote a letter.")
    hari.get_by_role("button", name="Save the news").click()
    expect(hari.get_by_text("Thank you. The news is saved.")).to_be_visible()
    expect(hari.get_by_text("The county council said yes.")).to_be_visible()


def test_a_phone_sees_its_vote_codes(demo, new_context):
    from deliberation.models import Poll
    from deliberation.services.polls import poll_close, poll_open

    poll = Poll.objects.get(question="Should day centres open on Saturdays?")
    poll_open(poll=poll)
    phone = new_context().new_page()
    join_by_code(phone, demo, "Carys Morgan")
    phone.locator("label.choice").get_by_text("Agree", exact=True).click()
    phone.get_by_role("button", name="Send my vote").click()
    expect(phone.get_by_text("Your vote is saved.").first).to_be_visible()
    poll_close(poll=poll)
    phone.get_by_role("link", name="My vote codes").click()
    expect(phone.get_by_text("Counted: your vote is in the sealed count.")).to_be_visible()
    assert axe_violations(phone) == []
