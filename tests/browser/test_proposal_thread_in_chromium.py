"""A proposal thread in Chromium: propose with a photo and a symbol, comment, endorse,
shortlist, put on a meeting's agenda, vote, and see the outcome on the timeline."""

import io
import re
import uuid

from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

TITLE = "Benches at the bus stop"


def sign_in(page, demo):
    page.goto(reverse("login"))
    page.get_by_label(re.compile("user ?name", re.I)).fill(demo["user"])
    page.get_by_label(re.compile("password", re.I)).fill(demo["password"])
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()


def open_invite(page, member):
    url = reverse("deliberation:invite", args=[member.invite_token])
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.get_by_role("button", name=re.compile("My home")).click()
    expect(page.get_by_role("heading", name="My home")).to_be_visible()
    page.get_by_role("link", name="Ideas", exact=True).click()
    expect(page.get_by_role("heading", name="Ideas between meetings")).to_be_visible()


def photo_bytes():
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 28.0, 40.0)}
    Image.new("RGB", (120, 80), (20, 120, 200)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_whole_proposal_thread(demo, new_context):
    from deliberation.models import Proposal, ProposalPhoto
    from deliberation.services import ballots as ballot_services
    from deliberation.services.meetings import attendance_join

    forum = demo["forum"]
    amira = new_context().new_page()
    open_invite(amira, demo["members"]["Amira Khan"])
    assert axe_violations(amira) == [], "list"

    amira.get_by_role("link", name="Share an idea").first.click()
    amira.get_by_label("Title").fill(TITLE)
    amira.get_by_label("What is your idea?").fill("Older people need to sit down. We want benches.")
    symbol = amira.locator("label.symbol-choice", has_text="Getting about")
    box = symbol.bounding_box()
    assert box and box["height"] >= 48 and box["width"] >= 48, box
    symbol.click()
    editor = amira.get_by_label(re.compile("Tell us more"))
    editor.fill("The stop on **High Street** has no bench.")
    # The markdownx live preview, rendered by the server through the sanitiser.
    expect(amira.locator(".markdownx-preview strong")).to_have_text("High Street")
    amira.get_by_label(re.compile("Add a photo")).set_input_files(
        {"name": "stop.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    )
    amira.get_by_label("What does the photo show?").fill("The bus stop without a bench")
    assert axe_violations(amira) == [], "form"
    amira.get_by_role("button", name="Share my idea").click()
    expect(amira.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(amira.get_by_role("img", name="The bus stop without a bench")).to_be_visible()
    proposal = Proposal.objects.get(title=TITLE)
    with ProposalPhoto.objects.get(proposal=proposal).image.open("rb") as stored:
        assert Image.open(stored).getexif() == {}

    ben = new_context(java_script_enabled=False).new_page()
    open_invite(ben, demo["members"]["Ben Price"])
    ben.get_by_role("link", name=TITLE).click()
    ben.get_by_role("button", name="I support this").click()
    expect(ben.get_by_text("You support this.")).to_be_visible()
    ben.get_by_label("Write a comment").fill("Yes, my legs get tired.")
    ben.get_by_role("button", name="Send my comment").click()
    expect(ben.get_by_text("Yes, my legs get tired.")).to_be_visible()
    expect(ben.locator(".people-counts")).to_contain_text("People with lived experience: 1")
    # axe needs JavaScript, so the page Ben saw without it is checked in Amira's browser.
    amira.goto(reverse("deliberation:proposal", args=[forum.slug, proposal.pk]))
    expect(amira.get_by_text("Yes, my legs get tired.")).to_be_visible()
    assert axe_violations(amira) == [], "detail"

    lead = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(lead, demo)
    lead.goto(reverse("deliberation:proposal", args=[forum.slug, proposal.pk]))
    lead.get_by_text("Move this idea on").click()
    lead.get_by_label("On the shortlist").check()
    lead.get_by_label(re.compile("Why\\? This is shown")).fill("People from every group want it.")
    lead.get_by_role("button", name="Move it on").click()
    expect(lead.locator(".status-badge").first).to_have_text("On the shortlist")

    lead.get_by_role("link", name="Put on an agenda").click()
    lead.get_by_label(TITLE).check()
    lead.get_by_label("A cafe at the day centre").check()
    lead.get_by_label(re.compile("Dots: spread your dots")).check()
    lead.get_by_label("Question").fill("Which idea first?")
    assert axe_violations(lead) == [], "schedule"
    lead.get_by_role("button", name="Put them on the agenda").click()
    card = lead.locator("article.poll-card", has_text="Which idea first?")
    expect(card).to_be_visible()
    card.get_by_role("button", name="Open this vote").click()

    # Two people vote in the room (the live phone flow is covered by the meeting test).
    poll = proposal.poll_links.get().poll
    option = proposal.poll_links.get().option
    for name in ("Dev Patel", "Gwen Lloyd"):
        voter = demo["members"][name]
        attendance_join(meeting=poll.meeting, member=voter, via="invite", device_token=name)
        ballot_services.ballot_cast(
            poll=poll, voter=voter, answer={"dots": {option.key: 3}}, client_id=uuid.uuid4()
        )
    lead.reload()
    lead.locator("article.poll-card", has_text="Which idea first?").get_by_role(
        "button", name="Close this vote"
    ).click()

    amira.goto(reverse("deliberation:proposal", args=[forum.slug, proposal.pk]))
    expect(amira.locator(".status-badge").first).to_have_text("Voted on")
    timeline = amira.locator("#timeline")
    expect(timeline).to_contain_text("This idea came first.")
    expect(timeline).to_contain_text("People from every group want it.")
    assert axe_violations(amira) == [], "timeline"
