"""A phone page closed because its person opened newer screens says so and stays closed."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_live_meeting_in_chromium import join_by_code


def test_the_oldest_screen_stops_and_does_not_reconnect(demo, new_context):
    context = new_context()
    first = context.new_page()
    sockets = []
    first.on("websocket", lambda ws: sockets.append(ws))
    join_by_code(first, demo, "Amira Khan")
    expect(first.locator("#live-status")).to_be_attached()
    first.wait_for_timeout(500)
    assert len(sockets) == 1

    # Five more tabs of the same person (the same session): the first one is closed.
    others = []
    for _ in range(5):
        page = context.new_page()
        page.goto(reverse("deliberation:phone", args=[demo["meeting"].pk]))
        others.append(page)

    expect(first.get_by_text(re.compile("open on another screen of yours"))).to_be_visible()
    expect(first.get_by_role("link", name="Reload")).to_be_visible()
    first.wait_for_timeout(3000)
    assert len(sockets) == 1  # no reconnecting in a loop
    for page in others:
        expect(page.get_by_text(re.compile("open on another screen"))).to_have_count(0)
