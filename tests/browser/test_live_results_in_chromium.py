"""The results the browser draws live are the results the server draws on the page."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from deliberation.services import polls as poll_services
from tests import factories

# The console's results boxes (server-rendered), and the same polls drawn by results.mjs
# from the snapshot the console holds, each as markup with insignificant spaces removed.
DRAW_BOTH = """async () => {
  const { current } = await import("/static/coprod/state.mjs");
  for (let i = 0; i < 100 && current.state === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));  // the snapshot is on its way
  }
  const { buildResults } = await import("/static/coprod/results.mjs");
  const norm = (html) => html.replace(/>\\s+</g, "><").replace(/\\s+/g, " ")
    .replace(/;"/g, '"').replace(/ </g, "<").replace(/> /g, ">");
  const pairs = {};
  for (const box of document.querySelectorAll("[data-live-results]")) {
    const poll = current.state.polls.find((p) => String(p.id) === box.dataset.liveResults);
    pairs[poll.question] = [
      norm(box.querySelector(".results").outerHTML), norm(buildResults(poll, true).outerHTML)
    ];
  }
  return pairs;
}"""


def test_live_results_are_drawn_as_the_server_draws_them(transactional_db, new_context):
    forum = factories.forum()
    account = factories.facilitator(forum)
    meeting = factories.open_meeting(forum)
    people = factories.people(forum, meeting)
    everyone = people["lived_experience"] + people["staff"] + people["commissioner"]

    ranked = factories.poll(meeting, "ranked", question="Which first?")
    orders = [["Buses", "Jobs"], ["Jobs", "Buses"], ["Day centres", "Jobs"]]
    keys = {o.label: o.key for o in ranked.options.all()}
    for i, person in enumerate(everyone):
        factories.cast(ranked, person, {"ranking": [keys[k] for k in orders[i % 3]]})
    poll_services.poll_close(poll=ranked)

    consent = factories.poll(meeting, "consent", question="Can we live with it?")
    for person, choice in zip(
        everyone, ["consent", "objection", "concern", "consent"], strict=False
    ):
        answer = {"choice": choice}
        if choice == "objection":
            answer["reason"] = "The bus does not stop near my house."
        factories.cast(consent, person, answer)
    poll_services.poll_close(poll=consent)

    secret = factories.poll(meeting, "yes_no", question="Secret and small?", secret=True)
    for person, choice in zip(
        people["lived_experience"] + people["staff"][:1], "yyny", strict=True
    ):
        factories.cast(secret, person, {"choice": {"y": "yes", "n": "no"}[choice]})
    poll_services.poll_close(poll=secret)

    factories.poll(meeting, "score", question="Nobody yet?", open_=False)
    running = factories.poll(meeting, "traffic_light", question="So far?")
    for person, choice in zip(
        everyone, ["agree", "agree", "not_sure", "disagree", "agree"], strict=False
    ):
        factories.cast(running, person, {"choice": choice})

    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(reverse("login"))
    page.get_by_label(re.compile("user ?name", re.I)).fill(account.username)
    page.get_by_label(re.compile("password", re.I)).fill("a-long-test-password")
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    pairs = draw_both(page, forum, meeting)

    # One vote is open at a time: then a vote whose results are hidden until it closes.
    poll_services.poll_close(poll=running)
    hidden = factories.poll(meeting, "dots", question="Hidden for now?", results_shown="closed")
    factories.cast(hidden, everyone[0], {"dots": {hidden.options.first().key: 2}})
    pairs["Hidden for now?"] = draw_both(page, forum, meeting)["Hidden for now?"]

    assert set(pairs) == {
        "Which first?", "Can we live with it?", "Secret and small?", "So far?", "Hidden for now?"
    }  # fmt: skip
    for question, (server, browser) in pairs.items():
        assert browser == server, question
    # The rich parts were there to compare: rounds, objections, a group kept apart.
    server_markup = " ".join(server for server, _ in pairs.values())
    for words in ("Round 2", "Out: ", "Why people object", "Fewer than 3 people", "Winner:",
                  "Results will show when the vote closes", "Results so far"):  # fmt: skip
        assert words in server_markup, words


def draw_both(page, forum, meeting):
    page.goto(reverse("deliberation:console", args=[forum.slug, meeting.pk]))
    expect(page.locator("[data-out-of-date]")).to_be_hidden()
    return page.evaluate(DRAW_BOTH)
