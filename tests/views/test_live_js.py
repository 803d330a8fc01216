"""The browser's state.mjs must follow the server's events exactly as protocol.apply_event does."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from deliberation import protocol
from deliberation.views.common import question_item

STATE_JS = Path(__file__).resolve().parents[2] / "static" / "coprod" / "state.mjs"

SNAPSHOT = {
    "type": "snapshot",
    "audience": "facilitator",
    "version": 4,
    "meeting": {"id": 1, "title": "Board", "forum": "F", "status": "open", "join_code": "ACDEFH",
                "current_item": 10},
    "agenda": [{"id": 10, "position": 1, "title": "Welcome", "description": ""}],
    "polls": [
        {"id": 7, "question": "Q?", "method": "yes_no", "status": "open", "agenda_item": 10,
         "dots": 0, "weighting": "parity", "secret": False, "results_hidden": False,
         "double_majority": False, "lived_experience_consent": False,
         "options": [{"key": "yes", "label": "Yes", "symbol": "yes"}],
         "voters": 3, "result": {"voters": 3, "outcome": {"weighting": "parity"}},
         "shown": {"poll": 7, "closed": False, "visible": True, "empty": False, "voters": 3}},
    ],
    "decisions": [],
    "attendance": {"present": {"lived_experience": 1, "staff": 0, "commissioner": 0},
                   "waiting": 0},
    "people": [],
}  # fmt: skip

POLL_5 = {
    **SNAPSHOT["polls"][0],
    "id": 5,
    "status": "draft",
    "voters": 0,
    "result": None,
    "shown": {"poll": 5, "closed": False, "visible": True, "empty": True},
}
EVENTS = [
    {"type": "agenda.moved", "version": 5, "current_item": None},
    {"type": "agenda.changed", "version": 6, "agenda": [{"id": 11, "title": "Buses"}]},
    {"type": "poll.updated", "version": 7,
     "poll": {**SNAPSHOT["polls"][0], "results_hidden": True, "voters": 0, "result": None,
              "shown": {"poll": 7, "closed": False, "visible": False}}},
    {"type": "tally.updated", "version": 7, "poll": 7, "status": "open", "visible": True,
     "voters": 4, "result": {"voters": 4}, "shown": {"poll": 7, "visible": True, "voters": 4}},
    {"type": "poll.created", "poll": POLL_5},
    {"type": "poll.opened", "version": 8, "poll": {**POLL_5, "status": "open"}},
    {"type": "poll.closed", "version": 9,
     "poll": {**POLL_5, "status": "closed", "voters": 2, "result": {"voters": 2},
              "shown": {"poll": 5, "closed": True, "visible": True, "voters": 2}}},
    {"type": "decision.recorded", "version": 10, "decision": {"id": 1, "outcome": "Yes"}},
    {"type": "attendance.counts", "present": {"lived_experience": 2, "staff": 1,
     "commissioner": 0}, "waiting": 1},
    {"type": "attendance.changed", "present": {"lived_experience": 2, "staff": 1,
     "commissioner": 1}, "waiting": 0, "people": [{"attendance": 1, "name": "A"}]},
    {"type": "recap.changed", "version": 11, "recap": {"meeting": {"id": 2, "title": "May"},
     "decisions": [{"id": 3, "outcome": "More buses", "actions": []}]}},
    {"type": "recap.changed", "version": 12, "recap": None},
    {"type": "meeting.heartbeat", "version": 20},
    {"type": "equals.room", "room": {"speaking": None, "next": [], "waiting": 0,
     "cards": {"jargon": 1}, "card_names": []}},
    {"type": "equals.console", "console": {"queue": [{"member": 3, "name": "A"}]}},
    {"type": "equals.me", "me": {"hand": "up", "place": 1, "cards": ["jargon"]}},
    {"type": "equals.room", "room": {"speaking": None, "next": [], "waiting": 0,
     "cards": {"jargon": 0}, "card_names": []}},
    {"type": "meeting.status", "version": 13, "status": "closed", "current_item": None},
]  # fmt: skip

NODE_SCRIPT = """
const { applyEvent } = await import(process.argv[1]);
const { readFileSync } = await import("node:fs");
const input = JSON.parse(readFileSync(0, "utf8"));
let state = input.state;
const states = [];
for (const event of input.events) { state = applyEvent(state, event); states.push(state); }
process.stdout.write(JSON.stringify(states));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_applies_events_like_the_server():
    result = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_SCRIPT, str(STATE_JS)],
        input=json.dumps({"state": SNAPSHOT, "events": EVENTS}),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    js_states = json.loads(result.stdout)
    state = SNAPSHOT
    for event, js_state in zip(EVENTS, js_states, strict=True):
        state = protocol.apply_event(state, event)
        assert js_state == state, event["type"]


NEEDS_SNAPSHOT_SCRIPT = """
const { needsSnapshot } = await import(process.argv[1]);
const { readFileSync } = await import("node:fs");
const cases = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map(([state, event]) => needsSnapshot(state, event))));
"""

# A screen at version 4 hears of: a change it missed, the next change, an old one...
FOLLOW_CASES = [
    ({"version": 4}, {"type": "meeting.heartbeat", "version": 5}),
    ({"version": 4}, {"type": "meeting.heartbeat", "version": 4}),
    ({"version": 4}, {"type": "meeting.heartbeat", "version": 3}),
    ({"version": 4}, {"type": "tally.updated", "version": 5, "poll": 7}),
    ({"version": 4}, {"type": "tally.updated", "version": 4, "poll": 7}),
    ({"version": 4}, {"type": "poll.opened", "version": 5}),
    ({"version": 4}, {"type": "poll.opened", "version": 6}),
    ({"version": 4}, {"type": "poll.opened", "version": 3}),
    ({"version": 4}, {"type": "attendance.counts"}),
]


def test_a_heartbeat_reports_the_version_without_changing_it():
    state = protocol.apply_event(SNAPSHOT, {"type": "meeting.heartbeat", "version": 9})
    assert state == SNAPSHOT
    assert protocol.needs_snapshot(SNAPSHOT, {"type": "meeting.heartbeat", "version": 9})
    assert not protocol.needs_snapshot(SNAPSHOT, {"type": "meeting.heartbeat", "version": 4})


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_asks_for_a_snapshot_exactly_when_the_server_says_it_missed_a_change():
    result = subprocess.run(
        ["node", "--input-type=module", "-e", NEEDS_SNAPSHOT_SCRIPT, str(STATE_JS)],
        input=json.dumps(FOLLOW_CASES),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    expected = [protocol.needs_snapshot(state, event) for state, event in FOLLOW_CASES]
    assert json.loads(result.stdout) == expected
    assert expected == [True, False, False, True, False, False, True, False, False]


QUESTION_ITEM_SCRIPT = """
const { applyEvent, questionItem } = await import(process.argv[1]);
const { readFileSync } = await import("node:fs");
const input = JSON.parse(readFileSync(0, "utf8"));
let state = input.state;
const items = [];
for (const event of input.events) {
  state = applyEvent(state, event);
  const item = questionItem(state);
  items.push(item === null ? null : item.id);
}
process.stdout.write(JSON.stringify(items));
"""

# The meeting is at "Welcome" (10) when the facilitator opens the vote of "Day services"
# (11): the server announces the vote first, then the move to its item. Then the
# facilitator moves on to "Buses" (12) while the vote is still open, and closes it.
AGENDA = [
    {"id": 10, "position": 1, "title": "Welcome", "description": ""},
    {"id": 11, "position": 2, "title": "Day services", "description": ""},
    {"id": 12, "position": 3, "title": "Buses", "description": ""},
]
DAY_SERVICES_POLL = {**POLL_5, "id": 8, "agenda_item": 11}
PHONE_SNAPSHOT = {**SNAPSHOT, "audience": "phone", "agenda": AGENDA, "polls": []}
PHONE_EVENTS = [
    {"type": "poll.opened", "version": 5, "poll": {**DAY_SERVICES_POLL, "status": "open"}},
    {"type": "agenda.moved", "version": 6, "current_item": 11},
    {"type": "agenda.moved", "version": 7, "current_item": 12},
    {"type": "poll.closed", "version": 8, "poll": {**DAY_SERVICES_POLL, "status": "closed"}},
    {"type": "poll.opened", "version": 9,
     "poll": {**DAY_SERVICES_POLL, "id": 9, "status": "open", "agenda_item": None}},
]  # fmt: skip


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_phone_shows_the_agenda_item_of_the_question_it_asks():
    result = subprocess.run(
        ["node", "--input-type=module", "-e", QUESTION_ITEM_SCRIPT, str(STATE_JS)],
        input=json.dumps({"state": PHONE_SNAPSHOT, "events": PHONE_EVENTS}),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    state = PHONE_SNAPSHOT
    expected = []
    for event in PHONE_EVENTS:
        state = protocol.apply_event(state, event)
        item = question_item(state)
        expected.append(item["id"] if item else None)
    # The vote's own item from the moment it opens, whatever the meeting moves to
    # meanwhile; the meeting's item when no vote is open or the vote has no item.
    assert expected == [11, 11, 11, 12, 12]
    assert json.loads(result.stdout) == expected
