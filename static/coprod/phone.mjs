/* The phone: the question of the moment (with its vote form), the results, read aloud. */

import { copyTemplate, el, fillSlot, fmt, keepIf, replaceChildren, slot } from "./dom.mjs";
import { enhanceControls, fillVoteForm, updateDots, updateReasonRequired } from "./ballot.mjs";
import { buildResults } from "./results.mjs";
import { S, clearMessages, root } from "./page.mjs";
import { current, currentItem, pickPoll, questionItem, resultsKey } from "./state.mjs";
import { drawTimer } from "./timer.mjs";

let lastResultsKey;

// The question area for this state: the page's own (includes/phone_question.html).
function phoneQuestion(picked) {
  const state = current.state;
  const status = state.meeting.status;
  const item = questionItem(state);
  const voting = !!(picked.poll && picked.open);
  const canVote = root.getAttribute("data-can-vote") === "1";
  const area = copyTemplate("phone-question-template");
  keepIf(area, {
    draft: status === "draft",
    closed: status === "closed",
    item: !!item,
    vote: voting && canVote,
    observer: voting && !canVote,
    wait: !voting && status === "open"
  });
  if (item) {
    slot(area, "item-title").textContent = item.title;
    fillSlot(area, "item-description", item.description);
  }
  if (voting && canVote) {
    fillVoteForm(area, picked.poll);
  } else if (voting) {
    slot(area, "question").textContent = picked.poll.question;
  }
  return area;
}

// What the heading above the question shows, as the page's data-item (phone.html).
function itemKey(item) {
  return item ? [item.id, item.title, item.description || ""].join(":") : "";
}

// "We are talking about: …" for this item, from the page's own markup.
function agendaNow(item) {
  const parts = copyTemplate("phone-question-template");
  const now = parts && parts.querySelector(".agenda-now");
  if (now) {
    slot(now, "item-title").textContent = item.title;
    fillSlot(now, "item-description", item.description);
  }
  return now;
}

// Put the heading of this item in place of the one shown, leaving the vote form as it is
// (a half-given answer is kept).
function updateItem(area, item) {
  const old = area.querySelector(".agenda-now");
  const now = item ? agendaNow(item) : null;
  if (old && now) {
    old.replaceWith(now);
  } else if (old) {
    old.remove();
  } else if (now) {
    area.prepend(now);
  }
}

// True when the server-rendered results show this poll with this many voters.
function serverDrew(container, poll) {
  const box = container.querySelector("[data-results-for]");
  if (!poll || !box) {
    return !poll && !box;
  }
  return box.getAttribute("data-results-for") === String(poll.id) &&
    container.getAttribute("data-voters") === String(poll.voters);
}

// A vote has just opened: bring it onto the screen (the person may be far down the last
// results), and say so: "New question: …" in the page's polite live region, and the
// focus on the question if it was in the question area just replaced.
function showNewQuestion(area, poll, hadFocus) {
  const news = document.getElementById("question-news");
  if (news) {
    news.textContent = fmt(S.new_question, { question: poll.question });
  }
  const heading = area.querySelector(".question");
  if (heading && hadFocus) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
  const top = area.getBoundingClientRect().top;
  const bottom = (heading || area).getBoundingClientRect().bottom;
  const space = parseFloat(document.documentElement.style.getPropertyValue("--status-space")) || 0;
  if (top < 0 || bottom > window.innerHeight - space) {
    const still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    area.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
  }
}

export function renderPhone() {
  const state = current.state;
  // The live updates show each new question: the button for checking is not needed.
  document.querySelectorAll("[data-check-new]").forEach((node) => {
    node.hidden = true;
  });
  const picked = pickPoll(state);
  const area = document.getElementById("question-area");
  const key = picked.poll && picked.open
    ? "poll:" + picked.poll.id
    : "wait:" + state.meeting.status + ":" + (state.meeting.current_item === null ? "" : state.meeting.current_item);
  // Rebuild the question only when it changes, so a half-given answer is never lost.
  if (area && area.getAttribute("data-view-key") !== key) {
    area.setAttribute("data-view-key", key);
    const hadFocus = area.contains(document.activeElement);
    replaceChildren(area, phoneQuestion(picked));
    clearMessages();
    updateDots(area);
    enhanceControls(area);
    area.querySelectorAll("form.vote-form").forEach(updateReasonRequired);
    area.setAttribute("data-item", itemKey(questionItem(state)));
    if (picked.poll && picked.open) {
      showNewQuestion(area, picked.poll, hadFocus);
    }
  }
  // The vote's own item may come after the vote (poll.opened, then agenda.moved).
  const item = questionItem(state);
  if (area && area.getAttribute("data-item") !== itemKey(item)) {
    area.setAttribute("data-item", itemKey(item));
    updateItem(area, item);
  }
  drawTimer(document.getElementById("timer-area"), currentItem(state));
  const results = document.getElementById("results-area");
  if (!results) {
    return;
  }
  const visible = picked.poll && (picked.open ? true : !!picked.poll.result);
  const rkey = visible ? resultsKey(picked.poll) : "";
  if (rkey === lastResultsKey) {
    return;
  }
  const first = lastResultsKey === undefined;
  lastResultsKey = rkey;
  // The server drew the same results: redraw only what has changed since.
  if (first && results.getAttribute("data-drawn") === null && serverDrew(results, picked.poll)) {
    return;
  }
  const children = [];
  if (visible) {
    if (!picked.open) {
      children.push(el("h2", { class: "section-title", text: S.last_vote + ": " + picked.poll.question }));
    }
    children.push(buildResults(picked.poll, false));
  }
  replaceChildren(results, children);
  results.setAttribute("data-drawn", "1");
}

function readAloud() {
  const parts = [];
  const area = document.getElementById("question-area");
  if (area) {
    area.querySelectorAll(".wait, .agenda-now p, .question, .notice, .choice-word, .hint, label, legend")
      .forEach((node) => {
        const text = node.textContent.replace(/\s+/g, " ").trim();
        if (text && parts.indexOf(text) < 0) {
          parts.push(text);
        }
      });
  }
  window.speechSynthesis.cancel();
  const utterance = new window.SpeechSynthesisUtterance(parts.join(". "));
  const lang = (document.documentElement.lang || "en").toLowerCase().split("-")[0];
  utterance.lang = lang === "cy" ? "cy-GB" : "en-GB";
  // A voice of the page's language, one on the device first (it works offline).
  const voices = (window.speechSynthesis.getVoices() || []).filter((voice) =>
    voice.lang.toLowerCase().replace("_", "-").split("-")[0] === lang);
  voices.sort((a, b) => (b.localService ? 1 : 0) - (a.localService ? 1 : 0));
  if (voices.length) {
    utterance.voice = voices[0];
  }
  utterance.rate = 0.9;
  window.speechSynthesis.speak(utterance);
}

// Show the "read this to me" buttons where the browser can speak.
export function setUpReadAloud() {
  if (!("speechSynthesis" in window)) {
    return;
  }
  document.querySelectorAll("[data-read-aloud]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", readAloud);
  });
}
