"""The new parts of an idea's pages in Chromium at 360 px: sort and search, earlier
versions, taking back support, telling a facilitator about a comment (by keyboard), the
facilitators' list of comments to check, and the preview that keeps a photo. Each page
is axe-clean and its new controls are big targets."""

import io
import re

from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, settle
from tests.browser.test_proposal_thread_in_chromium import open_invite

SMALL = {"width": 360, "height": 740}


def big_enough(locator):
    box = locator.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, box


def fits(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= SMALL["width"], width


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_the_new_parts_of_the_idea_pages(demo, new_context):
    from deliberation.models import CommentReport, Proposal
    from deliberation.services import comments as comment_services
    from deliberation.services import proposals as services

    forum = demo["forum"]
    members = demo["members"]
    amira, ben = members["Amira Khan"], members["Ben Price"]
    idea = services.proposal_create(
        forum=forum,
        author=amira,
        title="Gardens at the day centre",
        summary="We want to grow flowers.",
        symbol="place",
    )
    services.proposal_edit(
        proposal=idea,
        editor=amira,
        title="A garden at the day centre",
        summary="We want to grow flowers and food.",
        symbol="place",
        body="",
    )
    comment = comment_services.comment_add(
        proposal=idea, author=amira, body="Only silly people want a cafe."
    )

    # Ben, on a small phone, by keyboard. (Without JavaScript the same forms work: the
    # Django tests post them; axe needs scripts to run, so this page has them.)
    page = new_context(viewport=SMALL).new_page()
    open_invite(page, ben)
    page.get_by_label("Search").fill("gardens")
    page.get_by_label("Show first").select_option("supported")
    page.get_by_role("button", name="Show ideas").click()
    expect(page.get_by_role("link", name="A garden at the day centre")).to_be_visible()
    settle(page)
    fits(page)
    assert axe_violations(page) == [], "list, searched and sorted"

    page.get_by_role("link", name="A garden at the day centre").click()
    versions = page.locator("#versions summary")
    expect(versions).to_have_text(re.compile("Changed 1 time"))
    big_enough(versions)
    versions.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#versions").get_by_text("Gardens at the day centre")).to_be_visible()

    page.get_by_role("button", name="I support this").click()
    take_back = page.get_by_role("button", name="I do not support this now")
    big_enough(take_back)
    settle(page)
    fits(page)
    assert axe_violations(page) == [], "idea page, supported, versions open"
    take_back.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("You do not support this idea now.")).to_be_visible()
    expect(page.get_by_text("0 people support this.")).to_be_visible()

    tell = page.get_by_role("link", name=re.compile("Tell a facilitator"))
    big_enough(tell)
    tell.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Tell a facilitator about a comment")).to_be_visible()
    settle(page)
    fits(page)
    assert axe_violations(page) == [], "report form"
    page.get_by_label(re.compile("What is wrong")).fill("It is unkind.")
    page.get_by_role("button", name="Tell the facilitators").click()
    expect(page.get_by_text("You told the facilitators about this.")).to_be_visible()
    assert CommentReport.objects.filter(comment=comment, reporter=ben).exists()

    # The preview keeps the chosen photo.
    page.get_by_role("link", name="Share an idea").first.click()
    page.get_by_label("Title").fill("Seats in the garden")
    page.get_by_label("What is your idea?").fill("We want to sit outside.")
    page.locator("label.symbol-choice", has_text="Places").click()
    page.get_by_label(re.compile("Add a photo")).set_input_files(
        {"name": "seat.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_label("What does the photo show?").fill("A bench in the sun")
    page.get_by_role("button", name="Show a preview").click()
    expect(page.get_by_text("Your photo is kept.")).to_be_visible()
    settle(page)
    fits(page)
    assert axe_violations(page) == [], "form after preview"
    page.get_by_role("button", name="Share my idea").click()
    expect(page.get_by_role("heading", name="Seats in the garden")).to_be_visible()
    assert Proposal.objects.get(title="Seats in the garden").photos.count() == 1

    # A facilitator, signed in, on a small phone with JavaScript.
    lead = new_context(viewport=SMALL).new_page()
    lead.goto(reverse("login"))
    lead.get_by_label(re.compile("user ?name", re.I)).fill(demo["user"])
    lead.get_by_label(re.compile("password", re.I)).fill(demo["password"])
    lead.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    lead.goto(reverse("deliberation:reports", args=[forum.slug]))
    expect(lead.get_by_text("Only silly people want a cafe.")).to_be_visible()
    expect(lead.get_by_text("It is unkind.")).to_be_visible()
    expect(lead.get_by_text("Ben Price")).to_have_count(0)
    settle(lead)
    fits(lead)
    assert axe_violations(lead) == [], "comments to check"
    leave = lead.get_by_role("button", name=re.compile("Leave it as it is"))
    big_enough(leave)
    leave.click()
    expect(lead.get_by_text("Nothing to check.")).to_be_visible()
    assert CommentReport.objects.get(comment=comment).outcome == "dismissed"
