/* The timer of the agenda item we are on: a break's "We start again at 11:15" and the
 * minutes left. The server keeps only the end time and sends it with the agenda; this
 * screen counts down with its own clock, corrected by how far it is from the server's
 * (the snapshot's `clock`), so no message comes each second. */

import { copyTemplate, keepIf, replaceChildren, slot } from "./dom.mjs";

let offset = 0; // the server's clock minus ours, in milliseconds
let ticking = null;

// Note how far our clock is from the server's, from a snapshot just received.
export function noteClock(snapshot) {
  if (typeof snapshot.clock === "number") {
    offset = snapshot.clock - Date.now();
  }
}

function serverNow() {
  return Date.now() + offset;
}

function two(n) {
  return (n < 10 ? "0" : "") + n;
}

// The end as a clock time, as the server writes it (includes/timer.html).
function clockTime(ms) {
  const d = new Date(ms);
  return two(d.getHours()) + ":" + two(d.getMinutes());
}

// Show "Minutes left", "Less than 1 minute left" or "Time is up" in each timer on the page.
export function tick() {
  const timers = document.querySelectorAll("[data-ends-at]");
  timers.forEach((box) => {
    const ends = Date.parse(box.getAttribute("data-ends-at"));
    if (Number.isNaN(ends)) {
      return;
    }
    const seconds = (ends - serverNow()) / 1000;
    const state = seconds <= 0 ? "up" : seconds < 60 ? "soon" : "left";
    box.querySelectorAll("[data-state]").forEach((p) => {
      p.hidden = p.getAttribute("data-state") !== state;
    });
    const left = slot(box, "left");
    const text = state === "left" ? String(Math.ceil(seconds / 60)) : "0";
    // Only a change is written: a screen reader is not told each second.
    if (left && left.textContent !== text) {
      left.textContent = text;
    }
  });
  if (timers.length && ticking === null) {
    ticking = window.setInterval(tick, 1000);
  } else if (!timers.length && ticking !== null) {
    window.clearInterval(ticking);
    ticking = null;
  }
}

// Draw the timer of this agenda item (or none) into the box, unless it is there already.
export function drawTimer(box, item) {
  if (!box) {
    return;
  }
  const key = item && item.ends_at ? item.id + ":" + item.ends_at : "";
  const shown = box.querySelector("[data-timer-key]");
  if ((shown ? shown.getAttribute("data-timer-key") : "") !== key) {
    let timer = null;
    if (key) {
      const parts = copyTemplate("timer-template");
      timer = parts.querySelector("[data-ends-at]");
      const isBreak = item.kind === "break";
      keepIf(timer, { break: isBreak, plain: !isBreak });
      timer.classList.toggle("timer-break", isBreak);
      timer.setAttribute("data-timer-key", key);
      timer.setAttribute("data-ends-at", item.ends_at);
      slot(timer, "at").textContent = clockTime(Date.parse(item.ends_at));
    }
    replaceChildren(box, timer);
  }
  tick();
}
