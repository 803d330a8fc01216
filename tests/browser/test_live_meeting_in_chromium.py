"""A whole live meeting in Chromium: a facilitator, a projector and three phones."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

QUESTION = "Should day centres open on Saturdays?"


def sign_in(page, demo):
    page.goto(reverse("login"))
    page.get_by_label(re.compile("user ?name", re.I)).fill(demo["user"])
    page.get_by_label(re.compile("password", re.I)).fill(demo["password"])
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()


def join_by_code(page, demo, name):
    page.goto(reverse("deliberation:join"))
    page.get_by_role("textbox").first.fill(demo["meeting"].join_code.lower())
    page.get_by_role("button", name=re.compile("join|next|go", re.I)).first.click()
    page.get_by_role("button", name=re.compile(name)).click()
    expect(page).to_have_url(re.compile(reverse("deliberation:phone", args=[demo["meeting"].pk])))


def test_a_meeting_with_three_phones_and_a_projector(demo, new_context):
    meeting = demo["meeting"]
    console = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(console, demo)
    console.goto(reverse("deliberation:console", args=[demo["forum"].slug, meeting.pk]))
    expect(console.get_by_text(meeting.join_code).first).to_be_visible()

    projector = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    projector.goto(reverse("deliberation:projector", args=[meeting.projector_token]))
    expect(projector.locator(".join-code")).to_have_text(meeting.join_code)

    amira = new_context().new_page()
    join_by_code(amira, demo, "Amira Khan")
    femi = new_context().new_page()
    join_by_code(femi, demo, "Femi Adeyemi")
    hari = new_context().new_page()
    invite = demo["members"]["Hari Singh"].invite_token
    hari.goto(reverse("deliberation:invite", args=[invite]))
    hari.get_by_role("button", name=re.compile("this is me", re.I)).click()
    expect(hari).to_have_url(re.compile(reverse("deliberation:phone", args=[meeting.pk])))

    # The facilitator sees who is here, by group.
    console.reload()
    expect(console.get_by_text("Hari Singh").first).to_be_visible()

    card = console.locator("article.poll-card", has_text=QUESTION)
    card.get_by_role("button", name="Open this vote").click()

    # Every phone shows the question without being reloaded.
    choices = {amira: "Agree", femi: "Agree", hari: "Disagree"}
    for phone, choice in choices.items():
        expect(phone.get_by_role("heading", name=QUESTION)).to_be_visible()
        option = phone.locator("label.choice", has_text=re.compile(f"^{choice}$"))
        box = option.bounding_box()
        assert box and box["height"] >= 48 and box["width"] >= 48, box
        option.click()
        phone.get_by_role("button", name="Send my vote").click()
        expect(phone.get_by_text("Your vote is saved.").first).to_be_visible()

    expect(projector.get_by_text("People who voted: 3").first).to_be_visible()

    console.reload()
    console.locator("article.poll-card", has_text=QUESTION).get_by_role(
        "button", name="Close this vote"
    ).click()
    expect(projector.get_by_text("Passed").first).to_be_visible()
    # The parity count is the results' second part on the projector, a key press away.
    projector.keyboard.press("PageDown")
    expect(
        projector.get_by_text(re.compile("Each group counts the same", re.I)).first
    ).to_be_visible()
    for phone in choices:
        expect(phone.get_by_text("Passed").first).to_be_visible()

    card = console.locator("article.poll-card", has_text=QUESTION)
    card.get_by_label(re.compile("what (did we|we) decide", re.I)).first.fill(
        "We will ask the day centres to open on Saturdays."
    )
    card.get_by_role("button", name="Record the decision").click()
    expect(
        console.get_by_text("We will ask the day centres to open on Saturdays.").first
    ).to_be_visible()

    for page in (console, projector, amira):
        assert axe_violations(page) == [], page.url


def test_voting_works_with_javascript_off(demo, new_context):
    from deliberation.models import Ballot, Poll
    from deliberation.services.polls import poll_open

    poll = Poll.objects.get(question=QUESTION)
    poll_open(poll=poll)
    phone = new_context(java_script_enabled=False).new_page()
    join_by_code(phone, demo, "Dev Patel")
    expect(phone.get_by_role("heading", name=QUESTION)).to_be_visible()
    phone.locator("label.choice").get_by_text("Not sure", exact=True).click()
    phone.get_by_role("button", name="Send my vote").click()

    expect(phone.get_by_text("Your vote is saved.").first).to_be_visible()
    ballot = Ballot.objects.get(poll=poll)
    assert (ballot.member.name, ballot.answer) == ("Dev Patel", {"choice": "not_sure"})
    # The "Read this to me" button needs JavaScript, so it is not offered without it.
    assert phone.get_by_role("button", name=re.compile("read this to me", re.I)).count() == 0


def test_the_phone_speaks_welsh(demo, new_context):
    phone = new_context().new_page()
    join_by_code(phone, demo, "Carys Morgan")
    phone.get_by_role("button", name="Cymraeg").click()
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    assert axe_violations(phone) == []
