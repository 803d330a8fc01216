/* The phone's ballot controls: the vote form, reading an answer from it, sending it
 * over the socket (queued until acknowledged, resent with the same client_id), and the
 * dots and reason helpers of the plain form. */

import {
  copyTemplate, fillAttributes, fillWords, fmt, keepIf, repeat, replaceChildren, setTone, slot
} from "./dom.mjs";
import { send, status } from "./connection.mjs";
import { S, cfg, ordinal, optionViews, root, say, sym } from "./page.mjs";
import { current, findPoll } from "./state.mjs";

const QUEUE_KEY = "coprod.queue." + (root.getAttribute("data-meeting") || "");
let queue = loadQueue();

function isFixed(method) {
  return Object.prototype.hasOwnProperty.call(cfg.fixed, method);
}

export function uuid4() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  if (window.crypto && window.crypto.getRandomValues) {
    window.crypto.getRandomValues(bytes);
  } else {
    for (let i = 0; i < 16; i++) {
      bytes[i] = Math.floor(Math.random() * 256);
    }
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => (b + 0x100).toString(16).slice(1)).join("");
  return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
    hex.slice(16, 20) + "-" + hex.slice(20);
}

// -- the form --------------------------------------------------------------------------

function answerText(poll, answer) {
  const labels = {};
  optionViews(poll).forEach((o) => { labels[o.key] = o.label; });
  const label = (k) => labels[k] || k;
  if (answer.choice !== undefined) {
    return label(answer.choice);
  }
  if (answer.dots) {
    return Object.keys(answer.dots).map((k) => label(k) + ": " + answer.dots[k]).join(", ");
  }
  if (answer.ranking) {
    return answer.ranking.map((k, i) => ordinal(i + 1) + " " + label(k)).join(", ");
  }
  if (answer.scores) {
    return Object.keys(answer.scores).map((k) => label(k) + ": " + answer.scores[k]).join(", ");
  }
  return "";
}

// The words under the question once this phone has voted, from the page's pattern.
function voteStatus(poll) {
  const me = current.state && current.state.me;
  const pattern = copyTemplate("phone-question-template");
  const box = pattern && pattern.querySelector("[data-vote-status]");
  if (!box || !me || me.voted.indexOf(String(poll.id)) < 0) {
    return [];
  }
  const answer = me.answers[String(poll.id)];
  const text = answer ? answerText(poll, answer) : "";
  keepIf(box, { voted: true, answer: !!text });
  if (text) {
    slot(box, "answer").textContent = text;
  }
  return Array.from(box.childNodes);
}

function check(node, selector, on) {
  node.querySelector(selector).toggleAttribute(on[0], on[1]);
}

// Fill the fields of the vote form for this poll's method, with this phone's answer.
function fillFields(form, poll, options, answer) {
  const method = poll.method;
  keepIf(form, {
    choices: isFixed(method), consent: method === "consent", dots: method === "dots",
    ranked: method === "ranked", score: method === "score"
  });
  if (isFixed(method)) {
    repeat(form, "option", options, (node, o) => {
      setTone(node, o.tone);
      fillAttributes(node, { key: o.key });
      check(node, "input", ["checked", answer.choice === o.key]);
      const image = sym(o.symbol, "l");
      if (image) {
        slot(node, "choice").prepend(image);
      }
      node.querySelector(".choice-word").textContent = o.label;
    });
    const reason = form.querySelector("textarea[name=reason]");
    if (reason) {
      reason.textContent = answer.reason || "";
    }
    return;
  }
  const given = answer.dots || {};
  const place = {};
  (answer.ranking || []).forEach((k, i) => { place[k] = i + 1; });
  const scores = answer.scores || {};
  repeat(form, "option", options, (node, o) => {
    fillAttributes(node, { key: o.key });
    replaceChildren(slot(node, "label"), [sym(o.symbol), " " + o.label]);
    if (method === "dots") {
      node.querySelector("input").setAttribute("value", given[o.key] ? String(given[o.key]) : "");
    } else if (method === "ranked") {
      check(node, "option[value='']", ["selected", !place[o.key]]);
      repeat(node, "place", options, (choice, _, index) => {
        choice.setAttribute("value", String(index + 1));
        choice.textContent = ordinal(index + 1);
        choice.toggleAttribute("selected", place[o.key] === index + 1);
      });
    } else {
      repeat(node, "score", [0, 1, 2, 3, 4, 5], (button, n) => {
        fillAttributes(button, { n: n });
        check(button, "input", ["checked", scores[o.key] === n]);
        button.querySelector(".box").textContent = String(n);
      });
    }
  });
}

// Fill the vote form in scope (the page's own, includes/vote_form.html) for this poll.
export function fillVoteForm(scope, poll) {
  const me = current.state.me || { answers: {}, voted: [], supports: [] };
  const form = scope.querySelector("form.vote-form");
  form.setAttribute("action", form.getAttribute("action").replace(/\/0\/$/, "/" + poll.id + "/"));
  form.setAttribute("data-method", poll.method);
  form.setAttribute("data-secret", poll.secret ? "1" : "0");
  fillAttributes(form, { poll: poll.id, dots: poll.dots });
  form.querySelector("input[name=client_id]").value = uuid4();
  slot(form, "question").textContent = poll.question;
  fillWords(form, "dots-intro", { dots: poll.dots });
  keepIf(form, { secret: poll.secret, named: !poll.secret, supports: (me.supports || []).length > 0 });
  replaceChildren(form.querySelector("[data-vote-status]"), voteStatus(poll));
  const answer = (poll.secret ? null : me.answers[String(poll.id)]) || {};
  fillFields(form, poll, optionViews(poll), answer);
  repeat(form, "support", me.supports || [], (node, s) => {
    node.querySelector("input").setAttribute("value", String(s.id));
    fillWords(node, "with", { name: s.name });
  });
}

// -- reading and sending an answer -----------------------------------------------------

function readAnswer(form, poll) {
  const method = poll.method;
  if (isFixed(method)) {
    const checked = form.querySelector("input[name=choice]:checked");
    if (!checked) {
      return { error: S.choose };
    }
    const answer = { choice: checked.value };
    const reason = form.querySelector("textarea[name=reason]");
    if (reason && reason.value.trim()) {
      answer.reason = reason.value;
    }
    return { answer: answer };
  }
  const keys = poll.options.map((o) => o.key);
  if (method === "dots") {
    const dots = {};
    keys.forEach((k) => {
      const input = form.querySelector("input[name='dots_" + k + "']");
      const n = input ? parseInt(input.value, 10) : 0;
      if (n > 0) {
        dots[k] = n;
      }
    });
    return { answer: { dots: dots } };
  }
  if (method === "ranked") {
    const placed = [];
    keys.forEach((k) => {
      const select = form.querySelector("select[name='rank_" + k + "']");
      if (select && select.value) {
        placed.push([parseInt(select.value, 10), k]);
      }
    });
    placed.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < placed.length; i++) {
      if (placed[i][0] === placed[i - 1][0]) {
        return { error: S.rank_dup };
      }
    }
    return { answer: { ranking: placed.map((p) => p[1]) } };
  }
  const scores = {};
  keys.forEach((k) => {
    const box = form.querySelector("input[name='score_" + k + "']:checked");
    if (box) {
      scores[k] = parseInt(box.value, 10);
    }
  });
  return { answer: { scores: scores } };
}

function setBusy(form, busy) {
  const button = form.querySelector("button[type=submit]");
  if (button) {
    button.disabled = busy;
  }
}

function formFor(pollId) {
  return root.querySelector("form.vote-form[data-poll='" + pollId + "']");
}

export function onSubmit(e) {
  const form = e.target;
  if (!form.classList || !form.classList.contains("vote-form")) {
    return;
  }
  // Never connected (a proxy may block websockets): let the plain form do the work.
  if (!status.everConnected || status.stopped || !current.state) {
    return;
  }
  const pollId = parseInt(form.getAttribute("data-poll"), 10);
  const poll = findPoll(current.state, pollId);
  if (!poll) {
    return;
  }
  e.preventDefault();
  const read = readAnswer(form, poll);
  if (read.error) {
    say(read.error, true);
    return;
  }
  const message = { type: "ballot.cast", poll: pollId, client_id: uuid4(), answer: read.answer };
  const whose = form.querySelector("input[name=for_member]:checked");
  const forMember = whose && whose.value ? parseInt(whose.value, 10) : null;
  if (forMember) {
    message.for_member = forMember;
  }
  queue.push(message);
  saveQueue();
  setBusy(form, true);
  say(send(message) ? S.sending : S.queued, false);
}

function takeFromQueue(clientId) {
  let taken = null;
  queue = queue.filter((m) => {
    if (m.client_id === clientId) {
      taken = m;
      return false;
    }
    return true;
  });
  saveQueue();
  return taken;
}

export function onAck(ack) {
  const sent = takeFromQueue(ack.client_id);
  if (sent === null) {
    return;
  }
  const state = current.state;
  const poll = findPoll(state, sent.poll);
  if (state.me && !sent.for_member) {
    if (state.me.voted.indexOf(String(sent.poll)) < 0) {
      state.me.voted.push(String(sent.poll));
    }
    if (poll && !poll.secret) {
      state.me.answers[String(sent.poll)] = sent.answer;
    }
  }
  const form = formFor(sent.poll);
  if (form) {
    setBusy(form, false);
    const box = form.querySelector("[data-vote-status]");
    if (box && poll && !sent.for_member) {
      replaceChildren(box, voteStatus(poll));
    }
    const id = form.querySelector("input[name=client_id]");
    if (id) {
      id.value = uuid4();
    }
  }
  if (sent.for_member) {
    const supported = ((state.me && state.me.supports) || []).find((s) => s.id === sent.for_member);
    say(fmt(S.saved_with, { name: supported ? supported.name : "" }), false);
  } else {
    say(S.saved, false);
  }
}

export function onError(error) {
  if (error.code === "rate_limited") {
    // The vote stays queued and goes again in a moment, with the same client_id.
    say(error.message, true);
    window.setTimeout(flushQueue, 3000);
    return;
  }
  const failed = error.ref ? takeFromQueue(error.ref) : null;
  if (failed) {
    const form = formFor(failed.poll);
    if (form) {
      setBusy(form, false);
    }
  }
  say(error.message, true);
}

function loadQueue() {
  try {
    const stored = window.sessionStorage.getItem(QUEUE_KEY);
    const parsed = stored ? JSON.parse(stored) : [];
    return Array.isArray(parsed) ? parsed : [];
  } catch (err) {
    return [];
  }
}

function saveQueue() {
  try {
    window.sessionStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
  } catch (err) {
    // Private browsing may refuse storage; the queue still lives in memory.
  }
}

export function flushQueue() {
  // Resent with the same client_id: the server counts each ballot once.
  queue.forEach((message) => { send(message); });
}

export function dropQueue() {
  queue = [];
  saveQueue();
}

// -- helpers of the plain form ---------------------------------------------------------

export function updateDots(scope) {
  const forms = scope.tagName === "FORM"
    ? [scope]
    : scope.querySelectorAll("form.vote-form[data-method=dots]");
  forms.forEach((form) => {
    const limit = parseInt(form.getAttribute("data-dots"), 10) || 0;
    let used = 0;
    form.querySelectorAll("[data-dot-input]").forEach((input) => {
      const n = parseInt(input.value, 10);
      used += n > 0 ? n : 0;
    });
    const left = form.querySelector("[data-dots-left]");
    if (!left || form.getAttribute("data-method") !== "dots") {
      return;
    }
    left.hidden = false;
    left.textContent = used > limit ? S.dots_over : fmt(S.dots_left, { n: limit - used });
    left.classList.toggle("over", used > limit);
  });
}

export function updateReasonRequired(form) {
  const reason = form.querySelector("textarea[name$=reason]");
  const objection = form.querySelector("input[name$=choice][value=objection]");
  if (reason && objection) {
    reason.required = objection.checked;
  }
}
