/* The phone: the question of the moment (with its vote form), the results, read aloud. */

import { copyTemplate, el, fillSlot, keepIf, replaceChildren, slot } from "./dom.mjs";
import { fillVoteForm, updateDots, updateReasonRequired } from "./ballot.mjs";
import { buildResults } from "./results.mjs";
import { S, clearMessages, root } from "./page.mjs";
import { current, currentItem, pickPoll, resultsKey } from "./state.mjs";
import { drawTimer } from "./timer.mjs";

let lastResultsKey;

// The question area for this state: the page's own (includes/phone_question.html).
function phoneQuestion(picked) {
  const state = current.state;
  const status = state.meeting.status;
  const item = currentItem(state);
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

// True when the server-rendered results show this poll with this many voters.
function serverDrew(container, poll) {
  const box = container.querySelector("[data-results-for]");
  if (!poll || !box) {
    return !poll && !box;
  }
  return box.getAttribute("data-results-for") === String(poll.id) &&
    container.getAttribute("data-voters") === String(poll.voters);
}

export function renderPhone() {
  const state = current.state;
  const picked = pickPoll(state);
  const area = document.getElementById("question-area");
  const key = picked.poll && picked.open
    ? "poll:" + picked.poll.id
    : "wait:" + state.meeting.status + ":" + (state.meeting.current_item === null ? "" : state.meeting.current_item);
  // Rebuild the question only when it changes, so a half-given answer is never lost.
  if (area && area.getAttribute("data-view-key") !== key) {
    area.setAttribute("data-view-key", key);
    replaceChildren(area, phoneQuestion(picked));
    clearMessages();
    updateDots(area);
    area.querySelectorAll("form.vote-form").forEach(updateReasonRequired);
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
