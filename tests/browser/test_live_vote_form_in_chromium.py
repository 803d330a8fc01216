"""The vote form a phone draws live is the form the server draws on the page."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from deliberation.models import Role
from deliberation.services import polls as poll_services
from tests import factories

# The question area as the server drew it, then drawn again by phone.mjs from the state.
DRAW_AGAIN = """async () => {
  const { current } = await import("/static/coprod/state.mjs");
  for (let i = 0; i < 100 && current.state === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));  // the snapshot is on its way
  }
  const { renderPhone } = await import("/static/coprod/phone.mjs");
  const norm = (html) => html.replace(/name="client_id" value="[^"]*"/, 'name="client_id"')
    .replace(/>\\s+</g, "><").replace(/\\s+/g, " ").replace(/ </g, "<").replace(/> /g, ">");
  const area = document.getElementById("question-area");
  const server = norm(area.innerHTML);
  area.setAttribute("data-view-key", "drawn by the server");
  renderPhone();
  return [server, norm(area.innerHTML), current.state.polls.length];
}"""


def test_the_vote_form_drawn_live_is_the_pages_own(transactional_db, new_context):
    forum = factories.forum()
    meeting = factories.open_meeting(forum)
    supported = factories.member(forum, "lived_experience", name="Amira Khan")
    supporter = factories.member(
        forum, "staff", name="Sam Jones", role=Role.SUPPORTER, supports=[supported]
    )
    phone = new_context().new_page()
    phone.goto(reverse("deliberation:invite", args=[supporter.invite_token]))
    phone.get_by_role("button", name=re.compile("this is me", re.I)).click()
    expect(phone).to_have_url(re.compile(reverse("deliberation:phone", args=[meeting.pk])))

    drawn = {}
    for method, settings, answer in [
        ("traffic_light", {}, None),
        ("consent", {}, {"choice": "objection", "reason": "Too far <away> & late"}),
        ("yes_no", {"secret": True}, None),
        ("dots", {}, {"dots": {0: 2, 2: 1}}),
        ("ranked", {}, {"ranking": [1, 0]}),
        ("score", {}, {"scores": {0: 4, 1: 0, 2: 5}}),
    ]:
        poll = factories.poll(meeting, method, question=f"A {method} question?", **settings)
        keys = [o.key for o in poll.options.all()]
        if answer and "dots" in answer:
            answer = {"dots": {keys[i]: n for i, n in answer["dots"].items()}}
        elif answer and "ranking" in answer:
            answer = {"ranking": [keys[i] for i in answer["ranking"]]}
        elif answer and "scores" in answer:
            answer = {"scores": {keys[i]: n for i, n in answer["scores"].items()}}
        if answer:
            factories.cast(poll, supporter, answer)
        phone.goto(reverse("deliberation:phone", args=[meeting.pk]))
        expect(phone.get_by_role("heading", name=poll.question)).to_be_visible()
        drawn[method] = phone.evaluate(DRAW_AGAIN)
        poll_services.poll_close(poll=poll)

    for method, (server, browser, _) in drawn.items():
        assert browser == server, method
    every = " ".join(server for server, _, _ in drawn.values())
    # What was compared: each method's fields, the answer already given, whose vote it is.
    for words in ('value="objection" required="" checked=""', "Too far &lt;away&gt; &amp; late",
                  'selected="">2nd<', 'value="5" required="" checked=""', "Your answer:",
                  "This vote is secret", "With Amira Khan", 'name="dots_'):  # fmt: skip
        assert words in every, words
