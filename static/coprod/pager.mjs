/* The console's "Previous part" and "Next part" buttons (includes/projector_pager.html):
 * each sends `projector.page`, and the projector shows that part of the results. */

import { send } from "./connection.mjs";
import { S, say } from "./page.mjs";

export function setUpConsolePager() {
  document.querySelectorAll("[data-projector-pager]").forEach((box) => {
    box.hidden = false; // without this script the buttons could do nothing
    box.addEventListener("click", (e) => {
      const button = e.target.closest("[data-projector-step]");
      if (!button) {
        return;
      }
      const step = Number(button.getAttribute("data-projector-step"));
      if (!send({ type: "projector.page", step: step })) {
        say(S.reconnecting, true);
      }
    });
  });
}
