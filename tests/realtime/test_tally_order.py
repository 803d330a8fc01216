"""Tallies are numbered per poll, so a screen never goes back to an older count.

With several daphne processes each one's coalescer sends tallies, and they reach a
screen through Redis in any order. Each tally carries its poll's `tally_seq`, which the
database raises in the same transaction as the change it counts; the screens (state.mjs)
and protocol.apply_event keep the newest.
"""

import json
import shutil
import subprocess
import threading

import pytest
from django.db import connection

from deliberation import protocol
from deliberation.models import Poll
from deliberation.selectors import meetings as meeting_selectors
from tests import factories
from tests.views.test_live_js import STATE_JS

POLL = {
    "id": 7, "question": "Q?", "method": "yes_no", "status": "open", "agenda_item": 10,
    "dots": 0, "weighting": "parity", "secret": False, "results_hidden": False,
    "double_majority": False, "lived_experience_consent": False,
    "options": [{"key": "yes", "label": "Yes", "symbol": "yes"}],
    "voters": 3, "result": {"voters": 3}, "tally_seq": 3, "progress": None,
    "shown": {"poll": 7, "closed": False, "visible": True, "empty": False, "voters": 3},
}  # fmt: skip
STATE = {
    "type": "snapshot",
    "audience": "console",
    "version": 4,
    "meeting": {"id": 1, "status": "open", "current_item": 10},
    "agenda": [{"id": 10, "position": 1, "title": "Welcome", "description": ""}],
    "polls": [POLL],
    "decisions": [],
}


def tally(seq: int, voters: int) -> dict:
    return {
        "type": "tally.updated", "version": 4, "poll": 7, "status": "open", "visible": True,
        "phones": True, "voters": voters, "result": {"voters": voters}, "tally_seq": seq,
        "progress": None, "shown": {"poll": 7, "closed": False, "visible": True, "voters": voters},
    }  # fmt: skip


# Two processes' tallies, interleaved as Redis may deliver them: 5 and 9 from one, 4
# (sent before 5 but late) and 8 from the other, then a settings change numbered before
# the newest count, and a tally equal to the one held.
EVENTS = [
    tally(5, 5),
    tally(4, 4),
    tally(9, 9),
    tally(8, 8),
    {"type": "poll.updated", "version": 5, "poll": {**POLL, "question": "Q2?", "tally_seq": 6,
     "voters": 6, "result": {"voters": 6}}},
    tally(9, 9),
    tally(10, 10),
]  # fmt: skip


def voters_after_each(state: dict, events: list[dict]) -> list[int]:
    counts = []
    for event in events:
        state = protocol.apply_event(state, event)
        counts.append(state["polls"][0]["voters"])
    return counts


def test_the_server_side_state_never_goes_back_to_an_older_tally():
    assert voters_after_each(STATE, EVENTS) == [5, 5, 9, 9, 9, 9, 10]
    state = STATE
    for event in EVENTS:
        state = protocol.apply_event(state, event)
    assert state["polls"][0]["tally_seq"] == 10
    # The settings change still applies; only its older count is not taken.
    assert state["polls"][0]["question"] == "Q2?"


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
def test_screens_never_go_back_to_an_older_tally_just_as_the_server_does():
    result = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_SCRIPT, str(STATE_JS)],
        input=json.dumps({"state": STATE, "events": EVENTS}),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    js_states = json.loads(result.stdout)
    assert [s["polls"][0]["voters"] for s in js_states] == [5, 5, 9, 9, 9, 9, 10]
    state = STATE
    for event, js_state in zip(EVENTS, js_states, strict=True):
        state = protocol.apply_event(state, event)
        assert js_state == state, event


@pytest.mark.django_db
def test_every_counted_change_raises_the_polls_tally_number_and_tallies_carry_it(meeting, people):
    poll = factories.poll(meeting, "yes_no", options=())
    start = Poll.objects.get(pk=poll.pk).tally_seq
    voters = people["lived_experience"] + people["staff"]
    for n, voter in enumerate(voters, start=1):
        factories.cast(poll, voter, {"choice": "yes"})
        event = meeting_selectors.tally_event(poll.pk)
        assert event is not None
        assert event["tally_seq"] == start + n
        assert event["voters"] == n
    snapshot = meeting_selectors.meeting_snapshot(meeting.pk, audience="console")
    (entry,) = [p for p in snapshot["polls"] if p["id"] == poll.pk]
    assert entry["tally_seq"] == start + len(voters)
    assert entry["voters"] == len(voters)


@pytest.mark.django_db(transaction=True)
def test_a_tally_and_its_number_come_from_one_moment_while_ballots_commit(forum, meeting):
    """Each ballot raises the number by one, so a count read with its number matches it.

    On PostgreSQL each statement of a READ COMMITTED transaction sees the latest commits,
    so a number read before a ballot commits could go with a count read after it; the
    tally is read under REPEATABLE READ (SQLite's transaction is one snapshot already).
    """
    poll = factories.poll(meeting, "yes_no", options=())
    voters = [factories.member(forum) for _ in range(40)]
    for voter in voters:
        factories.join(meeting, voter)
    start = Poll.objects.get(pk=poll.pk).tally_seq
    failures: list[BaseException] = []

    def vote() -> None:
        try:
            for voter in voters:
                factories.cast(poll, voter, {"choice": "yes"})
        except BaseException as exc:  # reported by the test below
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=vote)
    thread.start()
    seen = []
    while thread.is_alive():
        event = meeting_selectors.tally_event(poll.pk)
        assert event is not None
        seen.append((event["tally_seq"] - start, event["voters"]))
    thread.join()
    assert failures == []
    assert all(number == count for number, count in seen), seen
    final = meeting_selectors.tally_event(poll.pk)
    assert final is not None
    assert (final["tally_seq"] - start, final["voters"]) == (len(voters), len(voters))


@pytest.mark.django_db
def test_phones_are_not_told_the_number_of_a_count_they_may_not_see(meeting, people):
    """The number grows with the ballots: for a hidden count it would say how many voted."""
    poll = factories.poll(meeting, "yes_no", options=(), results_shown="closed")
    for voter in people["staff"]:
        factories.cast(poll, voter, {"choice": "no"})
    phone = meeting_selectors.meeting_snapshot(
        meeting.pk, audience="phone", member=people["lived_experience"][0]
    )
    console = meeting_selectors.meeting_snapshot(meeting.pk, audience="console")
    (on_phone,) = [p for p in phone["polls"] if p["id"] == poll.pk]
    (on_console,) = [p for p in console["polls"] if p["id"] == poll.pk]
    assert (on_phone["voters"], on_phone["tally_seq"]) == (0, None)
    assert on_console["voters"] == 3
    assert on_console["tally_seq"] == Poll.objects.get(pk=poll.pk).tally_seq
    assert meeting_selectors.poll_dict(Poll.objects.get(pk=poll.pk))["tally_seq"] is None
