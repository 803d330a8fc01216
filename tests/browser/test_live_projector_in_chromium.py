"""The projector's stage drawn live is the stage the server draws on the page."""

import re

from django.urls import reverse

from deliberation.models import Poll
from deliberation.services import agenda as agenda_services
from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from tests import factories

# The stage and the counts as the server drew them, and as projector.mjs draws them
# from the state the projector holds, each with insignificant spaces removed.
DRAW_BOTH = """async () => {
  const { current, pickPoll } = await import("/static/coprod/state.mjs");
  for (let i = 0; i < 100 && current.state === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));  // the snapshot is on its way
  }
  const { buildRecap, buildStage } = await import("/static/coprod/projector.mjs");
  const { countItems } = await import("/static/coprod/page.mjs");
  const norm = (html) => html.replace(/>\\s+</g, "><").replace(/\\s+/g, " ")
    .replace(/;"/g, '"').replace(/ </g, "<").replace(/> /g, ">");
  const state = current.state;
  const picked = pickPoll(state);
  const recap = picked.open ? null : (state.recap || null);
  const stage = document.createElement("div");
  stage.append(recap ? buildRecap(recap) : buildStage(state, picked));
  const people = document.createElement("ul");
  people.append(countItems(state.attendance.present));
  return [
    [norm(document.getElementById("stage-poll").innerHTML), norm(stage.innerHTML)],
    [norm(document.getElementById("stage-people").innerHTML), norm(people.innerHTML)]
  ];
}"""


def test_the_projector_drawn_live_is_the_pages_own(demo, new_context):
    meeting = demo["meeting"]
    Poll.objects.filter(meeting=meeting, status=Poll.Status.OPEN).update(status="draft")
    projector = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    url = reverse("deliberation:projector", args=[meeting.projector_token])

    def draw_both():
        projector.goto(url)
        return projector.evaluate(DRAW_BOTH)

    drawn = {"waiting": draw_both()}
    # Each group and its count read as one phrase from the back of the room ("Staff: 0"),
    # not as a word, a lone colon and a number spread across the line.
    counts = projector.locator("#stage-people li")
    assert counts.count() == 3
    for i in range(counts.count()):
        assert re.fullmatch(r"\S[^\n]*: \d+", counts.nth(i).inner_text().strip())
    meeting_services.meeting_recap_show(meeting=meeting, shown=True)
    drawn["recap"] = draw_both()
    meeting_services.meeting_recap_show(meeting=meeting, shown=False)
    item = meeting.agenda.order_by("position").first()
    poll = factories.poll(meeting, "traffic_light", question="Shall we?", agenda_item=item)
    people = list(demo["members"].values())
    for person, choice in zip(people, ["agree", "agree", "disagree"], strict=False):
        factories.join(meeting, person)
        factories.cast(poll, person, {"choice": choice})
    drawn["open"] = draw_both()
    poll_services.poll_close(poll=poll)
    drawn["closed"] = draw_both()
    agenda_services.agenda_move(meeting=meeting, item=None)
    meeting_services.meeting_close(meeting=meeting)
    drawn["finished"] = draw_both()

    for moment, pairs in drawn.items():
        for server, browser in pairs:
            assert browser == server, moment
    stages = {moment: pairs[0][0] for moment, pairs in drawn.items()}
    assert "Here is what happened:" in stages["recap"]
    assert 'class="choice-strip"' in stages["open"] and "Results so far" in stages["open"]
    assert "Last vote" in stages["closed"]
    assert "This meeting has finished" in stages["finished"]
