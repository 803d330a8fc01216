"""The page's websocket client in a reconnect storm, run under Node (connection.mjs).

A room of phones that lose the Wi-Fi together must not come back together (full jitter),
must never give up, and must not fetch their page after every failed handshake: each
such fetch costs the server a whole page while it is busiest (issue 12).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

CONNECTION_JS = Path(__file__).resolve().parents[2] / "static" / "coprod" / "connection.mjs"

# A page with no status line (page.mjs then shows nothing), a fake WebSocket, a clock
# run by hand and a fetch that answers as the input says.
HARNESS = """
const input = JSON.parse((await import("node:fs")).readFileSync(0, "utf8"));
const timers = [];
const sockets = [];
let fetches = 0;
globalThis.location = { protocol: "http:", host: "localhost", pathname: "/m/1/" };
globalThis.document = {
  visibilityState: "visible",
  getElementById: (id) => id === "live" ? { getAttribute: () => "/ws/meeting/1/" } : null,
  addEventListener: () => {},
};
globalThis.window = {
  setTimeout: (fn, ms) => { timers.push({ fn, ms }); return timers.length; },
  clearTimeout: () => {},
  addEventListener: () => {},
  fetch: () => {
    fetches += 1;
    return Promise.resolve({ type: "basic", status: input.page_status });
  },
};
class FakeSocket { constructor(url) { this.url = url; this.readyState = 0; sockets.push(this); } }
FakeSocket.OPEN = 1;
globalThis.WebSocket = FakeSocket;
let random = input.random;
Math.random = () => random;
const connection = await import(process.argv[1]);
let stopped = 0;
connection.start({ message: () => {}, stop: () => { stopped += 1; } });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
// Connected, then the Wi-Fi goes.
let socket = sockets.at(-1);
socket.onopen();
connection.resetBackoff();
socket.onclose({ code: 1006 });
const delays = [];
for (let i = 0; i < input.failures; i += 1) {
  await flush();
  const timer = timers.pop();
  if (!timer) { break; }
  delays.push(timer.ms);
  timer.fn();
  // The server is swamped: the handshake fails before the socket opens.
  sockets.at(-1).onclose({ code: 1006 });
}
await flush();
process.stdout.write(JSON.stringify({ delays, fetches, stopped, status: connection.status }));
"""


def run(random: float, failures: int, page_status: int = 200) -> dict:
    result = subprocess.run(
        ["node", "--input-type=module", "-e", HARNESS, str(CONNECTION_JS)],
        input=json.dumps({"random": random, "failures": failures, "page_status": page_status}),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(result.stdout)


pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def test_phones_dropped_together_spread_their_return_over_the_whole_window():
    # Full jitter: a phone may come back at any time from 0 up to the ceiling, not only in
    # its second half, so a room's phones do not arrive in one wave.
    assert run(random=0.01, failures=1)["delays"][0] < 100
    assert run(random=0.99, failures=1)["delays"][0] > 900


def test_the_back_off_doubles_up_to_a_cap_and_never_gives_up():
    result = run(random=0.999, failures=40)
    delays = result["delays"]
    assert len(delays) == 40
    assert delays[:4] == pytest.approx([999, 1998, 3996, 7992], abs=1)
    assert max(delays) <= 30000
    assert delays[-1] > 25000
    assert result["stopped"] == 0
    assert result["status"]["stopped"] is False


def test_failed_handshakes_do_not_each_fetch_the_page():
    result = run(random=0.5, failures=40)
    assert result["fetches"] <= 4, result


def test_a_page_that_no_longer_opens_still_stops_the_retries():
    result = run(random=0.5, failures=40, page_status=403)
    assert result["stopped"] == 1
    assert result["status"]["stopped"] is True
