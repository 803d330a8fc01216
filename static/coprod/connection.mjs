/* The meeting's websocket: connect, reconnect with back-off, and stop for good when the
 * server says this screen may not follow the meeting any more. */

import { root, S, setConnecting, showJoinAgain } from "./page.mjs";

const CLOSE_NOT_ALLOWED = 4403;
// Closed because this person opened newer screens of the meeting, or for a flood of
// messages: reconnecting would only close another screen, or flood again.
const CLOSE_TOO_MANY_SCREENS = 4409;
const CLOSE_FLOOD = 4008;
// Back-off: a wait of up to 1 s, 2 s, 4 s... and never more than 30 s; never giving up.
const BASE_DELAY = 1000;
const MAX_DELAY = 30000;
// A handshake that fails says nothing of why. Fetching the page tells whether this phone
// may still follow the meeting, but a room of phones doing that after every failure would
// cost the server a page each while it is busiest: ask only after a few failures in a row,
// and again only after many more.
const PROBE_AFTER = 3;
const PROBE_EVERY = 20;

let socket = null;
let attempt = 0;
let failedHandshakes = 0;
let retryTimer = null;
let onMessage = () => {};
let onStop = () => {};

export const status = { everConnected: false, stopped: false };

function wsUrl() {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  return scheme + location.host + root.getAttribute("data-ws-url");
}

export function send(message) {
  if (socket === null || socket.readyState !== WebSocket.OPEN) {
    return false;
  }
  socket.send(JSON.stringify(message));
  return true;
}

// A snapshot arrived: the next gap starts its back-off from the beginning again.
export function resetBackoff() {
  attempt = 0;
}

function connect() {
  retryTimer = null;
  if (status.stopped || socket !== null) {
    return;
  }
  try {
    socket = new WebSocket(wsUrl());
  } catch (err) {
    scheduleReconnect();
    return;
  }
  let opened = false;
  socket.onopen = () => {
    opened = true;
    failedHandshakes = 0;
    status.everConnected = true;
    setConnecting(false);
  };
  socket.onmessage = (e) => {
    let message;
    try {
      message = JSON.parse(e.data);
    } catch (err) {
      return;
    }
    onMessage(message);
  };
  socket.onclose = (e) => {
    socket = null;
    if (e.code === CLOSE_NOT_ALLOWED) {
      stop();
    } else if (e.code === CLOSE_TOO_MANY_SCREENS || e.code === CLOSE_FLOOD) {
      stop(S.other_screen);
    } else if (!opened) {
      failedHandshakes += 1;
      if (failedHandshakes % PROBE_EVERY === PROBE_AFTER) {
        probe();
      } else {
        scheduleReconnect();
      }
    } else {
      scheduleReconnect();
    }
  };
}

function stop(why) {
  status.stopped = true;
  onStop();
  showJoinAgain(why);
}

// Sockets that never opened (server down or swamped, or the handshake refused before our
// consumer could give its 4403 code) say nothing, so ask the page itself: if it no
// longer opens (sent to join, sign-in or gone), do not retry.
function probe() {
  if (!window.fetch) {
    scheduleReconnect();
    return;
  }
  window.fetch(location.pathname, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
    .then((response) => {
      if (response.type === "opaqueredirect" || response.status === 403 || response.status === 404) {
        stop();
      } else {
        scheduleReconnect();
      }
    }, scheduleReconnect);
}

function scheduleReconnect() {
  if (status.stopped) {
    return;
  }
  // Exponential back-off with full jitter: anywhere from 0 to 1 s, 2 s, 4 s... 30 s, so a
  // room of phones dropped together comes back spread out, not in waves.
  const ceiling = Math.min(MAX_DELAY, BASE_DELAY * Math.pow(2, Math.min(attempt, 16)));
  const delay = Math.random() * ceiling;
  attempt += 1;
  if (status.everConnected) {
    setConnecting(true);
  }
  retryTimer = window.setTimeout(connect, delay);
}

// A phone that wakes up tries at once, not after the back-off. One that finds its network
// again tries within a second: the whole room's Wi-Fi comes back at the same moment.
function reconnectNow(event) {
  if (status.stopped || socket !== null || document.visibilityState === "hidden") {
    return;
  }
  if (retryTimer !== null) {
    window.clearTimeout(retryTimer);
  }
  attempt = 0;
  if (event && event.type === "online") {
    retryTimer = window.setTimeout(connect, Math.random() * BASE_DELAY);
  } else {
    connect();
  }
}

// Connect, hand every message to `handlers.message`, call `handlers.stop` when stopped.
export function start(handlers) {
  onMessage = handlers.message;
  onStop = handlers.stop;
  document.addEventListener("visibilitychange", reconnectNow);
  window.addEventListener("online", reconnectNow);
  connect();
}
