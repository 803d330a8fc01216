/* The meeting's websocket: connect, reconnect with back-off, and stop for good when the
 * server says this screen may not follow the meeting any more. */

import { root, S, setConnecting, showJoinAgain } from "./page.mjs";

const CLOSE_NOT_ALLOWED = 4403;
// Closed because this person opened newer screens of the meeting, or for a flood of
// messages: reconnecting would only close another screen, or flood again.
const CLOSE_TOO_MANY_SCREENS = 4409;
const CLOSE_FLOOD = 4008;
const MAX_DELAY = 30000;

let socket = null;
let attempt = 0;
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
      probe();
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

// A socket that never opened (server down, or the handshake refused before our
// consumer could give its 4403 code) says nothing, so ask the page itself: if it no
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
  // Exponential back-off from 1 s to 30 s, with jitter so phones do not return together.
  const ceiling = Math.min(MAX_DELAY, 1000 * Math.pow(2, attempt));
  const delay = ceiling / 2 + Math.random() * ceiling / 2;
  attempt += 1;
  if (status.everConnected) {
    setConnecting(true);
  }
  retryTimer = window.setTimeout(connect, delay);
}

// A phone that wakes up or finds its network again tries at once, not after the back-off.
function reconnectNow() {
  if (status.stopped || socket !== null || document.visibilityState === "hidden") {
    return;
  }
  if (retryTimer !== null) {
    window.clearTimeout(retryTimer);
  }
  attempt = 0;
  connect();
}

// Connect, hand every message to `handlers.message`, call `handlers.stop` when stopped.
export function start(handlers) {
  onMessage = handlers.message;
  onStop = handlers.stop;
  document.addEventListener("visibilitychange", reconnectNow);
  window.addEventListener("online", reconnectNow);
  connect();
}
