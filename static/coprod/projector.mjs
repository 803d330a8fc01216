/* The projector: what we are talking about, the question and its live results, or what
 * we decided last time; and how many people are here. */

import { copyTemplate, fromTemplate, keepIf, repeat, replaceChildren, setTone, slot } from "./dom.mjs";
import { buildResults } from "./results.mjs";
import { cfg, countItems, optionViews, setSym, sym } from "./page.mjs";
import { current, currentItem, pickPoll, resultsKey } from "./state.mjs";

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
    parts.append(buildResults(poll, true));
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
}
