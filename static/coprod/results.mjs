/* A poll's results, drawn from the shape the server sends with each poll (`shown`, made
 * by deliberation/results_shape.py, the one builder the pages use too) into the page's
 * own results markup: includes/results.html, rendered once as a skeleton in
 * <template id="results-template">. This module only picks the branches, repeats the
 * rows and puts the page's words to the keys and numbers. */

import { fillWords, fromTemplate, keepIf, repeat, replaceChildren, setTone, slot } from "./dom.mjs";
import { cfg, groupLabel, optionViews, sym } from "./page.mjs";

function fillBars(scope, rows, options) {
  repeat(scope, "row", rows, (node, r) => {
    const o = options[r.key];
    setTone(node, o.tone);
    replaceChildren(slot(node, "label"), [sym(o.symbol), " " + o.label]);
    slot(node, "bar").style.width = r.share + "%";
    slot(node, "value").textContent = r.value + " · " + r.share + "%";
  });
}

// The results box of a poll (without the voters' count while hidden, unless showCount).
export function buildResults(poll, showCount) {
  const box = fromTemplate("results-template");
  box.setAttribute("data-results-for", poll.id);
  const shown = poll.shown;
  const closed = poll.status === "closed";
  const hidden = !!poll.results_hidden && !closed;
  const full = !hidden && !!shown && shown.visible && !shown.empty;
  const options = {};
  optionViews(poll).forEach((o) => { options[o.key] = o; });
  const label = (key) => (options[key] ? options[key].label : key);
  const s = full ? shown : {
    outcome: { reasons: [] }, views: [], common_ground: [], groups: [], suppressed: [],
    rounds: [], objections: []
  };
  const waitsForEveryone = hidden && !!shown && shown.waits === "everyone";
  const progress = hidden && shown && shown.progress ? shown.progress : null;
  keepIf(box, {
    "hidden-close": hidden && !waitsForEveryone,
    "hidden-everyone": waitsForEveryone,
    progress: !!progress,
    "hidden-count": hidden && showCount,
    assisted: full && (s.assisted || 0) > 0,
    empty: !hidden && !full,
    full: full,
    closed: full && closed,
    open: full && !closed,
    passed: s.outcome.passed === true,
    "not-passed": s.outcome.passed === false,
    winner: !!(s.outcome.winner && options[s.outcome.winner]),
    reasons: s.outcome.reasons.length > 0,
    ranked: full && s.ranked,
    protected: full && s.protected,
    "not-protected": full && !s.protected,
    "common-ground": s.common_ground.length > 0,
    "no-common-ground": s.common_ground.length === 0,
    "by-group": s.groups.length + s.suppressed.length > 0,
    rounds: s.rounds.length > 0,
    objections: s.objections.length > 0
  });
  if (hidden && showCount) {
    fillWords(box, "voters", { n: poll.voters || 0 });
  }
  if (progress) {
    fillWords(box, "progress", progress);
  }
  if (full) {
    fillWords(box, "voters", { n: s.voters });
    if (s.assisted) {
      fillWords(box, "assisted", { n: s.assisted });
    }
  }
  const winner = slot(box, "winner");
  if (winner) {
    winner.textContent = label(s.outcome.winner);
  }
  repeat(box, "reason", s.outcome.reasons, (node, r) => {
    node.textContent = cfg.reasons[r] || r;
  });
  repeat(box, "view", s.views, (node, view) => {
    node.classList.toggle("primary", view.primary);
    slot(node, "title").textContent = cfg.weightings[view.key];
    fillBars(node, view.rows, options);
  });
  repeat(box, "option", s.common_ground, (node, key) => {
    setTone(node, options[key].tone);
    replaceChildren(node, [sym(options[key].symbol), " " + label(key)]);
  });
  repeat(box, "group", s.groups, (node, g) => {
    replaceChildren(slot(node, "label"), [sym(cfg.group_symbols[g.key]), " " + groupLabel(g.key)]);
    fillWords(node, "voters", { n: g.voters });
    fillBars(node, g.rows, options);
  });
  repeat(box, "suppressed", s.suppressed, (node, key) => {
    slot(node, "label").textContent = groupLabel(key);
  });
  repeat(box, "round", s.rounds, (node, round) => {
    fillWords(node, "round", { n: round.n });
    slot(node, "counts").textContent =
      round.rows.map((r) => label(r.key) + " " + r.value).join(", ") + ".";
    if (round.out && options[round.out]) {
      fillWords(node, "out", { name: label(round.out) });
    } else {
      slot(node, "out").remove();
    }
  });
  repeat(box, "objection", s.objections, (node, reason) => {
    node.textContent = reason;
  });
  return box;
}
