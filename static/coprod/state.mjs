/* The meeting's state as this screen holds it: pure functions, no DOM.
 *
 * A screen keeps the `snapshot` message and applies events exactly as
 * deliberation/protocol.py `apply_event` does; tests/views/test_live_js.py runs these
 * functions under Node against the server's. */

function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

// Hands up and cards (protocol.EQUALS_EVENTS): the part of the state each event brings.
const EQUALS_EVENTS = { "equals.room": "room", "equals.console": "console", "equals.me": "me" };

// Whether an incoming count of a poll is numbered before the one held (tally_seq), as
// protocol.count_is_older: tallies of several daphne processes arrive in any order.
export function countIsOlder(incoming, held, orSame) {
  const got = incoming.tally_seq;
  const have = held.tally_seq;
  if (!Number.isInteger(got) || !Number.isInteger(have)) {
    return false;
  }
  return got < have || (orSame && got === have);
}

export function applyEvent(old, event) {
  const next = clone(old);
  const type = event.type;
  // A tally or a heartbeat only reports the version; it does not bring the changes.
  if ("version" in event && type !== "tally.updated" && type !== "meeting.heartbeat") {
    next.version = event.version;
  }
  if (type === "meeting.status") {
    next.meeting.status = event.status;
    next.meeting.current_item = event.current_item;
  } else if (type === "agenda.moved") {
    next.meeting.current_item = event.current_item;
  } else if (type === "agenda.changed") {
    next.agenda = event.agenda;
  } else if (
    type === "poll.created" || type === "poll.opened" ||
    type === "poll.updated" || type === "poll.closed"
  ) {
    let poll = event.poll;
    const existing = next.polls.find((p) => p.id === poll.id) || null;
    const polls = next.polls.filter((p) => p.id !== poll.id);
    if (existing !== null && existing.status === "open" && poll.status === "open" &&
        (poll.result === null || countIsOlder(poll, existing, false))) {
      // Settings changed mid-vote: keep the running count the screen already has.
      // (A vote opened again brings no count: its frozen result is not a live one.)
      // (Nor is a count numbered before the one the screen has: another process's
      // tally overtook this change on the way.)
      poll = Object.assign({}, poll, {
        voters: existing.voters, result: existing.result, shown: existing.shown
      });
      if ("tally_seq" in existing) {
        poll.tally_seq = existing.tally_seq;
      }
    }
    polls.push(poll);
    polls.sort((a, b) => a.id - b.id);
    next.polls = polls;
  } else if (type === "tally.updated") {
    for (const poll of next.polls) {
      // A running count sent before the vote closed, arriving after: already stale.
      // So is a count numbered no higher than the one held: with several processes
      // sending, an older tally can arrive after a newer one.
      // (A change such as showing the results keeps the number: what it brought
      // is newer than a tally with the same number.)
      const stale = (poll.status === "closed" && !(event.shown && event.shown.closed)) ||
        countIsOlder(event, poll, true);
      if (poll.id === event.poll && !stale) {
        poll.voters = event.voters;
        poll.result = event.result;
        poll.shown = event.shown;
        poll.progress = event.progress === undefined ? null : event.progress;
        if ("tally_seq" in event) {
          poll.tally_seq = event.tally_seq;
        }
      }
    }
  } else if (type === "decision.recorded") {
    next.decisions = next.decisions.concat([event.decision]);
  } else if (type === "recap.changed") {
    next.recap = event.recap;
  } else if (type === "attendance.counts") {
    next.attendance = { present: event.present, waiting: event.waiting };
  } else if (type === "attendance.changed") {
    next.attendance = { present: event.present, waiting: event.waiting };
    next.people = event.people;
  } else if (Object.prototype.hasOwnProperty.call(EQUALS_EVENTS, type)) {
    // Hands up and cards: each event brings its part of the state whole.
    const part = EQUALS_EVENTS[type];
    next.equals = Object.assign({}, next.equals || {}, { [part]: event[part] });
  }
  return next;
}

// A tally or a heartbeat ahead of our version, or a change that skips one, means a
// broadcast was lost on the way: read a whole snapshot again (protocol.needs_snapshot).
export function needsSnapshot(current, event) {
  if (typeof event.version !== "number") {
    return false;
  }
  if (event.type === "tally.updated" || event.type === "meeting.heartbeat") {
    return event.version > current.version;
  }
  return event.version > current.version + 1;
}

// The poll a screen shows: the open one, else the last closed one of the current item.
export function pickPoll(snapshot) {
  const open = snapshot.polls.find((p) => p.status === "open");
  if (open) {
    return { poll: open, open: true };
  }
  let best = null;
  for (const p of snapshot.polls) {
    if (p.status === "closed" && p.agenda_item === snapshot.meeting.current_item &&
        (best === null || p.id > best.id)) {
      best = p;
    }
  }
  return { poll: best, open: false };
}

export function currentItem(snapshot) {
  return snapshot.agenda.find((item) => item.id === snapshot.meeting.current_item) || null;
}

// The agenda item a phone shows above its question: the open vote's own item (the one
// the vote is about, whatever the meeting moves to while it is open), else the meeting's
// (views/common.question_item makes the same choice).
export function questionItem(snapshot) {
  const open = snapshot.polls.find((p) => p.status === "open");
  const id = open && open.agenda_item !== null && open.agenda_item !== undefined
    ? open.agenda_item
    : snapshot.meeting.current_item;
  return snapshot.agenda.find((item) => item.id === id) || null;
}

export function findPoll(snapshot, pollId) {
  return (snapshot && snapshot.polls.find((p) => p.id === pollId)) || null;
}

// What a results box shows changed when this key changes.
export function resultsKey(poll) {
  return poll
    ? JSON.stringify([poll.id, poll.status, poll.results_hidden, poll.voters, poll.shown])
    : "";
}

// The state this screen holds now (null until the first snapshot).
export const current = { state: null };
