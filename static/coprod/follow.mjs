/* Following the meeting: take the snapshot, apply each event to it (or ask for a new
 * snapshot when one was missed) and redraw the page after each change. */

import { resetBackoff, send, start as connect } from "./connection.mjs";
import { applyEvent, current, needsSnapshot } from "./state.mjs";
import { noteClock } from "./timer.mjs";

let handlers = null;
let behindTimer = null;

function requestSnapshot() {
  send({ type: "snapshot.request" });
}

function onEvent(event) {
  if (event.type === "meeting.heartbeat") {
    // The change's own broadcast may simply be a moment behind its heartbeat: look
    // again after a second or two (spread out, so a room does not ask all at once).
    if (needsSnapshot(current.state, event) && behindTimer === null) {
      behindTimer = window.setTimeout(() => {
        behindTimer = null;
        if (current.state !== null && needsSnapshot(current.state, event)) {
          requestSnapshot();
        }
      }, 1000 + Math.random() * 2000);
    }
    return;
  }
  if (needsSnapshot(current.state, event)) {
    requestSnapshot(); // we missed a change: read the whole state again
    return;
  }
  if (event.type !== "tally.updated" && typeof event.version === "number" &&
      event.version <= current.state.version) {
    return; // already in the snapshot we hold
  }
  current.state = applyEvent(current.state, event);
  handlers.render();
}

function onMessage(message) {
  if (message.type === "snapshot") {
    current.state = message;
    noteClock(message);
    resetBackoff();
    handlers.render();
    handlers.snapshot();
  } else if (message.type === "ballot.ack") {
    handlers.ack(message);
  } else if (message.type === "error") {
    handlers.error(message);
  } else if (message.type === "pong") {
    return;
  } else if (message.type === "projector.page") {
    if (handlers.page) {
      handlers.page(message); // the facilitator moved the projector: not a change of state
    }
  } else if (current.state !== null) {
    onEvent(message);
  }
}

// Follow the meeting: `render` after each change, `snapshot` after each snapshot,
// `ack` and `error` for answers to this screen's ballots, `stop` when it may not follow,
// `page` (optional) when the facilitator moves the projector to another part.
export function start(given) {
  handlers = given;
  connect({ message: onMessage, stop: given.stop });
}
