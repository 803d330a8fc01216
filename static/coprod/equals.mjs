/* Meeting as equals on the live pages: a phone's hand and cards, the console's queue,
 * cards and speaking time, the projector's "speaking now", "next" and cards, and the
 * speaking timer. The markup and its words are the server's (includes/equals_*.html,
 * copied from their <template>s); the state is snapshot.equals, kept by state.mjs. */

import { copyTemplate, fillAttributes, fillWords, keepIf, repeat, replaceChildren, slot } from "./dom.mjs";
import { send, status } from "./connection.mjs";
import { cfg, groupLabel, kind, root, say, setSym, sym } from "./page.mjs";
import { current } from "./state.mjs";

const drawn = {};
// The turn being timed: its seconds when the state came, and when that was here.
let timing = null;

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => (n < 10 ? "0" : "") + n;
  return h ? h + ":" + pad(m) + ":" + pad(s % 60) : m + ":" + pad(s % 60);
}

// Draw the time of whoever speaks into every timer on the page: counting up, or the
// time left when there is a limit, then "Time is up" (in words, not colour alone).
function tick() {
  document.querySelectorAll("[data-timer]").forEach((box) => {
    if (!timing) {
      return;
    }
    const elapsed = timing.elapsed + (Date.now() - timing.at) / 1000;
    const limit = timing.limit;
    const parts = {
      "count-up": box.querySelector("[data-if='count-up']"),
      left: box.querySelector("[data-if='left']"),
      over: box.querySelector("[data-if='over']")
    };
    if (parts["count-up"]) {
      parts["count-up"].hidden = !!limit;
      const c = slot(parts["count-up"], "clock");
      if (c) { c.textContent = clock(elapsed); }
    }
    if (parts.left) {
      parts.left.hidden = !limit || elapsed >= limit;
      const l = slot(parts.left, "left");
      if (l && limit) { l.textContent = clock(limit - elapsed); }
    }
    if (parts.over) {
      parts.over.hidden = !limit || elapsed < limit;
    }
  });
}

function startTiming(speaking) {
  timing = speaking ? { elapsed: speaking.elapsed, limit: speaking.limit, at: Date.now() } : null;
}

// What a part shows, without the seconds (those move with the timer, not a redraw).
function keyOf(value) {
  return JSON.stringify(value, (k, v) => (k === "elapsed" ? undefined : v));
}

function fillGroup(node, constituency, size) {
  const holder = slot(node, "group-symbol");
  if (holder) {
    replaceChildren(holder, sym(cfg.group_symbols[constituency], size));
  }
  const words = slot(node, "group");
  if (words) {
    words.textContent = groupLabel(constituency);
  }
}

function fillCards(scope, counts, named, dropEmpty) {
  scope.querySelectorAll("[data-card]").forEach((li) => {
    const card = li.getAttribute("data-card");
    const count = counts[card] || 0;
    if (dropEmpty && count === 0) {
      li.remove();
      return;
    }
    slot(li, "count").textContent = String(count);
    const names = named.filter((n) => n.kind === card).map((n) => n.name);
    keepIf(li, { names: names.length > 0 });
    if (names.length) {
      slot(li, "names").textContent = names.join(", ");
    }
  });
}

// Keep the keyboard where it was when a part is drawn again: the same button of the
// same form (and person) in the new copy.
function focusKey(box) {
  const active = document.activeElement;
  if (!active || !box.contains(active) || !active.form) {
    return null;
  }
  const member = active.form.querySelector("input[name=member]");
  return [active.form.getAttribute("action"), member ? member.value : ""];
}

function restoreFocus(box, key) {
  if (!key) {
    return;
  }
  for (const form of box.querySelectorAll("form")) {
    const member = form.querySelector("input[name=member]");
    if (form.getAttribute("action") === key[0] && (member ? member.value : "") === key[1]) {
      const button = form.querySelector("button");
      if (button) {
        button.focus();
        return;
      }
    }
  }
  const first = box.querySelector("button");
  if (first) {
    first.focus();
  }
}

// -- the phone -------------------------------------------------------------------------

function renderPhone(me) {
  const box = document.getElementById("equals-hand");
  if (!box || !me) {
    return;
  }
  const key = me.hand + ":" + (me.place === null ? "" : me.place);
  const shown = drawn.hand !== undefined ? drawn.hand
    : box.getAttribute("data-hand") + ":" + box.getAttribute("data-place");
  if (key !== shown) {
    const hadFocus = box.contains(document.activeElement);
    const part = copyTemplate("equals-hand-template");
    keepIf(part, { down: me.hand === "down", up: me.hand === "up", speaking: me.hand === "speaking" });
    if (me.hand === "up") {
      fillWords(part, "place", { n: me.place });
    }
    replaceChildren(box, part);
    if (hadFocus) {
      restoreFocus(box, null);
    }
  }
  drawn.hand = key;
  root.querySelectorAll("#equals [data-card]").forEach((button) => {
    const up = button.querySelector("[data-card-up]");
    if (up) {
      up.hidden = me.cards.indexOf(button.getAttribute("data-card")) < 0;
    }
  });
}

// Send a hand or a card over the socket; without one, the plain form posts it.
function onSubmit(e) {
  const form = e.target;
  const action = form.getAttribute && form.getAttribute("data-equals-action");
  if (!action || !status.everConnected || status.stopped || !current.state) {
    return;
  }
  let message;
  if (action === "card") {
    const card = e.submitter && e.submitter.value;
    if (!card) {
      return;
    }
    const hide = form.querySelector("input[name=hide_name]");
    message = { type: "card.show", kind: card, anonymous: !!(hide && hide.checked) };
  } else {
    message = { type: action === "hand_raise" ? "hand.raise" : "hand.lower" };
  }
  if (send(message)) {
    e.preventDefault();
    if (action === "card" && form.getAttribute("data-done")) {
      say(form.getAttribute("data-done"), false);
    }
  }
}

// -- the console ----------------------------------------------------------------------

function renderConsole(state) {
  const box = document.getElementById("equals-console-live");
  if (!box || !state) {
    return;
  }
  startTiming(state.speaking);
  const key = keyOf(state);
  if (drawn.console === key) {
    return;
  }
  drawn.console = key;
  const focus = focusKey(box);
  const part = copyTemplate("equals-console-template");
  const anyCards = Object.keys(state.cards).some((k) => state.cards[k] > 0);
  keepIf(part, {
    speaking: !!state.speaking, "nobody-speaking": !state.speaking,
    queue: state.queue.length > 0, "no-hands": state.queue.length === 0, clear: anyCards
  });
  if (state.speaking) {
    const now = part.querySelector("[data-if='speaking']");
    slot(now, "name").textContent = state.speaking.name;
    fillGroup(now, state.speaking.constituency, "s");
  }
  repeat(part, "queue", state.queue, (li, q) => {
    fillAttributes(li, { member: q.member });
    slot(li, "name").textContent = q.name;
    fillGroup(li, q.constituency, "s");
    keepIf(li, { "first-time": !q.spoken, spoken: !!q.spoken });
    if (q.spoken) {
      fillWords(li, "spoken", { n: q.spoken });
    }
  });
  fillCards(part, state.cards, state.card_names, false);
  part.querySelectorAll("[data-group]").forEach((row) => {
    const time = state.airtime[row.getAttribute("data-group")] || { seconds: 0, turns: 0 };
    slot(row, "clock").textContent = clock(time.seconds);
    slot(row, "turns").textContent = String(time.turns);
  });
  replaceChildren(box, part);
  restoreFocus(box, focus);
}

// -- the projector --------------------------------------------------------------------

function renderRoom(room) {
  const box = document.getElementById("stage-equals");
  if (!box || !room) {
    return;
  }
  startTiming(room.speaking);
  const key = keyOf(room);
  if (drawn.room === key) {
    return;
  }
  drawn.room = key;
  const part = copyTemplate("equals-room-template");
  const anyCards = Object.keys(room.cards).some((k) => room.cards[k] > 0);
  keepIf(part, { speaking: !!room.speaking, next: room.next.length > 0, cards: anyCards });
  if (room.speaking) {
    const now = part.querySelector("[data-if='speaking']");
    slot(now, "label").textContent = room.speaking.label;
    fillGroup(now, room.speaking.constituency);
  }
  repeat(part, "next", room.next, (li, n) => {
    setSym(li, cfg.group_symbols[n.constituency]);
    slot(li, "label").textContent = n.label;
  });
  if (room.next.length) {
    fillWords(part, "waiting", { n: room.waiting });
  }
  if (anyCards) {
    fillCards(part, room.cards, room.card_names, true);
  }
  replaceChildren(box, part);
}

export function renderEquals() {
  const state = current.state;
  const equals = state && state.equals;
  if (!equals) {
    return;
  }
  if (kind === "phone") {
    renderPhone(equals.me);
  } else if (kind === "console") {
    renderConsole(equals.console);
  } else if (kind === "projector") {
    renderRoom(equals.room);
  }
  tick();
}

export function setUpEquals() {
  if (kind === "phone") {
    root.addEventListener("submit", onSubmit);
  }
  if (kind === "console" || kind === "projector") {
    window.setInterval(tick, 1000);
  }
}
