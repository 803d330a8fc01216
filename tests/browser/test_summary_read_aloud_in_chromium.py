"""'Read this to me' on the easy-read summary page, in Chromium (issue 13).

The browser's speech synthesis is the browser's, not ours: the test records what the
page asks it to say (and lets it speak), then checks the order, words and language.
"""

import re

from django.urls import reverse
from playwright.sync_api import expect

from deliberation.models import Meeting, Poll, Summary
from deliberation.services.polls import poll_open
from tests.browser.conftest import axe_violations
from tests.browser.test_live_meeting_in_chromium import QUESTION, join_by_code

RECORD_SPEECH = """
window.__said = [];
if (window.speechSynthesis) {
  const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (u) => { window.__said.push([u.text, u.lang]); speak(u); };
}
"""


def test_a_member_has_the_summary_read_to_them_in_english_and_welsh(demo, new_context):
    summary = Summary.objects.get(meeting=Meeting.objects.get(forum=demo["forum"], status="closed"))
    points = list(summary.points.order_by("position"))
    context = new_context()
    context.add_init_script(RECORD_SPEECH)
    page = context.new_page()
    page.goto(reverse("deliberation:invite", args=[demo["members"]["Ben Price"].invite_token]))
    page.get_by_role("button", name=re.compile("this is me", re.I)).click()
    url = reverse("deliberation:summary", args=[demo["forum"].slug, summary.meeting_id])

    page.goto(url + "?lang=en")
    button = page.get_by_role("button", name="Read this to me")
    expect(button).to_be_visible()
    assert axe_violations(page) == []
    button.click()
    said = page.evaluate("window.__said")
    texts = [text for text, _lang in said]
    assert texts[0] == "What happened at our meeting"
    spoken = [t for t in texts if t in {p.text for p in points}]
    assert spoken == [p.text for p in points]  # every point, in order
    assert {lang for _text, lang in said} == {"en-GB"}
    expect(page.get_by_role("button", name="Stop reading")).to_be_visible()
    page.get_by_role("button", name="Stop reading").click()
    expect(page.get_by_role("button", name="Read this to me")).to_be_visible()

    page.goto(url + "?lang=cy")
    page.get_by_role("button", name="Darllen hwn i mi").click()
    said = page.evaluate("window.__said")
    assert {lang for _text, lang in said} == {"cy-GB"}
    assert points[2].text_cy in [text for text, _lang in said]


def test_the_phone_reads_its_question_in_the_phones_language(demo, new_context):
    poll_open(poll=Poll.objects.get(question=QUESTION))
    context = new_context()
    context.add_init_script(RECORD_SPEECH)
    phone = context.new_page()
    join_by_code(phone, demo, "Carys Morgan")
    expect(phone.get_by_role("heading", name=QUESTION)).to_be_visible()
    phone.get_by_role("button", name="Read this to me").click()
    [(text, lang)] = phone.evaluate("window.__said")
    assert QUESTION in text and lang == "en-GB"

    phone.get_by_role("button", name="Cymraeg").click()
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    phone.get_by_role("button", name="Darllen hwn i mi").click()
    [(text, lang)] = phone.evaluate("window.__said")
    assert QUESTION in text and lang == "cy-GB"
