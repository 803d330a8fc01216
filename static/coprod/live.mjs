/* coprod live client: makes the server-rendered phone, projector and console pages live.
 *
 * ES modules, no framework, no build step. The page works without them; this connects
 * to the meeting's websocket (connection.mjs), keeps the state from the `snapshot`
 * message and applies events as deliberation/protocol.py does (state.mjs), and redraws
 * the live parts of the page (phone.mjs, projector.mjs, console.mjs; results.mjs). */

import { dropQueue, flushQueue, onAck, onError, onSubmit, updateDots, updateReasonRequired } from "./ballot.mjs";
import { renderEquals, setUpEquals } from "./equals.mjs";
import { start } from "./follow.mjs";
import { onFocusOut, renderConsole } from "./console.mjs";
import { cfg, kind, root } from "./page.mjs";
import { renderPhone, setUpReadAloud } from "./phone.mjs";
import { renderProjector } from "./projector.mjs";

const RENDER = { phone: renderPhone, projector: renderProjector, console: renderConsole };

if (root && cfg && window.WebSocket && RENDER[kind]) {
  if (kind === "phone") {
    root.addEventListener("submit", onSubmit);
  }
  root.addEventListener("input", (e) => {
    if (e.target.hasAttribute && e.target.hasAttribute("data-dot-input")) {
      updateDots(e.target.form);
    }
  });
  root.addEventListener("change", (e) => {
    if (e.target.form) {
      updateReasonRequired(e.target.form);
    }
  });
  if (kind === "console") {
    root.addEventListener("focusout", onFocusOut);
  }
  root.querySelectorAll("form.vote-form").forEach(updateReasonRequired);
  updateDots(root);
  setUpReadAloud();
  // Hands up and cards draw their own panels, after the page's own parts.
  setUpEquals();
  const render = () => {
    RENDER[kind]();
    renderEquals();
  };
  start({ render: render, snapshot: flushQueue, ack: onAck, error: onError, stop: dropQueue });
}
