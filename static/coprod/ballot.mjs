/* The phone's ballot controls: the vote form, reading an answer from it, sending it
 * over the socket (queued until acknowledged, resent with the same client_id), and the
 * dots and reason helpers of the plain form, and the controls that make the plain fields
 * easy on a phone: steppers for dots, tapping options in order for a ranking. */

import {
  copyTemplate, el, fillAttributes, fillWords, fmt, keepIf, repeat, replaceChildren, setTone, slot
} from "./dom.mjs";
import { send, status } from "./connection.mjs";
import { S, cfg, ordinal, optionViews, root, say, setSym, sym } from "./page.mjs";
import {
  dotsCanAdd, dotsCanTakeOff, dotsFromValues, dotsStep, orderFromPlaces, placesOf, rankAdd,
  rankReset, rankUndo
} from "./controls.mjs";
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
    const label = slot(node, "label");
    setSym(label, o.symbol, "l");
    label.querySelector(".option-word").textContent = o.label;
    if (method === "dots") {
      node.querySelector("input").setAttribute("value", given[o.key] ? String(given[o.key]) : "");
      node.querySelectorAll("[data-slot=word]").forEach((word) => { word.textContent = o.label; });
    } else if (method === "ranked") {
      check(node, "option[value='']", ["selected", !place[o.key]]);
      repeat(node, "place", options, (choice, _, index) => {
        choice.setAttribute("value", String(index + 1));
        choice.textContent = ordinal(index + 1);
        choice.toggleAttribute("selected", place[o.key] === index + 1);
      });
    } else {
      repeat(node, "score", cfg.score_words.map((_, n) => n), (button, n) => {
        fillAttributes(button, { n: n });
        check(button, "input", ["checked", scores[o.key] === n]);
        button.querySelector(".score-n").textContent = String(n);
        button.querySelector(".stars").textContent = stars(n);
        button.querySelector(".score-word").textContent = cfg.score_words[n];
      });
    }
  });
  if (method === "ranked") {
    repeat(form, "pick", options, (node, o) => {
      fillAttributes(node, { key: o.key });
      setSym(node, o.symbol, "l");
      slot(node, "word").textContent = o.label;
    });
  }
}

// A score as stars, as display.score_stars draws it.
function stars(n) {
  const most = cfg.score_words.length - 1;
  return "\u2605".repeat(n) + "\u2606".repeat(most - n);
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

function dotInputs(form) {
  return Array.from(form.querySelectorAll("[data-dot-input]"));
}

function dotsGiven(form) {
  const values = {};
  dotInputs(form).forEach((input) => { values[input.name] = input.value; });
  return dotsFromValues(values);
}

function setText(node, text) {
  // Set only a change, so the polite live region speaks only when there is news.
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

function setDisabled(button, off) {
  // aria-disabled, not disabled: the focus stays on a button that has reached its end.
  if (off) {
    button.setAttribute("aria-disabled", "true");
  } else {
    button.removeAttribute("aria-disabled");
  }
}

// "Dots left: N", and on a form with steppers each option's dots as marks and which
// steps can be taken.
export function updateDots(scope) {
  const forms = scope.tagName === "FORM"
    ? [scope]
    : scope.querySelectorAll("form.vote-form[data-method=dots]");
  forms.forEach((form) => {
    const left = form.querySelector("[data-dots-left]");
    if (!left || form.getAttribute("data-method") !== "dots") {
      return;
    }
    const limit = parseInt(form.getAttribute("data-dots"), 10) || 0;
    let used = 0;
    dotInputs(form).forEach((input) => {
      const n = parseInt(input.value, 10);
      used += n > 0 ? n : 0;
    });
    left.hidden = false;
    setText(left, used > limit ? S.dots_over : fmt(S.dots_left, { n: limit - used }));
    left.classList.toggle("over", used > limit);
    const given = dotsGiven(form);
    form.querySelectorAll(".dots .row").forEach((row) => {
      const input = row.querySelector("[data-dot-input]");
      const marks = row.querySelector("[data-dot-marks]");
      const steps = row.querySelectorAll("[data-step]");
      if (!input || !marks || !steps.length || steps[0].hidden) {
        return;
      }
      const n = given[input.name] || 0;
      if (marks.children.length !== n) {
        replaceChildren(marks, Array.from({ length: n }, () => el("span", { class: "dot-mark" })));
      }
      marks.hidden = false;
      steps.forEach((step) => {
        setDisabled(step, step.getAttribute("data-step") === "1"
          ? !dotsCanAdd(given, limit) : !dotsCanTakeOff(given, input.name));
      });
    });
  });
}

function stepDots(button) {
  const form = button.form;
  const input = button.closest(".row").querySelector("[data-dot-input]");
  const limit = parseInt(form.getAttribute("data-dots"), 10) || 0;
  const step = button.getAttribute("data-step") === "1" ? 1 : -1;
  const given = dotsStep(dotsGiven(form), input.name, step, limit);
  const n = given[input.name] || 0;
  input.value = n > 0 ? String(n) : "";
  updateDots(form);
}

// -- tapping options in order (the place drop-downs stay the form's fields) -------------

function rankRows(form) {
  return Array.from(form.querySelectorAll("[data-rank-plain] [data-key]"));
}

function rankOrder(form) {
  const places = {};
  const keys = rankRows(form).map((row) => {
    const key = row.getAttribute("data-key");
    places[key] = row.querySelector("select").value;
    return key;
  });
  return orderFromPlaces(places, keys);
}

function wordOf(node) {
  return node.querySelector(".option-word").textContent;
}

function setRankOrder(form, order) {
  const places = placesOf(order);
  rankRows(form).forEach((row) => {
    const place = places[row.getAttribute("data-key")];
    row.querySelector("select").value = place ? String(place) : "";
  });
  drawRanked(form);
}

function rankPick(form, key) {
  return form.querySelector(".rank-pick[data-key='" + key + "']");
}

// "Your order" and the options still to tap, from the drop-downs' places.
function drawRanked(form) {
  const order = rankOrder(form);
  form.querySelectorAll(".rank-pick").forEach((pick) => {
    pick.hidden = order.indexOf(pick.getAttribute("data-key")) >= 0;
  });
  const items = order.map((key, index) => {
    const pick = rankPick(form, key);
    const image = pick.querySelector("img.sym");
    return el("li", { class: "rank-item" }, [
      el("span", { class: "rank-place", text: ordinal(index + 1) }), " ",
      image ? image.cloneNode(true) : null, " ",
      el("span", { class: "option-word", text: wordOf(pick) })
    ]);
  });
  replaceChildren(form.querySelector("[data-rank-order]"), items);
  form.querySelector("[data-rank-none]").hidden = order.length > 0;
  setDisabled(form.querySelector("[data-rank-undo]"), order.length === 0);
  setDisabled(form.querySelector("[data-rank-reset]"), order.length === 0);
}

function sayOrder(form) {
  const said = form.querySelector("[data-rank-said]");
  const order = rankOrder(form);
  const title = form.querySelector(".rank-title").textContent.trim();
  said.textContent = order.length
    ? title + ": " + order.map((key, i) => ordinal(i + 1) + " " + wordOf(rankPick(form, key))).join(", ")
    : form.querySelector("[data-rank-none]").textContent;
}

function onRankTap(form, button) {
  if (button.getAttribute("aria-disabled") === "true") {
    return;
  }
  const order = rankOrder(form);
  if (button.classList.contains("rank-pick")) {
    const key = button.getAttribute("data-key");
    const next = rankAdd(order, key);
    setRankOrder(form, next);
    form.querySelector("[data-rank-said]").textContent =
      ordinal(next.indexOf(key) + 1) + " " + wordOf(button);
    // The tapped option moved into "Your order": the focus goes to the next one to tap.
    const left = Array.from(form.querySelectorAll(".rank-pick")).filter((pick) => !pick.hidden);
    const after = left.find((pick) =>
      button.compareDocumentPosition(pick) & Node.DOCUMENT_POSITION_FOLLOWING);
    (after || left[left.length - 1] || form.querySelector("[data-rank-undo]")).focus();
    return;
  }
  setRankOrder(form, button.hasAttribute("data-rank-undo") ? rankUndo(order) : rankReset());
  sayOrder(form);
}

// Turn the plain fields of the vote forms in scope into the phone's controls.
export function enhanceControls(scope) {
  scope.querySelectorAll("form.vote-form[data-method=dots] [data-step]").forEach((step) => {
    step.hidden = false;
  });
  scope.querySelectorAll("form.vote-form[data-method=dots]").forEach(updateDots);
  scope.querySelectorAll("form.vote-form[data-method=ranked]").forEach((form) => {
    form.querySelector("[data-rank-plain]").hidden = true;
    form.querySelector("[data-rank-tap]").hidden = false;
    drawRanked(form);
  });
}

export function onControlClick(e) {
  const button = e.target.closest ? e.target.closest("button") : null;
  const form = button && button.form;
  if (!form || !form.classList.contains("vote-form")) {
    return;
  }
  if (button.hasAttribute("data-step")) {
    if (button.getAttribute("aria-disabled") !== "true") {
      stepDots(button);
    }
  } else if (button.matches(".rank-pick, [data-rank-undo], [data-rank-reset]")) {
    onRankTap(form, button);
  }
}

export function updateReasonRequired(form) {
  const reason = form.querySelector("textarea[name$=reason]");
  const objection = form.querySelector("input[name$=choice][value=objection]");
  if (reason && objection) {
    reason.required = objection.checked;
  }
}
