"""Build an easy-read summary, fix a point, pick its picture with the keyboard, sign it off."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_live_meeting_in_chromium import sign_in

LONG = (
    "We met at the Riverside Centre and talked about buses and day services and jobs "
    "and lots of other things."
)


def test_build_edit_pick_a_picture_and_sign_off(demo, new_context):
    forum, meeting = demo["forum"], demo["meeting"]
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, demo)

    page.goto(reverse("deliberation:console", args=[forum.slug, meeting.pk]))
    page.get_by_role("link", name="Build and check the summary").click()
    expect(page.get_by_text("Not built yet")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Build the summary").click()
    expect(page.get_by_text("The summary is built. Please check every point.")).to_be_visible()

    point = page.locator("li.summary-point").first
    point.locator("details.point-edit > summary").click()
    words = point.get_by_label("Words", exact=True)
    words.fill(LONG)
    # Advice as you type, beside the field; it never stops saving.
    expect(point.locator(".easyread-live").first).to_contain_text("Try to use 15 or fewer.")
    words.fill("We met at the Riverside Centre.")

    picker = point.locator("details.symbol-picker")
    picker.locator("summary").click()
    search = picker.get_by_label("Find a picture")
    search.fill("bus")
    bus = picker.get_by_role("radio", name="Getting about")
    expect(bus).to_be_visible()
    expect(picker.get_by_role("radio", name="Money")).to_be_hidden()
    # Choose it with the keyboard: Tab goes to the chosen picture (still shown), and the
    # arrow key moves to the next picture shown, the only other one.
    search.press("Tab")
    expect(picker.get_by_role("radio", name="Meetings")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(bus).to_be_checked()
    point.get_by_role("button", name="Save this point").click()

    expect(page.get_by_text("The point is saved.")).to_be_visible()
    first = page.locator("li.summary-point").first
    expect(first.locator(".point-text")).to_have_text("We met at the Riverside Centre.")
    expect(first.locator(".point-picture img")).to_have_attribute("alt", "Getting about")
    # The English changed and the Welsh did not: the Welsh needs a check (issue 13).
    expect(first.get_by_text("The Welsh needs a check.")).to_be_visible()
    assert axe_violations(page) == []
    # Check or keep the Welsh of every point that needs it, one at a time.
    keep = page.get_by_role("button", name="Keep the Welsh as it is")
    while keep.count():
        keep.first.click()
        expect(page.get_by_text("The Welsh of this point is done.")).to_be_visible()

    page.get_by_role("link", name=re.compile("^Sign off")).first.click()
    expect(page.get_by_role("heading", name="Sign off the summary")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("The person with lived experience who read it").select_option(
        label="Amira Khan"
    )
    # Each point with easy-read advice is confirmed on its own.
    advice = page.get_by_label(re.compile("has easy-read advice"))
    for n in range(advice.count()):
        advice.nth(n).check()
    page.get_by_label("They read every point, and they say it is clear.").check()
    page.get_by_label("What they said (you do not have to)").fill("It is clear. I like the bus.")
    page.get_by_role("button", name="Record the sign-off").click()

    expect(page.get_by_text("Amira Khan signed off the summary. Thank you.")).to_be_visible()
    expect(page.get_by_text("Signed off: ready to send").first).to_be_visible()
    assert axe_violations(page) == []
