"""The guides in Chromium: axe finds nothing at phone and laptop widths, in both languages."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", ["participant", "facilitator"])
def test_a_guide_reads_well_at_phone_and_laptop_widths(demo, new_context, name, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(reverse(f"deliberation:{name}_guide"))
    expect(page.locator("h1")).to_be_visible()
    assert axe_violations(page) == []
    # Nothing wider than the screen, and each point's picture beside its words.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    points = page.locator(".guide-points > li")
    assert points.count() >= 10
    for i in range(points.count()):
        picture = points.nth(i).locator(":scope > img.sym").bounding_box()
        words = points.nth(i).locator(":scope > p").bounding_box()
        assert picture is not None and words is not None
        assert picture["x"] + picture["width"] <= words["x"]  # beside, not above
        assert words["y"] < picture["y"] + picture["height"]

    page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert axe_violations(page) == []


def test_the_phone_and_join_pages_link_the_participant_guide(demo, new_context):
    page = new_context().new_page()
    page.goto(reverse("deliberation:join"))
    page.get_by_role("link", name="How to use coprod").click()
    expect(page.locator("h1")).to_have_text(re.compile("How to use coprod in a meeting"))
    page.goto(reverse("deliberation:invite", args=[demo["members"]["Amira Khan"].invite_token]))
    page.get_by_role("button", name=re.compile("this is me", re.I)).click()
    page.get_by_role("link", name="How to use coprod").click()
    expect(page).to_have_url(re.compile(reverse("deliberation:participant_guide") + "$"))


def test_the_console_and_forum_pages_link_the_facilitators_guide(demo, new_context):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(reverse("login"))
    page.get_by_label(re.compile("user ?name", re.I)).fill(demo["user"])
    page.get_by_label(re.compile("password", re.I)).fill(demo["password"])
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    page.goto(reverse("deliberation:console", args=[demo["forum"].slug, demo["meeting"].pk]))
    page.get_by_role("link", name="Facilitator's guide").click()
    expect(page.locator("h1")).to_have_text(re.compile("Facilitator's guide"))
    page.goto(reverse("deliberation:forum", args=[demo["forum"].slug]))
    page.get_by_role("link", name="Facilitator's guide").click()
    expect(page).to_have_url(re.compile(reverse("deliberation:facilitator_guide") + "$"))
