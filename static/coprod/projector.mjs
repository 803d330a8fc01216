/* The projector: what we are talking about, the question and its live results, or what
 * we decided last time; and how many people are here. */

import { copyTemplate, fromTemplate, keepIf, repeat, replaceChildren, setTone, slot } from "./dom.mjs";
import { buildResults } from "./results.mjs";
import { cfg, countItems, optionViews, setSym, sym } from "./page.mjs";
import { current, currentItem, pickPoll, resultsKey } from "./state.mjs";
import { drawTimer } from "./timer.mjs";

let lastKey;

// What we decided last time, in the page's own markup (includes/recap.html).
export function buildRecap(recap) {
  const box = fromTemplate("recap-template");
  box.setAttribute("data-recap-of", recap.meeting.id);
  slot(box, "meeting").textContent = recap.meeting.title;
  repeat(box, "decision", recap.decisions, (node, d) => {
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
  const poll = picked.poll;
  const closed = state.meeting.status === "closed";
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
    parts.append(buildResults(poll, true));
  } else if (!closed) {
    slot(parts, "title").textContent = state.meeting.title;
  }
  return parts;
}

export function renderProjector() {
  const state = current.state;
  const item = currentItem(state);
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
  const recap = picked.open ? null : (state.recap || null);
  const key = JSON.stringify([state.meeting.status, picked.open, resultsKey(picked.poll), recap]);
  if (!stage || key === lastKey) {
    return;
  }
  lastKey = key;
  replaceChildren(stage, recap ? buildRecap(recap) : buildStage(state, picked));
}
