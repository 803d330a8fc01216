/* A poll's results, drawn from the shape the server sends with each poll (`shown`,
 * built by deliberation/results_shape.py, the builder the pages use too): this module
 * only puts the page's words to the keys and numbers, as includes/results.html does. */

import { append, el, fmt } from "./dom.mjs";
import { S, cfg, groupLabel, optionViews, sym, votersText } from "./page.mjs";

function barList(rows, options, small) {
  return el("ul", { class: small ? "bars small" : "bars" }, rows.map((r) => {
    const o = options[r.key];
    const bar = el("span", { class: "bar" });
    bar.style.width = r.share + "%";
    return el("li", { class: "bar-row tone-" + o.tone }, [
      el("span", { class: "bar-label" }, [sym(o.symbol), " " + o.label]),
      el("span", { class: "bar-track", "aria-hidden": "true" }, bar),
      el("span", { class: "bar-value", text: r.value + " · " + r.share + "%" })
    ]);
  }));
}

// The results box of a poll, headings from level `level` down (includes/results.html).
export function buildResults(poll, showCount, level) {
  const h1 = "h" + level;
  const h2 = "h" + Math.min(level + 1, 6);
  const h3 = "h" + Math.min(level + 2, 6);
  const box = el("div", { class: "results", "data-results-for": poll.id });
  const shown = poll.shown;
  const closed = poll.status === "closed";
  if (poll.results_hidden && !closed) {
    append(box, el("p", { class: "results-hidden" }, [sym("vote"), " " + S.hidden]));
    if (showCount) {
      append(box, el("p", { class: "voters", text: votersText(poll.voters || 0) }));
    }
    return box;
  }
  if (!shown || !shown.visible || shown.empty) {
    append(box, el("p", { class: "voters" }, [sym("people"), " " + S.no_votes]));
    return box;
  }
  const options = {};
  optionViews(poll).forEach((o) => { options[o.key] = o; });
  const label = (key) => (options[key] ? options[key].label : key);
  const outcome = shown.outcome;

  append(box, el(h1, { class: "results-title", text: closed ? S.results : S.results_so_far }));
  append(box, el("p", { class: "voters" }, [sym("people"), " " + votersText(shown.voters)]));

  const verdict = el("div", { class: "outcome" });
  if (outcome.passed === true) {
    append(verdict, el("p", { class: "outcome-verdict passed" },
      [sym("agree"), " ", el("strong", { text: S.passed })]));
  } else if (outcome.passed === false) {
    append(verdict, el("p", { class: "outcome-verdict not-passed" },
      [sym("disagree"), " ", el("strong", { text: S.not_passed })]));
  }
  if (outcome.winner && options[outcome.winner]) {
    append(verdict, el("p", { class: "outcome-verdict winner" },
      [sym("decision"), " " + S.winner + " ", el("strong", { text: label(outcome.winner) })]));
  }
  if (outcome.reasons.length) {
    append(verdict, el("ul", { class: "reasons" },
      outcome.reasons.map((r) => el("li", { text: cfg.reasons[r] || r }))));
  }
  append(box, verdict);

  if (shown.ranked) {
    append(box, el("p", { class: "hint", text: S.borda }));
  }
  shown.views.forEach((view) => {
    append(box, el("section", { class: view.primary ? "weighting primary" : "weighting" }, [
      el(h2, { text: cfg.weightings[view.key] }),
      barList(view.rows, options, false)
    ]));
  });

  if (shown.protected) {
    append(box, el("p", { class: "notice" }, [sym("safety"), " " + S.protected]));
  } else {
    append(box, el("section", { class: "common-ground" }, [
      el(h2, { text: S.common_ground }),
      shown.common_ground.length
        ? el("ul", { class: "tags" }, shown.common_ground.map((key) => el(
          "li", { class: "tag tone-" + options[key].tone }, [sym(options[key].symbol), " " + label(key)]
        )))
        : el("p", { text: S.common_none })
    ]));
  }

  const groups = shown.groups.map((g) => el("div", { class: "group-result" }, [
    el(h3, null, [sym(cfg.group_symbols[g.key]), " " + groupLabel(g.key)]),
    el("p", { class: "voters", text: votersText(g.voters) }),
    barList(g.rows, options, true)
  ])).concat(shown.suppressed.map((key) => el("div", { class: "group-result suppressed" }, [
    el(h3, { text: groupLabel(key) }),
    el("p", { text: S.suppressed })
  ])));
  if (groups.length) {
    append(box, el("section", { class: "by-group" }, [
      el(h2, { text: S.by_group }),
      el("div", { class: "group-grid" }, groups)
    ]));
  }

  if (shown.rounds.length) {
    append(box, el("section", { class: "rounds" }, [
      el(h2, { text: S.rounds }),
      el("ol", { class: "round-list" }, shown.rounds.map((round) => el("li", null, [
        el("strong", { text: fmt(S.round, { n: round.n }) + ":" }),
        " " + round.rows.map((r) => label(r.key) + " " + r.value).join(", ") + ". ",
        round.out && options[round.out] ? fmt(S.out, { name: label(round.out) }) : null
      ])))
    ]));
  }

  if (shown.objections.length) {
    append(box, el("section", { class: "objections" }, [
      el(h2, null, [sym("objection"), " " + S.objections]),
      el("ul", null, shown.objections.map((r) => el("li", { text: r })))
    ]));
  }
  return box;
}
