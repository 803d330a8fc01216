/* The projector: what we are talking about, the question and its live results, or what
 * we decided last time; and how many people are here. */

import { el, replaceChildren } from "./dom.mjs";
import { buildResults } from "./results.mjs";
import { S, cfg, countItems, optionViews, sym } from "./page.mjs";
import { current, currentItem, pickPoll, resultsKey } from "./state.mjs";

let lastKey;

// Mirrors templates/deliberation/includes/recap.html.
function buildRecap(recap) {
  return el("div", { class: "recap", "data-recap-of": recap.meeting.id }, [
    el("h1", { class: "big-question" }, [
      el("span", { class: "eyebrow", text: recap.meeting.title }), " " + S.last_time
    ]),
    el("ol", { class: "recap-list" }, recap.decisions.map((d) => {
      const actions = d.actions.length ? d.actions.map((a) => el("li", null, [
        sym(cfg.action_symbols[a.status]), " ",
        el("strong", { text: (cfg.action_statuses[a.status] || a.status) + ":" }),
        " " + a.description + " ",
        el("span", { class: "meta" }, [
          "· " + a.owner,
          a.overdue ? " · " : null,
          a.overdue ? el("strong", { text: S.late }) : null
        ]),
        a.latest ? el("br") : null,
        a.latest ? el("span", { class: "recap-latest", text: S.latest + " " + a.latest }) : null
      ])) : [el("li", { text: S.nothing_yet })];
      return el("li", null, [
        el("p", { class: "recap-outcome" }, [sym("decision", "l"), " " + d.outcome]),
        el("p", { class: "recap-then", text: S.what_happened }),
        el("ul", { class: "recap-actions" }, actions)
      ]);
    }))
  ]);
}

export function renderProjector() {
  const state = current.state;
  const item = currentItem(state);
  const agenda = document.getElementById("stage-agenda");
  if (agenda) {
    replaceChildren(agenda, item
      ? el("p", null, [S.now + " ", el("strong", { class: "agenda-title", text: item.title })])
      : null);
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
  const parts = [];
  if (recap) {
    parts.push(buildRecap(recap));
  } else if (picked.poll) {
    parts.push(el("h1", { class: "big-question" }, [
      picked.open ? null : el("span", { class: "eyebrow", text: S.last_vote }),
      picked.open ? null : " ",
      picked.poll.question
    ]));
    if (picked.open) {
      parts.push(el("ul", { class: "choice-strip" }, optionViews(picked.poll).map((o) =>
        el("li", { class: "tag tone-" + o.tone }, [sym(o.symbol, "l"), " " + o.label]))));
    }
    parts.push(buildResults(picked.poll, true));
  } else if (state.meeting.status === "closed") {
    parts.push(el("h1", { class: "big-question", text: S.finished }));
  } else {
    parts.push(el("h1", { class: "big-question", text: state.meeting.title }));
  }
  replaceChildren(stage, parts);
}
