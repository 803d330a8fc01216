"""The Content-Security-Policy breaks nothing: no violation on the main pages in Chromium."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_live_meeting_in_chromium import join_by_code, sign_in

# Injected by the browser driver (not by the page), so the policy does not apply to it.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


def watched(context):
    context.add_init_script(LISTEN)
    page = context.new_page()
    messages = []
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.csp_console = messages
    return page


def violations(page):
    return page.evaluate("window.__csp") + page.csp_console


def test_main_pages_run_under_the_policy_without_violations(demo, new_context):
    meeting, forum = demo["meeting"], demo["forum"]
    console = watched(new_context(viewport={"width": 1280, "height": 900}))
    sign_in(console, demo)
    for url in (
        reverse("deliberation:forum", args=[forum.slug]),
        reverse("deliberation:cards", args=[forum.slug]),
        reverse("deliberation:proposals", args=[forum.slug]),
        reverse("deliberation:console", args=[forum.slug, meeting.pk]),
    ):
        console.goto(url)
        console.wait_for_load_state("networkidle")
        assert violations(console) == [], url
    # The print button is shown by a static script now, not an inline one.
    console.goto(reverse("deliberation:cards", args=[forum.slug]))
    expect(console.get_by_role("button", name="Print")).to_be_visible()

    projector = watched(new_context(viewport={"width": 1920, "height": 1080}))
    projector.goto(reverse("deliberation:projector", args=[meeting.projector_token]))
    expect(projector.locator(".join-code")).to_have_text(meeting.join_code)

    phone = watched(new_context())
    join_by_code(phone, demo, "Amira Khan")
    console.goto(reverse("deliberation:console", args=[forum.slug, meeting.pk]))
    console.get_by_role("button", name="Open this vote").first.click()
    # The live parts work: the phone's websocket brings the question without a reload.
    expect(phone.locator("label.choice").first).to_be_visible()
    phone.wait_for_load_state("networkidle")
    for page in (console, projector, phone):
        assert violations(page) == [], page.url
