/* A poll's results, drawn from the shape the server sends with each poll (`shown`, made
 * by deliberation/results_shape.py, the one builder the pages use too) into the page's
 * own results markup: includes/results.html, rendered once as a skeleton in
 * <template id="results-template">. This module only picks the branches, repeats the
 * rows and puts the page's words to the keys and numbers. */

import { fillWords, fmt, fromTemplate, keepIf, repeat, replaceChildren, setTone, slot } from "./dom.mjs";
import { cfg, groupLabel, optionViews, sym } from "./page.mjs";

// A whole count with its unit, as display.count_text says it: "1 person", "3 people".
export function countText(unit, value) {
  const [one, other] = cfg.count_words[unit];
  return value === "1" ? one : fmt(other, { n: value });
}

// `show`: "plain" (the number and share), "count" (people, dots or points, and share) or
// "share" alone (the parity count, whose numbers are not whole people).
function fillBars(scope, rows, options, show, unit) {
  repeat(scope, "row", rows, (node, r) => {
    const o = options[r.key];
    setTone(node, o.tone);
    replaceChildren(slot(node, "label"), [sym(o.symbol), " " + o.label]);
    slot(node, "bar").style.width = r.share + "%";
    const lead = show === "plain" ? r.value + " · " : show === "count" ? countText(unit, r.value) + " · " : "";
    slot(node, "value").textContent = lead + r.share + "%";
  });
}

// The results box of a poll (without the voters' count while hidden, unless showCount);
// `paged` for the projector, in parts (includes/results.html says how).
export function buildResults(poll, showCount, paged) {
  const box = fromTemplate(paged ? "projector-results-template" : "results-template");
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
    rounds: [], objections: [], parts: [], parity_decides: false
  };
  const show = paged ? "count" : "plain";
  const parity = s.views.find((v) => v.key === "parity");
  const waitsForEveryone = hidden && !!shown && shown.waits === "everyone";
  const progress = hidden && shown && shown.progress ? shown.progress : null;
  keepIf(box, {
    "hidden-close": hidden && !waitsForEveryone,
    "hidden-everyone": waitsForEveryone,
    progress: !!progress,
    "hidden-count": hidden && showCount && !progress,  // "7 of 12 ... have voted" says it
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
    objections: s.objections.length > 0,
    parity: !!parity,
    "decided-by": full && !!s.parity_decides,
    "rounds-by-parity": s.rounds.length > 0 && !!s.parity_decides
  });
  const count = slot(box, "part-count");
  if (count) {
    count.textContent = fmt(count.getAttribute("data-words"), { n: 1, total: s.parts.length });
    count.hidden = s.parts.length < 2;
  }
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
  const views = paged ? s.views.filter((v) => v.key === "per_person") : s.views;
  repeat(box, "view", views, (node, view) => {
    node.classList.toggle("primary", view.primary);
    slot(node, "title").textContent = cfg.weightings[view.key];
    fillBars(node, view.rows, options, show, s.unit);
  });
  const parityPart = box.querySelector("[data-part='parity']");
  if (parityPart) {
    fillBars(parityPart, parity.rows, options, "share");
  }
  repeat(box, "option", s.common_ground, (node, key) => {
    setTone(node, options[key].tone);
    replaceChildren(node, [sym(options[key].symbol), " " + label(key)]);
  });
  repeat(box, "group", s.groups, (node, g) => {
    replaceChildren(slot(node, "label"), [sym(cfg.group_symbols[g.key]), " " + groupLabel(g.key)]);
    fillWords(node, "voters", { n: g.voters });
    fillBars(node, g.rows, options, show, s.unit);
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
