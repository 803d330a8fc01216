/* The projector: what we are talking about, the question and its live results, or what
 * we decided last time; and how many people are here. */

import { copyTemplate, fmt, fromTemplate, keepIf, repeat, replaceChildren, setTone, slot } from "./dom.mjs";
import { buildResults } from "./results.mjs";
import { cfg, countItems, optionViews, setSym, sym } from "./page.mjs";
import { current, currentItem, pickPoll, resultsKey } from "./state.mjs";
import { drawTimer } from "./timer.mjs";

let lastKey;
// Which part of a poll's results is on the screen (results.html `paged`): the facilitator
// moves it from the console, or anyone at the projector's keyboard.
const paging = { poll: null, index: 0 };

// What we decided last time, in the page's own markup (includes/recap.html).
export function buildRecap(recap) {
  const box = fromTemplate("recap-template");
  box.setAttribute("data-recap-of", recap.meeting.id);
  slot(box, "meeting").textContent = recap.meeting.title;
  // One decision at a time on the screen, as the page draws it: the first one first.
  const count = slot(box, "part-count");
  count.textContent = fmt(count.getAttribute("data-words"), { n: 1, total: recap.decisions.length });
  count.hidden = recap.decisions.length < 2;
  repeat(box, "decision", recap.decisions, (node, d, index) => {
    node.hidden = index > 0;
    slot(node, "outcome").textContent = d.outcome;
    keepIf(node, { "no-actions": d.actions.length === 0 });
    repeat(node, "action", d.actions, (li, a) => {
      setSym(li, cfg.action_symbols[a.status]);
      slot(li, "status").textContent = (cfg.action_statuses[a.status] || a.status) + ":";
      slot(li, "description").textContent = a.description;
      slot(li, "owner").textContent = a.owner;
      keepIf(li, { late: !!a.overdue, latest: !!a.latest });
      if (a.latest) {
        slot(li, "latest").textContent = a.latest;
      }
    });
  });
  return box;
}

// The stage without a recap (includes/projector_stage.html), with the poll's results.
export function buildStage(state, picked) {
  const parts = copyTemplate("stage-template");
  const closed = state.meeting.status === "closed";
  // A finished meeting shows that it has finished, never its last results.
  const poll = closed ? null : picked.poll;
  keepIf(parts, {
    poll: !!poll, "last-vote": !!poll && !picked.open, choices: !!poll && picked.open,
    finished: !poll && closed, title: !poll && !closed
  });
  if (poll) {
    slot(parts, "question").textContent = poll.question;
    repeat(parts, "option", picked.open ? optionViews(poll) : [], (li, o) => {
      setTone(li, o.tone);
      replaceChildren(li, [sym(o.symbol, "l"), " " + o.label]);
    });
    parts.append(buildResults(poll, true, true));
  } else if (!closed) {
    slot(parts, "title").textContent = state.meeting.title;
  }
  return parts;
}

export function renderProjector() {
  const state = current.state;
  // A finished meeting shows only that: no agenda item, no results, no join code.
  const finished = state.meeting.status === "closed";
  const item = finished ? null : currentItem(state);
  const join = document.getElementById("stage-join");
  if (join) {
    join.hidden = finished;
  }
  const agenda = document.getElementById("stage-agenda");
  if (agenda) {
    const now = item ? copyTemplate("agenda-template") : null;
    if (now) {
      slot(now, "item-title").textContent = item.title;
    }
    replaceChildren(agenda, now);
  }
  drawTimer(document.getElementById("stage-timer"), item);
  // A break fills the screen: the vote and the title wait until it is over.
  const main = document.querySelector(".stage-main");
  if (main) {
    main.classList.toggle("on-break", !!(item && item.kind === "break" && item.ends_at));
  }
  const people = document.getElementById("stage-people");
  if (people && state.attendance) {
    replaceChildren(people, countItems(state.attendance.present));
  }
  const stage = document.getElementById("stage-poll");
  const picked = pickPoll(state);
  // "Last time we decided" shows until a vote opens (a check-back vote, say).
  const recap = picked.open || finished ? null : (state.recap || null);
  const key = JSON.stringify([state.meeting.status, picked.open, resultsKey(picked.poll), recap]);
  if (!stage || key === lastKey) {
    return;
  }
  lastKey = key;
  replaceChildren(stage, recap ? buildRecap(recap) : buildStage(state, picked));
  // A new tally keeps the part on the screen; another vote starts at its first part.
  const pollId = recap ? "recap" : picked.poll ? picked.poll.id : null;
  if (pollId !== paging.poll) {
    paging.poll = pollId;
    paging.index = 0;
  }
  const box = stage.querySelector(".paged");
  if (box) {
    fitParts(box);
  }
  showPart();
  // Drawn from the live state and fitted to the screen (tests wait for this mark).
  stage.setAttribute("data-drawn", "");
}

// Another screen size (the projector found its resolution): fit the parts again.
export function refitProjector() {
  if (current.state !== null) {
    lastKey = undefined;
    renderProjector();
  }
}

// Nobody can scroll a projector: a part whose end is below the screen gives the last rows
// of its last list (bars, rounds, reasons) to a copy of itself, its headings kept, shown
// as the next part. Only a part with a single row left is left as it is.
function tooTall(box) {
  // The poll's own area: what the speaking strip below it leaves of the screen.
  const area = document.getElementById("stage-poll") || document.getElementById("main");
  return !!area && box.getBoundingClientRect().bottom > area.getBoundingClientRect().bottom + 0.5;
}

function lastList(part) {
  const lists = Array.from(part.querySelectorAll("ul, ol")).filter((l) => l.children.length > 1);
  return lists.length ? lists[lists.length - 1] : null;
}

function splitPart(part, box) {
  const list = lastList(part);
  if (!list || !tooTall(box)) {
    return;
  }
  const lists = Array.from(part.querySelectorAll("ul, ol"));
  const more = part.cloneNode(true);
  more.setAttribute("data-more", "");
  const moreList = more.querySelectorAll("ul, ol")[lists.indexOf(list)];
  // The copy keeps its headings and the block that holds the list, nothing else.
  Array.from(more.children).forEach((child) => {
    if (!child.contains(moreList) && !/^H[1-6]$/.test(child.tagName) &&
        !child.classList.contains("part-keep")) {
      child.remove();
    }
  });
  replaceChildren(moreList, null);
  part.after(more);
  more.hidden = true;
  while (list.children.length > 1 && tooTall(box)) {
    moreList.prepend(list.lastElementChild);
  }
  // A section left with a row or two (the bars under the verdict) moves whole instead.
  const block = Array.from(part.children).find((child) => child.contains(list));
  if (list.children.length < 3 && block && block.tagName === "SECTION" && part.children.length > 1) {
    while (list.lastElementChild) {
      moreList.prepend(list.lastElementChild);
    }
    block.remove();
  }
  if (list.tagName === "OL") {
    moreList.start = list.children.length + (list.start || 1);
  }
}

function fitParts(box) {
  for (let i = 0; i < box.querySelectorAll("[data-part]").length; i++) {
    const parts = Array.from(box.querySelectorAll("[data-part]"));
    parts.forEach((part, j) => { part.hidden = j !== i; });
    later(i);
    splitPart(parts[i], box);
  }
}

// After the first part (the verdict, as big as the question), the question is smaller,
// leaving the screen to the part.
function later(index) {
  const stage = document.getElementById("stage-poll");
  if (stage) {
    stage.classList.toggle("later-part", index > 0);
  }
}

// Show the current part of the results, hide the others, and say "Part 2 of 4".
function showPart() {
  const box = document.querySelector("#stage-poll .paged");
  const parts = box ? Array.from(box.querySelectorAll("[data-part]")) : [];
  if (parts.length === 0) {
    return;
  }
  paging.index = Math.max(0, Math.min(paging.index, parts.length - 1));
  parts.forEach((part, i) => { part.hidden = i !== paging.index; });
  later(paging.index);
  const count = box.querySelector("[data-slot='part-count']");
  if (count) {
    count.textContent = fmt(count.getAttribute("data-words"), { n: paging.index + 1, total: parts.length });
    count.hidden = parts.length < 2;
  }
}

// Move to the next (1) or previous (-1) part, stopping at the first and the last.
export function movePart(step) {
  paging.index += step;
  showPart();
}

const NEXT_KEYS = new Set(["ArrowRight", "ArrowDown", "PageDown"]);
const PREVIOUS_KEYS = new Set(["ArrowLeft", "ArrowUp", "PageUp"]);

// The projector's own keyboard (or a presenter's clicker, which sends PageDown and PageUp).
export function onProjectorKey(e) {
  if (e.altKey || e.ctrlKey || e.metaKey || (e.target.closest && e.target.closest("input, select, textarea"))) {
    return;
  }
  const step = NEXT_KEYS.has(e.key) ? 1 : PREVIOUS_KEYS.has(e.key) ? -1 : 0;
  if (step !== 0) {
    e.preventDefault();
    movePart(step);
  }
}
