/* The facilitator's console: who is waiting, who is here, live results of each vote, and
 * a note to reload when the buttons on the page were drawn for an older state. */

import {
  copyTemplate, fillAttributes, keepIf, repeat, replaceChildren, slot
} from "./dom.mjs";
import { buildResults } from "./results.mjs";
import { S, cfg, countItems, groupLabel, reloadLink, root, sym } from "./page.mjs";
import { current, currentItem, resultsKey } from "./state.mjs";
import { drawTimer } from "./timer.mjs";

const lastResultsKey = {};
let peopleDirty = false;

// One person's line and forms, in the page's markup (includes/person_line.html).
function fillPerson(li, p) {
  fillAttributes(li, { attendance: p.attendance });
  slot(li, "name").textContent = p.name;
  replaceChildren(slot(li, "group"),
    [sym(cfg.group_symbols[p.constituency]), " " + groupLabel(p.constituency)]);
  keepIf(li, { role: !!p.role && p.role !== "participant", guest: !!p.guest });
  const role = slot(li, "role");
  if (role) {
    role.textContent = cfg.roles[p.role] || p.role;
  }
  repeat(li, "need", p.needs || [], (span, n) => {
    replaceChildren(span, [sym(cfg.need_symbols[n], "s"), " " + (cfg.needs[n] || n)]);
  });
  li.querySelectorAll("select[name=constituency] option").forEach((option) => {
    option.toggleAttribute("selected", option.value === p.constituency);
  });
}

function renderPeople() {
  const state = current.state;
  const waitingBox = document.getElementById("console-waiting");
  const presentBox = document.getElementById("console-present");
  const pattern = copyTemplate("people-template");
  if (!state.people || !waitingBox || !presentBox || !pattern) {
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
  // A name asked for by a second phone: the facilitator confirms it is that person.
  const claims = state.people.filter((p) => p.claim);
  const waitingPart = slot(pattern, "waiting");
  keepIf(waitingPart, { waiting: waiting.length > 0, claims: claims.length > 0 });
  repeat(waitingPart, "waiting", waiting, fillPerson);
  repeat(waitingPart, "claim", claims, fillPerson);
  const presentPart = slot(pattern, "present");
  keepIf(presentPart, { nobody: present.length === 0 });
  repeat(presentPart, "present", present, fillPerson);
  replaceChildren(waitingBox, Array.from(waitingPart.childNodes));
  replaceChildren(presentBox, Array.from(presentPart.childNodes));
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
  drawTimer(document.getElementById("console-timer"), currentItem(state));
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
