/* The live page this script runs on: its root, its words (live-config, in the page's
 * language), its symbols and its status line. */

import { copyTemplate, el, fmt, repeat, replaceChildren, slot } from "./dom.mjs";

export const root = document.getElementById("live");
const configNode = document.getElementById("live-config");
export const cfg = configNode ? JSON.parse(configNode.textContent) : null;
export const S = cfg ? cfg.strings : {};
export const kind = root ? root.getAttribute("data-live") : null; // phone, projector, console

export function sym(name, size) {
  const url = name && cfg.symbols[name];
  if (!url) {
    return null;
  }
  return el("img", { class: "sym sym-" + (size || "m"), src: url, alt: "", width: 48, height: 48 });
}

export function groupLabel(key) {
  return cfg.groups[key] || key;
}

export function ordinal(n) {
  return n > 0 && n <= cfg.ordinals.length ? cfg.ordinals[n - 1] : String(n);
}

export function votersText(n) {
  return fmt(S.voters, { n: n });
}

// A poll's options with the page's words, symbol and tone (display.option_views).
export function optionViews(poll) {
  const fixed = Object.prototype.hasOwnProperty.call(cfg.fixed, poll.method);
  return poll.options.map((o) => {
    const symbol = o.symbol || o.key;
    return {
      key: o.key,
      label: fixed && cfg.choices[o.key] ? cfg.choices[o.key] : o.label,
      symbol: cfg.symbols[symbol] ? symbol : "",
      tone: fixed ? (cfg.tones[o.key] || "neutral") : "option"
    };
  });
}

// Put this symbol in place of the node's own (the first one in it), or take it away.
export function setSym(node, name, size) {
  const image = sym(name, size);
  const old = node.querySelector(":scope > img.sym");
  if (old && image) {
    old.replaceWith(image);
  } else if (old) {
    old.remove();
  } else if (image) {
    node.prepend(image);
  }
}

// "People here" by group, as on the projector and the console (includes/people_counts.html).
export function countItems(present) {
  const items = copyTemplate("counts-template");
  repeat(items, "group", cfg.group_order, (li, key) => {
    setSym(li, cfg.group_symbols[key]);
    slot(li, "group").textContent = groupLabel(key);
    slot(li, "count").textContent = String(present[key] || 0);
  });
  return items;
}

// -- the status line -------------------------------------------------------------------

function statusRegion() {
  return document.getElementById("live-status");
}

// On the phone the messages stay at the bottom of the screen (coprod.css), where the
// person is, however far down they are. The page keeps that much room free below its
// last control (--status-space), and a control with the focus is moved up from under
// them (WCAG 2.4.11), so the messages never hide what the person is using.
let lastFocus = null;

function makeRoom() {
  const region = statusRegion();
  if (!region || !document.body.classList.contains("phone")) {
    return;
  }
  const space = region.querySelector(".message") ? region.offsetHeight : 0;
  document.documentElement.style.setProperty("--status-space", space + "px");
  // The control the person used last (a button pressed to send is disabled meanwhile,
  // which takes the focus from it).
  let focused = document.activeElement;
  if (!focused || focused === document.body) {
    focused = lastFocus && lastFocus.isConnected ? lastFocus : null;
  }
  if (space && focused && !region.contains(focused)) {
    const box = focused.getBoundingClientRect();
    const free = window.innerHeight - space;
    if (box.bottom > free && box.top < window.innerHeight) {
      window.scrollBy(0, Math.min(box.bottom - free, box.top) + 8);
    }
  }
}

export function setUpStatus() {
  const region = statusRegion();
  if (!region) {
    return;
  }
  new MutationObserver(makeRoom).observe(region, { childList: true, subtree: true, characterData: true });
  if (window.ResizeObserver) {
    new window.ResizeObserver(makeRoom).observe(region);
  }
  window.addEventListener("resize", makeRoom);
  document.addEventListener("focusin", (e) => {
    lastFocus = e.target;
  });
  makeRoom();
}

export function say(text, isError) {
  const region = statusRegion();
  if (region) {
    replaceChildren(region, el("p", {
      class: "message " + (isError ? "message-error" : "message-success"), text: text
    }));
  }
}

// A new question: "Your vote is saved." was about the last one.
export function clearMessages() {
  const region = statusRegion();
  if (region) {
    region.querySelectorAll(".message:not([data-connecting])").forEach((node) => node.remove());
  }
}

export function setConnecting(on) {
  const region = statusRegion();
  if (!region) {
    return;
  }
  const note = region.querySelector("[data-connecting]");
  if (on && !note) {
    region.appendChild(el("p", { class: "message", "data-connecting": true, text: S.reconnecting }));
  } else if (!on && note) {
    note.remove();
  }
}

export function reloadLink(words) {
  return [words + " ", el("a", { href: location.pathname, text: S.reload })];
}

export function showJoinAgain(why) {
  const region = statusRegion();
  if (!region) {
    return;
  }
  if (why) {
    replaceChildren(region, el("p", { class: "message message-error" }, reloadLink(why)));
    return;
  }
  const link = root.getAttribute("data-join-url");
  replaceChildren(region, el("p", { class: "message message-error" }, link
    ? [S.join_again + " ", el("a", { href: link, text: S.join_link })]
    : reloadLink(S.out_of_date)));
}
