"""The people lists the console draws live are the lists the server draws on the page."""

import re
import uuid

from django.urls import reverse

from deliberation.services import meetings as meeting_services
from tests import factories

# The people lists as the server sends them (read again from the page's address) and
# as console.mjs drew them from the snapshot, each with insignificant spaces removed.
DRAW_BOTH = """async () => {
  const { current } = await import("/static/coprod/state.mjs");
  for (let i = 0; i < 100 && current.state === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));  // the snapshot is on its way
  }
  const norm = (html) => html.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, "")
    .replace(/>\\s+</g, "><").replace(/\\s+/g, " ").replace(/ </g, "<").replace(/> /g, ">");
  const html = await (await fetch(location.href)).text();
  const sent = new DOMParser().parseFromString(html, "text/html");
  return ["console-waiting", "console-present"].map((id) => [
    norm(sent.getElementById(id).innerHTML), norm(document.getElementById(id).innerHTML)
  ]);
}"""


def test_the_people_drawn_live_are_the_pages_own(transactional_db, new_context):
    forum = factories.forum()
    account = factories.facilitator(forum)
    meeting = factories.open_meeting(forum)
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(reverse("login"))
    page.get_by_label(re.compile("user ?name", re.I)).fill(account.username)
    page.get_by_label(re.compile("password", re.I)).fill("a-long-test-password")
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    url = reverse("deliberation:console", args=[forum.slug, meeting.pk])

    def draw_both():
        page.goto(url)
        return page.evaluate(DRAW_BOTH)

    drawn = {"nobody": draw_both()}
    people = factories.people(forum, meeting)
    needs = factories.member(forum, "lived_experience", name="Nia Evans",
                             communication_needs=["easy_read", "welsh"])  # fmt: skip
    factories.join(meeting, needs)
    meeting_services.guest_request(
        meeting=meeting, name="Guest Gwen", constituency="staff", device_token=uuid.uuid4().hex
    )
    meeting_services.attendance_claim(
        meeting=meeting, member=people["staff"][0], device_token=uuid.uuid4().hex
    )
    drawn["everyone"] = draw_both()

    for moment, parts in drawn.items():
        for server, browser in parts:
            assert browser == server, moment
    nobody, everyone = (" ".join(s for s, _ in parts) for parts in drawn.values())
    assert "Nobody has joined yet." in nobody
    for words in ("Guest Gwen", "Let in", "Another phone asks for this name", "Nia Evans",
                  'class="need"', "Supporter", "Let this person join again"):  # fmt: skip
        assert words in everyone, words
