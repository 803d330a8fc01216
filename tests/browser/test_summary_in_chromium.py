"""The easy-read summary in Chromium: a member reads and prints it; a facilitator sends it."""

import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from deliberation.models import Meeting, Summary
from tests.browser.conftest import axe_violations
from tests.browser.test_live_meeting_in_chromium import sign_in
from tests.worker import run_worker

PT_16_IN_PX = 16 * 96 / 72  # 21.33px


def _summary(demo):
    last_time = Meeting.objects.get(forum=demo["forum"], status="closed")
    return Summary.objects.get(meeting=last_time)


def test_a_member_reads_the_summary_and_prints_it_large_enough(demo, new_context):
    summary = _summary(demo)
    forum = demo["forum"]
    page = new_context().new_page()
    page.goto(reverse("deliberation:invite", args=[demo["members"]["Ben Price"].invite_token]))
    page.get_by_role("button", name=re.compile("this is me", re.I)).click()
    page.goto(reverse("deliberation:summary", args=[forum.slug, summary.meeting_id]))
    expect(page.get_by_role("heading", name="What happened at our meeting")).to_be_visible()
    points = page.locator("li.point")
    expect(points).to_have_count(summary.points.count())
    # Every point has its picture on the left of its words.
    for i in range(points.count()):
        picture = points.nth(i).locator("img.point-picture").bounding_box()
        words = points.nth(i).locator(".point-words").bounding_box()
        assert picture and words and picture["x"] + picture["width"] <= words["x"]
    assert axe_violations(page) == []

    page.emulate_media(media="print")
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    words = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.point-words')).fontSize)"
    )
    assert size >= PT_16_IN_PX - 0.01, size
    assert words >= PT_16_IN_PX - 0.01, words
    line = page.evaluate("getComputedStyle(document.querySelector('.easyread-summary')).lineHeight")
    assert abs(float(line.removesuffix("px")) / size - 1.5) < 0.01, line
    # In print, the site's header and the page's tools are gone; the summary stays.
    expect(page.locator(".summary-tools")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    assert axe_violations(page) == []


def test_a_facilitator_sends_the_signed_off_summary(demo, new_context):
    summary = _summary(demo)
    forum = demo["forum"]
    # Signed off here directly, its Welsh checked (the review is tested on its own).
    summary.points.update(welsh_status="checked")
    summary.signed_off_by = demo["members"]["Amira Khan"]
    summary.signed_off_at = timezone.now()
    summary.save()
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, demo)
    page.goto(reverse("deliberation:summary_send", args=[forum.slug, summary.meeting_id]))
    expect(page.get_by_role("heading", name="Send the easy-read summary")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Iris Taylor"))).to_contain_text(
        "not said yes to email"
    )
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send the summary").click()
    expect(page.get_by_text(re.compile(r"Sending to \d+ people now\."))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Sending… 0 of \d+ done\."))).to_be_visible()
    run_worker()  # the background worker sends it; the page shows it when reloaded
    page.get_by_role("button", name="Show how far it got").click()
    expect(page.get_by_text(re.compile(r"Finished: (\d+) of \1 done\."))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Dev Patel"))).to_contain_text(
        "In the pack to print and post"
    )
    expect(page.get_by_role("link", name=re.compile("pack to print and post"))).to_be_visible()
    assert axe_violations(page) == []
