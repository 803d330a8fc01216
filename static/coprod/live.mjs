/* coprod live client: makes the server-rendered phone, projector and console pages live.
 *
 * ES modules, no framework, no build step. The page works without them; this connects
 * to the meeting's websocket (connection.mjs), keeps the state from the `snapshot`
 * message and applies events as deliberation/protocol.py does (state.mjs), and redraws
 * the live parts of the page (phone.mjs, projector.mjs, console.mjs; results.mjs). */

import {
  dropQueue, enhanceControls, flushQueue, onAck, onControlClick, onError, onSubmit, updateDots,
  updateReasonRequired
} from "./ballot.mjs";
import { renderEquals, setUpEquals } from "./equals.mjs";
import { start } from "./follow.mjs";
import { onFocusOut, renderConsole } from "./console.mjs";
import { cfg, kind, root, setUpStatus } from "./page.mjs";
import { renderPhone, setUpReadAloud } from "./phone.mjs";
import { movePart, onProjectorKey, refitProjector, renderProjector } from "./projector.mjs";
import { setUpConsolePager } from "./pager.mjs";

const RENDER = { phone: renderPhone, projector: renderProjector, console: renderConsole };

if (root && cfg && window.WebSocket && RENDER[kind]) {
  if (kind === "phone") {
    root.addEventListener("submit", onSubmit);
    setUpStatus();
    root.addEventListener("click", onControlClick);
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
    setUpConsolePager();
  }
  if (kind === "projector") {
    document.addEventListener("keydown", onProjectorKey);
    window.addEventListener("resize", refitProjector);
    if (document.fonts) {
      // Parts are fitted to the text as drawn: again once the page's font has come.
      // Every face is fetched now, so a bold or other face first used later in the
      // meeting does not re-fit the parts (and renumber them) while the room looks.
      document.fonts.forEach((face) => {
        face.load().catch(() => null);
      });
      document.fonts.ready.then(refitProjector);
      document.fonts.addEventListener("loadingdone", refitProjector);
    }
  }
  root.querySelectorAll("form.vote-form").forEach(updateReasonRequired);
  updateDots(root);
  if (kind === "phone") {
    enhanceControls(root);
  }
  setUpReadAloud();
  // Hands up and cards draw their own panels. On the projector the strip comes first,
  // and a strip that grew or shrank fits the results' parts to the room it leaves.
  setUpEquals();
  const strip = document.getElementById("stage-equals");
  const render = () => {
    const before = strip ? strip.offsetHeight : 0;
    renderEquals();
    RENDER[kind]();
    if (kind === "projector" && strip && strip.offsetHeight !== before) {
      refitProjector();
    }
  };
  start({
    render: render, snapshot: flushQueue, ack: onAck, error: onError, stop: dropQueue,
    page: kind === "projector" ? (message) => movePart(message.step) : null
  });
}
