/* The facilitator's console: who is waiting, who is here, live results of each vote, and
 * a note to reload when the buttons on the page were drawn for an older state. */

import { el, replaceChildren } from "./dom.mjs";
import { buildResults } from "./results.mjs";
import { S, cfg, countItems, csrfToken, groupLabel, reloadLink, root, sym } from "./page.mjs";
import { current, resultsKey } from "./state.mjs";

const lastResultsKey = {};
let peopleDirty = false;

function attendanceForm(action, attendanceId, label, extra) {
  return el("form", { method: "post", action: action, class: "inline-form" }, [
    el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrfToken() }),
    el("input", { type: "hidden", name: "attendance", value: String(attendanceId) })
  ].concat(extra || []).concat([
    el("button", { type: "submit", class: label[1], text: label[0] })
  ]));
}

function personLine(p) {
  return [
    el("strong", { text: p.name }),
    " · ", sym(cfg.group_symbols[p.constituency]), " " + groupLabel(p.constituency),
    p.role && p.role !== "participant" ? " · " + (cfg.roles[p.role] || p.role) : null,
    p.guest ? " · " + S.guest : null
  ].concat((p.needs || []).map((n) =>
    el("span", { class: "need" }, [sym(cfg.need_symbols[n], "s"), " " + (cfg.needs[n] || n)])));
}

function renderPeople() {
  const state = current.state;
  const waitingBox = document.getElementById("console-waiting");
  const presentBox = document.getElementById("console-present");
  if (!state.people || !waitingBox || !presentBox) {
    return;
  }
  // Do not pull a form from under the facilitator's fingers; redraw when they leave it.
  if (waitingBox.contains(document.activeElement) || presentBox.contains(document.activeElement)) {
    peopleDirty = true;
    return;
  }
  peopleDirty = false;
  const waiting = state.people.filter((p) => p.status === "waiting");
  const present = state.people.filter((p) => p.status === "present");
  const claims = state.people.filter((p) => p.claim);
  // A name asked for by a second phone: the facilitator confirms it is that person.
  const claimSection = claims.length ? [
    el("h3", null, [sym("hand"), " " + S.claims]),
    el("ul", { class: "people-list" }, claims.map((p) => el("li", null, personLine(p).concat([
      attendanceForm(root.getAttribute("data-claim-confirm-url"), p.attendance,
        [S.claim_confirm, "button primary small"]),
      attendanceForm(root.getAttribute("data-claim-refuse-url"), p.attendance,
        [S.claim_refuse, "button small"])
    ]))))
  ] : [];
  replaceChildren(waitingBox, (waiting.length ? [
    el("h3", null, [sym("hand"), " " + S.waiting]),
    el("ul", { class: "people-list" }, waiting.map((p) => {
      const selectId = "admit-group-" + p.attendance;
      const select = el("select", { name: "constituency", id: selectId }, cfg.group_order.map((key) =>
        el("option", { value: key, text: groupLabel(key), selected: key === p.constituency })));
      return el("li", null, personLine(p).concat([
        attendanceForm(root.getAttribute("data-admit-url"), p.attendance,
          [S.admit, "button primary small"], [el("label", { for: selectId, text: S.group }), select]),
        attendanceForm(root.getAttribute("data-refuse-url"), p.attendance, [S.refuse, "button small"])
      ]));
    }))
  ] : []).concat(claimSection));
  replaceChildren(presentBox, [
    el("h3", { text: S.present }),
    el("ul", { class: "people-list" }, present.map((p) => el("li", null, personLine(p).concat([
      attendanceForm(root.getAttribute("data-release-url"), p.attendance, [S.release, "button small"])
    ]))))
  ]);
}

// The facilitator left the people lists: draw them if a change came meanwhile.
export function onFocusOut() {
  if (peopleDirty && current.state) {
    window.setTimeout(renderPeople, 0);
  }
}

export function renderConsole() {
  const state = current.state;
  const counts = document.getElementById("console-counts");
  if (counts && state.attendance) {
    replaceChildren(counts, countItems(state.attendance.present));
  }
  renderPeople();
  const now = state.meeting.current_item;
  root.querySelectorAll("#console-agenda li[data-item]").forEach((li) => {
    const on = parseInt(li.getAttribute("data-item"), 10) === now;
    li.classList.toggle("current", on);
    if (on) {
      li.setAttribute("aria-current", "step");
    } else {
      li.removeAttribute("aria-current");
    }
    const badge = li.querySelector(".now-badge");
    if (badge) {
      badge.hidden = !on;
    }
  });
  state.polls.forEach((poll) => {
    const box = root.querySelector("[data-live-results='" + poll.id + "']");
    const key = resultsKey(poll);
    if (!box || lastResultsKey[poll.id] === key) {
      return;
    }
    const first = lastResultsKey[poll.id] === undefined;
    lastResultsKey[poll.id] = key;
    if (!first || box.getAttribute("data-voters") !== String(poll.voters)) {
      replaceChildren(box, buildResults(poll, true));
    }
  });
  // Buttons on this page were drawn for the old state: ask for a reload, never surprise.
  const drawn = root.getAttribute("data-poll-states") || "";
  const states = state.polls.slice().sort((a, b) => a.id - b.id)
    .map((p) => p.id + ":" + p.status).join(",");
  const notice = root.querySelector("[data-out-of-date]");
  if (notice && (drawn !== states || root.getAttribute("data-meeting-status") !== state.meeting.status)) {
    replaceChildren(notice, reloadLink(S.out_of_date));
    notice.hidden = false;
  }
}
