/* coprod live client: makes the server-rendered phone, projector and console pages live.
 *
 * One small file, no framework, no build step. The page works without it; this script
 * connects to the meeting's websocket, keeps the state from the `snapshot` message,
 * applies events exactly as deliberation/protocol.py `apply_event` does, and re-renders
 * the live parts of the page from that state. It builds the DOM with textContent only,
 * never innerHTML with text from the server.
 */
(function () {
  "use strict";

  // Under Node (tests/views/test_live_js.py) only the pure state logic is wanted.
  if (typeof module === "object" && module.exports) {
    module.exports = { applyEvent: applyEvent, needsSnapshot: needsSnapshot };
    return;
  }

  var root = document.getElementById("live");
  var configNode = document.getElementById("live-config");
  if (!root || !configNode || !window.WebSocket || !window.JSON) {
    return;
  }
  var cfg = JSON.parse(configNode.textContent);
  var S = cfg.strings;
  var kind = root.getAttribute("data-live"); // "phone", "projector" or "console"
  var meetingId = root.getAttribute("data-meeting") || "";
  var QUEUE_KEY = "coprod.queue." + meetingId;
  var CLOSE_NOT_ALLOWED = 4403;
  // Closed because this person opened newer screens of the meeting, or for a flood of
  // messages: reconnecting would only close another screen, or flood again.
  var CLOSE_TOO_MANY_SCREENS = 4409;
  var CLOSE_FLOOD = 4008;
  var MAX_DELAY = 30000;

  var state = null;
  var socket = null;
  var attempt = 0;
  var everConnected = false;
  var stopped = false;
  var lastResultsKey = {};
  var peopleDirty = false;
  var retryTimer = null;
  var queue = loadQueue();

  // -- following the server's events: mirrors protocol.apply_event -------------------

  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function applyEvent(old, event) {
    var next = clone(old);
    var type = event.type;
    var i;
    // A tally or a heartbeat only reports the version; it does not bring the changes.
    if ("version" in event && type !== "tally.updated" && type !== "meeting.heartbeat") {
      next.version = event.version;
    }
    if (type === "meeting.status") {
      next.meeting.status = event.status;
      next.meeting.current_item = event.current_item;
    } else if (type === "agenda.moved") {
      next.meeting.current_item = event.current_item;
    } else if (type === "agenda.changed") {
      next.agenda = event.agenda;
    } else if (
      type === "poll.created" || type === "poll.opened" ||
      type === "poll.updated" || type === "poll.closed"
    ) {
      var poll = event.poll;
      var existing = null;
      var polls = [];
      for (i = 0; i < next.polls.length; i++) {
        if (next.polls[i].id === poll.id) {
          existing = next.polls[i];
        } else {
          polls.push(next.polls[i]);
        }
      }
      if (existing !== null && poll.status === "open" && poll.result === null) {
        // Settings changed mid-vote: keep the running count the screen already has.
        poll = Object.assign({}, poll, { voters: existing.voters, result: existing.result });
      }
      polls.push(poll);
      polls.sort(function (a, b) { return a.id - b.id; });
      next.polls = polls;
    } else if (type === "tally.updated") {
      for (i = 0; i < next.polls.length; i++) {
        if (next.polls[i].id === event.poll) {
          next.polls[i].voters = event.voters;
          next.polls[i].result = event.result;
        }
      }
    } else if (type === "decision.recorded") {
      next.decisions = next.decisions.concat([event.decision]);
    } else if (type === "recap.changed") {
      next.recap = event.recap;
    } else if (type === "attendance.counts") {
      next.attendance = { present: event.present, waiting: event.waiting };
    } else if (type === "attendance.changed") {
      next.attendance = { present: event.present, waiting: event.waiting };
      next.people = event.people;
    }
    return next;
  }

  // A tally or a heartbeat ahead of our version, or a change that skips one, means a
  // broadcast was lost on the way: read a whole snapshot again (protocol.needs_snapshot).
  function needsSnapshot(current, event) {
    if (typeof event.version !== "number") {
      return false;
    }
    if (event.type === "tally.updated" || event.type === "meeting.heartbeat") {
      return event.version > current.version;
    }
    return event.version > current.version + 1;
  }

  // -- the connection ----------------------------------------------------------------

  function wsUrl() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + root.getAttribute("data-ws-url");
  }

  function isOpen() {
    return socket !== null && socket.readyState === WebSocket.OPEN;
  }

  function send(message) {
    if (!isOpen()) {
      return false;
    }
    socket.send(JSON.stringify(message));
    return true;
  }

  function connect() {
    retryTimer = null;
    if (stopped || socket !== null) {
      return;
    }
    try {
      socket = new WebSocket(wsUrl());
    } catch (err) {
      scheduleReconnect();
      return;
    }
    var opened = false;
    socket.onopen = function () {
      opened = true;
      everConnected = true;
      setConnecting(false);
    };
    socket.onmessage = function (e) {
      var message;
      try {
        message = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      onMessage(message);
    };
    socket.onclose = function (e) {
      socket = null;
      if (e.code === CLOSE_NOT_ALLOWED) {
        stop();
      } else if (e.code === CLOSE_TOO_MANY_SCREENS || e.code === CLOSE_FLOOD) {
        stop(S.other_screen);
      } else if (!opened) {
        probe();
      } else {
        scheduleReconnect();
      }
    };
  }

  function stop(why) {
    stopped = true;
    queue = [];
    saveQueue();
    showJoinAgain(why);
  }

  // A socket that never opened (server down, or the handshake refused before our
  // consumer could give its 4403 code) says nothing, so ask the page itself: if it no
  // longer opens (sent to join, sign-in or gone), do not retry.
  function probe() {
    if (!window.fetch) {
      scheduleReconnect();
      return;
    }
    window.fetch(location.pathname, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 403 || response.status === 404) {
          stop();
        } else {
          scheduleReconnect();
        }
      }, scheduleReconnect);
  }

  function scheduleReconnect() {
    if (stopped) {
      return;
    }
    // Exponential back-off from 1 s to 30 s, with jitter so phones do not return together.
    var ceiling = Math.min(MAX_DELAY, 1000 * Math.pow(2, attempt));
    var delay = ceiling / 2 + Math.random() * ceiling / 2;
    attempt += 1;
    if (everConnected) {
      setConnecting(true);
    }
    retryTimer = window.setTimeout(connect, delay);
  }

  // A phone that wakes up or finds its network again tries at once, not after the back-off.
  function reconnectNow() {
    if (stopped || socket !== null || document.visibilityState === "hidden") {
      return;
    }
    if (retryTimer !== null) {
      window.clearTimeout(retryTimer);
    }
    attempt = 0;
    connect();
  }

  function requestSnapshot() {
    send({ type: "snapshot.request" });
  }

  function onMessage(message) {
    if (message.type === "snapshot") {
      state = message;
      attempt = 0;
      render();
      flushQueue();
    } else if (message.type === "ballot.ack") {
      onAck(message);
    } else if (message.type === "error") {
      onError(message);
    } else if (message.type === "pong") {
      return;
    } else if (state !== null) {
      onEvent(message);
    }
  }

  var behindTimer = null;

  function onEvent(event) {
    if (event.type === "meeting.heartbeat") {
      // The change's own broadcast may simply be a moment behind its heartbeat: look
      // again after a second or two (spread out, so a room does not ask all at once).
      if (needsSnapshot(state, event) && behindTimer === null) {
        behindTimer = window.setTimeout(function () {
          behindTimer = null;
          if (state !== null && needsSnapshot(state, event)) {
            requestSnapshot();
          }
        }, 1000 + Math.random() * 2000);
      }
      return;
    }
    if (needsSnapshot(state, event)) {
      requestSnapshot(); // we missed a change: read the whole state again
      return;
    }
    if (event.type !== "tally.updated" && typeof event.version === "number" &&
        event.version <= state.version) {
      return; // already in the snapshot we hold
    }
    state = applyEvent(state, event);
    render();
  }

  // -- small DOM helpers ---------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    var key;
    if (attrs) {
      for (key in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, key)) {
          continue;
        }
        var value = attrs[key];
        if (value === null || value === undefined || value === false) {
          continue;
        }
        if (key === "class") {
          node.className = value;
        } else if (key === "text") {
          node.textContent = value;
        } else {
          node.setAttribute(key, value === true ? "" : String(value));
        }
      }
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === null || children === undefined || children === false) {
      return node;
    }
    if (!Array.isArray(children)) {
      children = [children];
    }
    for (var i = 0; i < children.length; i++) {
      var child = children[i];
      if (child === null || child === undefined || child === false) {
        continue;
      }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function replaceChildren(node, children) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
    append(node, children);
  }

  function sym(name, size) {
    var url = name && cfg.symbols[name];
    if (!url) {
      return null;
    }
    return el("img", {
      class: "sym sym-" + (size || "m"), src: url, alt: "", width: 48, height: 48
    });
  }

  function fmt(text, params) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) {
      return params[name] !== undefined ? String(params[name]) : match;
    });
  }

  function say(text, isError) {
    var region = document.getElementById("live-status");
    if (!region) {
      return;
    }
    replaceChildren(region, el("p", {
      class: "message " + (isError ? "message-error" : "message-success"), text: text
    }));
  }

  // A new question: "Your vote is saved." was about the last one.
  function clearMessages() {
    var region = document.getElementById("live-status");
    if (!region) {
      return;
    }
    Array.prototype.forEach.call(region.querySelectorAll(".message:not([data-connecting])"), function (node) {
      node.parentNode.removeChild(node);
    });
  }

  function setConnecting(on) {
    var region = document.getElementById("live-status");
    if (!region || stopped) {
      return;
    }
    var note = region.querySelector("[data-connecting]");
    if (on && !note) {
      region.appendChild(el("p", {
        class: "message", "data-connecting": true, text: S.reconnecting
      }));
    } else if (!on && note) {
      note.parentNode.removeChild(note);
    }
  }

  function showJoinAgain(why) {
    var region = document.getElementById("live-status");
    if (!region) {
      return;
    }
    if (why) {
      replaceChildren(region, el("p", { class: "message message-error" },
        [why + " ", el("a", { href: location.pathname, text: S.reload })]));
      return;
    }
    var link = root.getAttribute("data-join-url");
    replaceChildren(region, el("p", { class: "message message-error" }, link
      ? [S.join_again + " ", el("a", { href: link, text: S.join_link })]
      : [S.out_of_date + " ", el("a", { href: location.pathname, text: S.reload })]));
  }

  function uuid4() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) {
        bytes[i] = Math.floor(Math.random() * 256);
      }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // -- words and shapes: mirror deliberation/views/display.py -------------------------

  function optionViews(poll) {
    var fixed = Object.prototype.hasOwnProperty.call(cfg.fixed, poll.method);
    return poll.options.map(function (o) {
      var symbol = o.symbol || o.key;
      return {
        key: o.key,
        label: fixed && cfg.choices[o.key] ? cfg.choices[o.key] : o.label,
        symbol: cfg.symbols[symbol] ? symbol : "",
        tone: fixed ? (cfg.tones[o.key] || "neutral") : "option"
      };
    });
  }

  function ordinal(n) {
    return n > 0 && n <= cfg.ordinals.length ? cfg.ordinals[n - 1] : String(n);
  }

  function number(value) {
    return Number(value) % 1 === 0 ? String(Number(value)) : Number(value).toFixed(1);
  }

  function roundHalfEven(x) {
    var rounded = Math.round(x);
    if (Math.abs(x % 1) === 0.5) {
      rounded = 2 * Math.round(x / 2);
    }
    return rounded;
  }

  function percent(share) {
    return roundHalfEven((share || 0) * 100);
  }

  function votersText(n) {
    return fmt(S.voters, { n: n });
  }

  function groupLabel(key) {
    return cfg.groups[key] || key;
  }

  function pickPoll(snapshot) {
    var polls = snapshot.polls;
    var i;
    for (i = 0; i < polls.length; i++) {
      if (polls[i].status === "open") {
        return { poll: polls[i], open: true };
      }
    }
    var best = null;
    for (i = 0; i < polls.length; i++) {
      var p = polls[i];
      if (p.status === "closed" && p.agenda_item === snapshot.meeting.current_item) {
        if (best === null || p.id > best.id) {
          best = p;
        }
      }
    }
    return { poll: best, open: false };
  }

  function currentItem(snapshot) {
    for (var i = 0; i < snapshot.agenda.length; i++) {
      if (snapshot.agenda[i].id === snapshot.meeting.current_item) {
        return snapshot.agenda[i];
      }
    }
    return null;
  }

  function findPoll(pollId) {
    if (!state) {
      return null;
    }
    for (var i = 0; i < state.polls.length; i++) {
      if (state.polls[i].id === pollId) {
        return state.polls[i];
      }
    }
    return null;
  }

  // -- results: mirrors display.build_results and includes/results.html --------------

  function rows(options, totals, shares) {
    return options.map(function (o) {
      return {
        option: o,
        value: number(totals[o.key] || 0),
        share: percent(shares[o.key] || 0)
      };
    });
  }

  function barList(list, small) {
    return el("ul", { class: small ? "bars small" : "bars" }, list.map(function (r) {
      var bar = el("span", { class: "bar" });
      bar.style.width = r.share + "%";
      return el("li", { class: "bar-row tone-" + r.option.tone }, [
        el("span", { class: "bar-label" }, [sym(r.option.symbol), " " + r.option.label]),
        el("span", { class: "bar-track", "aria-hidden": "true" }, bar),
        el("span", { class: "bar-value", text: r.value + " · " + r.share + "%" })
      ]);
    }));
  }

  function buildResults(poll, showCount, level) {
    var h1 = "h" + level;
    var h2 = "h" + Math.min(level + 1, 6);
    var h3 = "h" + Math.min(level + 2, 6);
    var box = el("div", { class: "results", "data-results-for": poll.id });
    var closed = poll.status === "closed";
    var result = poll.result;
    if (poll.results_hidden && !closed) {
      append(box, el("p", { class: "results-hidden" }, [sym("vote"), " " + S.hidden]));
      if (showCount) {
        append(box, el("p", { class: "voters", text: votersText(poll.voters || 0) }));
      }
      return box;
    }
    if (!result) {
      append(box, el("p", { class: "voters" }, [sym("people"), " " + S.no_votes]));
      return box;
    }
    var options = optionViews(poll);
    var labels = {};
    options.forEach(function (o) { labels[o.key] = o.label; });
    var outcome = result.outcome || {};
    var primary = outcome.weighting;
    var order = [];
    [primary].concat(cfg.weighting_order).forEach(function (w) {
      if (result.weightings[w] && order.indexOf(w) < 0) {
        order.push(w);
      }
    });

    append(box, el(h1, { class: "results-title", text: closed ? S.results : S.results_so_far }));
    append(box, el("p", { class: "voters" }, [sym("people"), " " + votersText(result.voters)]));

    var verdict = el("div", { class: "outcome" });
    if (outcome.passed === true) {
      append(verdict, el("p", { class: "outcome-verdict passed" },
        [sym("agree"), " ", el("strong", { text: S.passed })]));
    } else if (outcome.passed === false) {
      append(verdict, el("p", { class: "outcome-verdict not-passed" },
        [sym("disagree"), " ", el("strong", { text: S.not_passed })]));
    }
    if (outcome.winner && labels[outcome.winner]) {
      append(verdict, el("p", { class: "outcome-verdict winner" },
        [sym("decision"), " " + S.winner + " ", el("strong", { text: labels[outcome.winner] })]));
    }
    if (outcome.reasons && outcome.reasons.length) {
      append(verdict, el("ul", { class: "reasons" }, outcome.reasons.map(function (r) {
        return el("li", { text: cfg.reasons[r] || r });
      })));
    }
    append(box, verdict);

    if (poll.method === "ranked") {
      append(box, el("p", { class: "hint", text: S.borda }));
    }
    order.forEach(function (w) {
      var data = result.weightings[w];
      append(box, el("section", { class: w === primary ? "weighting primary" : "weighting" }, [
        el(h2, { text: cfg.weightings[w] }),
        barList(rows(options, data.totals, data.shares), false)
      ]));
    });

    if (result.protected) {
      append(box, el("p", { class: "notice" }, [sym("safety"), " " + S.protected]));
    } else {
      var ground = options.filter(function (o) {
        return (result.common_ground || []).indexOf(o.key) >= 0;
      });
      append(box, el("section", { class: "common-ground" }, [
        el(h2, { text: S.common_ground }),
        ground.length
          ? el("ul", { class: "tags" }, ground.map(function (o) {
            return el("li", { class: "tag tone-" + o.tone }, [sym(o.symbol), " " + o.label]);
          }))
          : el("p", { text: S.common_none })
      ]));
    }

    var groups = [];
    cfg.group_order.forEach(function (key) {
      var g = (result.by_constituency || {})[key];
      if (!g) {
        return;
      }
      groups.push(el("div", { class: "group-result" }, [
        el(h3, null, [sym(cfg.group_symbols[key]), " " + groupLabel(key)]),
        el("p", { class: "voters", text: votersText(g.voters) }),
        barList(rows(options, g.totals, g.shares), true)
      ]));
    });
    (result.suppressed || []).forEach(function (key) {
      groups.push(el("div", { class: "group-result suppressed" }, [
        el(h3, { text: groupLabel(key) }),
        el("p", { text: S.suppressed })
      ]));
    });
    if (groups.length) {
      append(box, el("section", { class: "by-group" }, [
        el(h2, { text: S.by_group }),
        el("div", { class: "group-grid" }, groups)
      ]));
    }

    var ranked = result.ranked;
    var irv = null;
    if (ranked && ranked.irv) {
      irv = ranked.irv[primary] || ranked.irv[order[0]] || null;
    }
    if (irv && irv.rounds && irv.rounds.length) {
      var eliminated = irv.eliminated || [];
      append(box, el("section", { class: "rounds" }, [
        el(h2, { text: S.rounds }),
        el("ol", { class: "round-list" }, irv.rounds.map(function (counts, index) {
          var parts = Object.keys(counts).map(function (k) {
            return (labels[k] || k) + " " + number(counts[k]);
          });
          var out = index < eliminated.length ? labels[eliminated[index]] || "" : "";
          return el("li", null, [
            el("strong", { text: fmt(S.round, { n: index + 1 }) + ":" }),
            " " + parts.join(", ") + ". ",
            out ? fmt(S.out, { name: out }) : null
          ]);
        }))
      ]));
    }

    if (result.objections && result.objections.length) {
      append(box, el("section", { class: "objections" }, [
        el(h2, null, [sym("objection"), " " + S.objections]),
        el("ul", null, result.objections.map(function (r) { return el("li", { text: r }); }))
      ]));
    }
    return box;
  }

  function resultsKey(poll) {
    return poll ? JSON.stringify([poll.id, poll.status, poll.results_hidden, poll.voters, poll.result]) : "";
  }

  // -- the phone -----------------------------------------------------------------------

  function answerText(poll, answer) {
    var labels = {};
    optionViews(poll).forEach(function (o) { labels[o.key] = o.label; });
    if (answer.choice !== undefined) {
      return labels[answer.choice] || answer.choice;
    }
    if (answer.dots) {
      return Object.keys(answer.dots).map(function (k) {
        return (labels[k] || k) + ": " + answer.dots[k];
      }).join(", ");
    }
    if (answer.ranking) {
      return answer.ranking.map(function (k, i) {
        return ordinal(i + 1) + " " + (labels[k] || k);
      }).join(", ");
    }
    if (answer.scores) {
      return Object.keys(answer.scores).map(function (k) {
        return (labels[k] || k) + ": " + answer.scores[k];
      }).join(", ");
    }
    return "";
  }

  function voteStatus(poll) {
    var me = state && state.me;
    if (!me || me.voted.indexOf(String(poll.id)) < 0) {
      return [];
    }
    var answer = me.answers[String(poll.id)];
    var text = answer ? answerText(poll, answer) : "";
    return [
      el("p", { class: "saved" }, [
        sym("decision"), " " + S.saved + " ",
        text ? S.your_answer + " " : null,
        text ? el("strong", { text: text }) : null
      ]),
      el("p", { text: S.can_change })
    ];
  }

  function voteFields(poll, answer) {
    var options = optionViews(poll);
    var id = poll.id;
    var parts = [];
    answer = answer || {};
    if (Object.prototype.hasOwnProperty.call(cfg.fixed, poll.method)) {
      parts.push(el("fieldset", { class: "choices", "aria-labelledby": "question-" + id },
        options.map(function (o) {
            return el("label", { class: "choice tone-" + o.tone }, [
              el("input", {
                type: "radio", class: "sr-input", name: "choice", value: o.key, required: true,
                checked: answer.choice === o.key
              }),
              el("span", { class: "choice-body" }, [
                sym(o.symbol, "l"), el("span", { class: "choice-word", text: o.label })
              ])
            ]);
          })
      ));
      if (poll.method === "consent") {
        parts.push(el("div", { class: "field reason" }, [
          el("label", { for: "reason-" + id, text: S.reason }),
          el("p", { class: "hint", id: "reason-help-" + id, text: S.reason_help }),
          el("textarea", {
            name: "reason", id: "reason-" + id, rows: 3, maxlength: 1000,
            "aria-describedby": "reason-help-" + id, text: answer.reason || ""
          })
        ]));
      }
    } else if (poll.method === "dots") {
      var given = answer.dots || {};
      parts.push(el("fieldset", { class: "dots", "aria-labelledby": "question-" + id }, [
        el("p", { class: "hint", text: fmt(S.dots_intro, { n: poll.dots }) }),
        el("p", { class: "dots-left", "data-dots-left": true, "aria-live": "polite", hidden: true })
      ].concat(options.map(function (o) {
        var fieldId = "dots_" + o.key + "-" + id;
        return el("div", { class: "row" }, [
          el("label", { for: fieldId }, [sym(o.symbol), " " + o.label]),
          el("input", {
            type: "number", inputmode: "numeric", min: 0, max: poll.dots, class: "number-input",
            "data-dot-input": true, name: "dots_" + o.key, id: fieldId,
            value: given[o.key] ? String(given[o.key]) : ""
          })
        ]);
      }))));
    } else if (poll.method === "ranked") {
      var place = {};
      (answer.ranking || []).forEach(function (k, i) { place[k] = String(i + 1); });
      parts.push(el("fieldset", { class: "ranked", "aria-labelledby": "question-" + id }, [
        el("p", { class: "hint", text: S.ranked_intro })
      ].concat(options.map(function (o) {
        var fieldId = "rank_" + o.key + "-" + id;
        var choices = [el("option", { value: "", text: S.not_ranked, selected: !place[o.key] })];
        for (var n = 1; n <= options.length; n++) {
          choices.push(el("option", {
            value: String(n), text: ordinal(n), selected: place[o.key] === String(n)
          }));
        }
        return el("div", { class: "row" }, [
          el("label", { for: fieldId }, [sym(o.symbol), " " + o.label]),
          el("select", { name: "rank_" + o.key, id: fieldId }, choices)
        ]);
      }))));
    } else if (poll.method === "score") {
      var scores = answer.scores || {};
      parts.push(el("div", { class: "score" }, [el("p", { class: "hint", text: S.score_intro })]
        .concat(options.map(function (o) {
          var buttons = [];
          for (var n = 0; n <= 5; n++) {
            buttons.push(el("label", { class: "score-button" }, [
              el("input", {
                type: "radio", class: "sr-input", name: "score_" + o.key, value: String(n),
                required: true, checked: scores[o.key] === n
              }),
              el("span", { class: "box", text: String(n) })
            ]));
          }
          return el("fieldset", { class: "score-row" }, [
            el("legend", null, [sym(o.symbol), " " + o.label]),
            el("div", { class: "score-buttons" }, buttons)
          ]);
        }))));
    }
    return parts;
  }

  function voteForm(poll) {
    var me = state.me || { answers: {}, voted: [], supports: [] };
    var action = (root.getAttribute("data-vote-url") || "").replace(/\/0\/$/, "/" + poll.id + "/");
    var children = [
      el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrfToken() }),
      el("input", { type: "hidden", name: "client_id", value: uuid4() }),
      el("h2", { class: "question", id: "question-" + poll.id, text: poll.question })
    ];
    if (poll.secret) {
      children.push(el("p", { class: "notice secret" }, [sym("safety"), " " + S.secret]));
    } else {
      children.push(el("p", { class: "notice named", text: S.named }));
    }
    children.push(el("div", { class: "vote-status", "data-vote-status": true }, voteStatus(poll)));
    children = children.concat(voteFields(poll, poll.secret ? null : me.answers[String(poll.id)]));
    if (me.supports && me.supports.length) {
      var whose = [el("legend", { text: S.whose }), el("label", { class: "option-line" }, [
        el("input", { type: "radio", name: "for_member", value: "", checked: true }), " " + S.own
      ])];
      me.supports.forEach(function (s) {
        whose.push(el("label", { class: "option-line" }, [
          el("input", { type: "radio", name: "for_member", value: String(s.id) }),
          " " + fmt(S["with"], { name: s.name })
        ]));
      });
      children.push(el("fieldset", { class: "whose" }, whose));
    }
    children.push(el("button", { type: "submit", class: "button primary big" }, [sym("vote"), " " + S.send]));
    return el("form", {
      method: "post", action: action, class: "vote-form stack", "data-poll": poll.id,
      "data-method": poll.method, "data-dots": poll.dots, "data-secret": poll.secret ? "1" : "0"
    }, children);
  }

  function phoneQuestion(picked) {
    var parts = [];
    var status = state.meeting.status;
    var item = currentItem(state);
    if (status === "draft") {
      parts.push(el("p", { class: "wait" }, [sym("date", "l"), " " + S.not_started]));
    } else if (status === "closed") {
      parts.push(el("p", { class: "wait", text: S.finished }));
    }
    if (item) {
      parts.push(el("div", { class: "agenda-now" }, [
        el("p", { text: S.now }),
        el("p", { class: "agenda-title", text: item.title }),
        item.description ? el("p", { class: "agenda-description", text: item.description }) : null
      ]));
    }
    if (picked.poll && picked.open) {
      if (root.getAttribute("data-can-vote") === "1") {
        parts.push(voteForm(picked.poll));
      } else {
        parts.push(el("h2", { class: "question", text: picked.poll.question }));
        parts.push(el("p", { class: "notice", text: S.observer }));
      }
    } else if (status === "open") {
      parts.push(el("p", { class: "wait" }, [sym("hand", "l"), " " + S.wait]));
    }
    return parts;
  }

  function renderPhone() {
    var picked = pickPoll(state);
    var area = document.getElementById("question-area");
    var key = picked.poll && picked.open
      ? "poll:" + picked.poll.id
      : "wait:" + state.meeting.status + ":" + (state.meeting.current_item === null ? "" : state.meeting.current_item);
    // Rebuild the question only when it changes, so a half-given answer is never lost.
    if (area && area.getAttribute("data-view-key") !== key) {
      area.setAttribute("data-view-key", key);
      replaceChildren(area, phoneQuestion(picked));
      clearMessages();
      updateDots(area);
    }
    var results = document.getElementById("results-area");
    if (!results) {
      return;
    }
    var visible = picked.poll && (picked.open ? true : !!picked.poll.result);
    var rkey = visible ? resultsKey(picked.poll) : "";
    if (rkey !== lastResultsKey.phone) {
      var first = lastResultsKey.phone === undefined;
      lastResultsKey.phone = rkey;
      // The server drew the same results: redraw only what has changed since.
      if (first && results.getAttribute("data-drawn") === null && serverDrew(results, picked.poll)) {
        return;
      }
      var children = [];
      if (visible) {
        if (!picked.open) {
          children.push(el("h2", { class: "section-title", text: S.last_vote + ": " + picked.poll.question }));
        }
        children.push(buildResults(picked.poll, false, 2));
      }
      replaceChildren(results, children);
      results.setAttribute("data-drawn", "1");
    }
  }

  // True when the server-rendered results show this poll with this many voters.
  function serverDrew(container, poll) {
    var box = container.querySelector("[data-results-for]");
    if (!poll || !box) {
      return !poll && !box;
    }
    return box.getAttribute("data-results-for") === String(poll.id) &&
      container.getAttribute("data-voters") === String(poll.voters);
  }

  function readAnswer(form, poll) {
    var method = poll.method;
    var i;
    if (Object.prototype.hasOwnProperty.call(cfg.fixed, method)) {
      var checked = form.querySelector("input[name=choice]:checked");
      if (!checked) {
        return { error: S.choose };
      }
      var answer = { choice: checked.value };
      var reason = form.querySelector("textarea[name=reason]");
      if (reason && reason.value.trim()) {
        answer.reason = reason.value;
      }
      return { answer: answer };
    }
    var keys = poll.options.map(function (o) { return o.key; });
    if (method === "dots") {
      var dots = {};
      keys.forEach(function (k) {
        var input = form.querySelector("input[name='dots_" + k + "']");
        var n = input ? parseInt(input.value, 10) : 0;
        if (n > 0) {
          dots[k] = n;
        }
      });
      return { answer: { dots: dots } };
    }
    if (method === "ranked") {
      var placed = [];
      keys.forEach(function (k) {
        var select = form.querySelector("select[name='rank_" + k + "']");
        if (select && select.value) {
          placed.push([parseInt(select.value, 10), k]);
        }
      });
      placed.sort(function (a, b) { return a[0] - b[0]; });
      for (i = 1; i < placed.length; i++) {
        if (placed[i][0] === placed[i - 1][0]) {
          return { error: S.rank_dup };
        }
      }
      return { answer: { ranking: placed.map(function (p) { return p[1]; }) } };
    }
    var scores = {};
    keys.forEach(function (k) {
      var box = form.querySelector("input[name='score_" + k + "']:checked");
      if (box) {
        scores[k] = parseInt(box.value, 10);
      }
    });
    return { answer: { scores: scores } };
  }

  function setBusy(form, busy) {
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = busy;
    }
  }

  function formFor(pollId) {
    return root.querySelector("form.vote-form[data-poll='" + pollId + "']");
  }

  function onSubmit(e) {
    var form = e.target;
    if (kind !== "phone" || !form.classList || !form.classList.contains("vote-form")) {
      return;
    }
    // Never connected (a proxy may block websockets): let the plain form do the work.
    if (!everConnected || stopped || !state) {
      return;
    }
    var pollId = parseInt(form.getAttribute("data-poll"), 10);
    var poll = findPoll(pollId);
    if (!poll) {
      return;
    }
    e.preventDefault();
    var read = readAnswer(form, poll);
    if (read.error) {
      say(read.error, true);
      return;
    }
    var message = { type: "ballot.cast", poll: pollId, client_id: uuid4(), answer: read.answer };
    var whose = form.querySelector("input[name=for_member]:checked");
    var forMember = whose && whose.value ? parseInt(whose.value, 10) : null;
    if (forMember) {
      message.for_member = forMember;
    }
    queue.push(message);
    saveQueue();
    setBusy(form, true);
    say(send(message) ? S.sending : S.queued, false);
  }

  function onAck(ack) {
    var sent = null;
    queue = queue.filter(function (m) {
      if (m.client_id === ack.client_id) {
        sent = m;
        return false;
      }
      return true;
    });
    saveQueue();
    if (sent === null) {
      return;
    }
    var poll = findPoll(sent.poll);
    if (state.me && !sent.for_member) {
      if (state.me.voted.indexOf(String(sent.poll)) < 0) {
        state.me.voted.push(String(sent.poll));
      }
      if (poll && !poll.secret) {
        state.me.answers[String(sent.poll)] = sent.answer;
      }
    }
    var form = formFor(sent.poll);
    if (form) {
      setBusy(form, false);
      var status = form.querySelector("[data-vote-status]");
      if (status && poll && !sent.for_member) {
        replaceChildren(status, voteStatus(poll));
      }
      var id = form.querySelector("input[name=client_id]");
      if (id) {
        id.value = uuid4();
      }
    }
    if (sent.for_member) {
      var name = "";
      (state.me && state.me.supports || []).forEach(function (s) {
        if (s.id === sent.for_member) {
          name = s.name;
        }
      });
      say(fmt(S.saved_with, { name: name }), false);
    } else {
      say(S.saved, false);
    }
  }

  function onError(error) {
    var failed = null;
    if (error.code === "rate_limited") {
      // The vote stays queued and goes again in a moment, with the same client_id.
      say(error.message, true);
      window.setTimeout(flushQueue, 3000);
      return;
    }
    if (error.ref) {
      queue = queue.filter(function (m) {
        if (m.client_id === error.ref) {
          failed = m;
          return false;
        }
        return true;
      });
      saveQueue();
    }
    if (failed) {
      var form = formFor(failed.poll);
      if (form) {
        setBusy(form, false);
      }
    }
    say(error.message, true);
  }

  function loadQueue() {
    try {
      var stored = window.sessionStorage.getItem(QUEUE_KEY);
      var parsed = stored ? JSON.parse(stored) : [];
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

  function flushQueue() {
    // Resent with the same client_id: the server counts each ballot once.
    queue.forEach(function (message) { send(message); });
  }

  function updateDots(scope) {
    scope = scope || root;
    var forms = scope.tagName === "FORM"
      ? [scope]
      : scope.querySelectorAll("form.vote-form[data-method=dots]");
    Array.prototype.forEach.call(forms, function (form) {
      var limit = parseInt(form.getAttribute("data-dots"), 10) || 0;
      var used = 0;
      Array.prototype.forEach.call(form.querySelectorAll("[data-dot-input]"), function (input) {
        var n = parseInt(input.value, 10);
        used += n > 0 ? n : 0;
      });
      var left = form.querySelector("[data-dots-left]");
      if (!left || form.getAttribute("data-method") !== "dots") {
        return;
      }
      left.hidden = false;
      left.textContent = used > limit ? S.dots_over : fmt(S.dots_left, { n: limit - used });
      left.classList.toggle("over", used > limit);
    });
  }

  function updateReasonRequired(form) {
    var reason = form.querySelector("textarea[name$=reason]");
    var objection = form.querySelector("input[name$=choice][value=objection]");
    if (reason && objection) {
      reason.required = objection.checked;
    }
  }

  function readAloud() {
    if (!("speechSynthesis" in window)) {
      return;
    }
    var parts = [];
    var area = document.getElementById("question-area");
    if (area) {
      Array.prototype.forEach.call(
        area.querySelectorAll(".wait, .agenda-now p, .question, .notice, .choice-word, .hint, label, legend"),
        function (node) {
          var text = node.textContent.replace(/\s+/g, " ").trim();
          if (text && parts.indexOf(text) < 0) {
            parts.push(text);
          }
        }
      );
    }
    window.speechSynthesis.cancel();
    var utterance = new window.SpeechSynthesisUtterance(parts.join(". "));
    var lang = (document.documentElement.lang || "en").toLowerCase().split("-")[0];
    utterance.lang = lang === "cy" ? "cy-GB" : "en-GB";
    // A voice of the page's language, one on the device first (it works offline).
    var voices = (window.speechSynthesis.getVoices() || []).filter(function (voice) {
      return voice.lang.toLowerCase().replace("_", "-").split("-")[0] === lang;
    });
    voices.sort(function (a, b) {
      return (b.localService ? 1 : 0) - (a.localService ? 1 : 0);
    });
    if (voices.length) {
      utterance.voice = voices[0];
    }
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  // -- the projector -------------------------------------------------------------------

  function renderProjector() {
    var item = currentItem(state);
    var agenda = document.getElementById("stage-agenda");
    if (agenda) {
      replaceChildren(agenda, item
        ? el("p", null, [S.now + " ", el("strong", { class: "agenda-title", text: item.title })])
        : null);
    }
    var people = document.getElementById("stage-people");
    if (people && state.attendance) {
      replaceChildren(people, countItems(state.attendance.present));
    }
    var stage = document.getElementById("stage-poll");
    var picked = pickPoll(state);
    // "Last time we decided" shows until a vote opens (a check-back vote, say).
    var recap = picked.open ? null : (state.recap || null);
    var key = JSON.stringify([state.meeting.status, picked.open, resultsKey(picked.poll), recap]);
    if (!stage || key === lastResultsKey.projector) {
      return;
    }
    lastResultsKey.projector = key;
    var parts = [];
    if (recap) {
      parts.push(buildRecap(recap));
    } else if (picked.poll) {
      parts.push(el("h1", { class: "big-question" }, [
        picked.open ? null : el("span", { class: "eyebrow", text: S.last_vote }),
        picked.open ? null : " ",
        picked.poll.question
      ]));
      if (picked.open) {
        parts.push(el("ul", { class: "choice-strip" }, optionViews(picked.poll).map(function (o) {
          return el("li", { class: "tag tone-" + o.tone }, [sym(o.symbol, "l"), " " + o.label]);
        })));
      }
      parts.push(buildResults(picked.poll, true, 2));
    } else if (state.meeting.status === "closed") {
      parts.push(el("h1", { class: "big-question", text: S.finished }));
    } else {
      parts.push(el("h1", { class: "big-question", text: state.meeting.title }));
    }
    replaceChildren(stage, parts);
  }

  // Mirrors templates/deliberation/includes/recap.html.
  function buildRecap(recap) {
    return el("div", { class: "recap", "data-recap-of": recap.meeting.id }, [
      el("h1", { class: "big-question" }, [
        el("span", { class: "eyebrow", text: recap.meeting.title }), " " + S.last_time
      ]),
      el("ol", { class: "recap-list" }, recap.decisions.map(function (d) {
        var actions = d.actions.length ? d.actions.map(function (a) {
          return el("li", null, [
            sym(cfg.action_symbols[a.status]), " ",
            el("strong", { text: (cfg.action_statuses[a.status] || a.status) + ":" }),
            " " + a.description + " ",
            el("span", { class: "meta" }, [
              "· " + a.owner,
              a.overdue ? " · " : null,
              a.overdue ? el("strong", { text: S.late }) : null
            ]),
            a.latest ? el("br") : null,
            a.latest ? el("span", { class: "recap-latest", text: S.latest + " " + a.latest }) : null
          ]);
        }) : [el("li", { text: S.nothing_yet })];
        return el("li", null, [
          el("p", { class: "recap-outcome" }, [sym("decision", "l"), " " + d.outcome]),
          el("p", { class: "recap-then", text: S.what_happened }),
          el("ul", { class: "recap-actions" }, actions)
        ]);
      }))
    ]);
  }

  function countItems(present) {
    return cfg.group_order.map(function (key) {
      return el("li", null, [
        sym(cfg.group_symbols[key]), " " + groupLabel(key) + ": ",
        el("strong", { text: String(present[key] || 0) })
      ]);
    });
  }

  // -- the console ---------------------------------------------------------------------

  function attendanceForm(action, attendanceId, label, extra) {
    return el("form", { method: "post", action: action, class: "inline-form" }, [
      el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrfToken() }),
      el("input", { type: "hidden", name: "attendance", value: String(attendanceId) })
    ].concat(extra || []).concat([
      el("button", { type: "submit", class: label[1], text: label[0] })
    ]));
  }

  function personLine(p) {
    return [
      el("strong", { text: p.name }),
      " · ", sym(cfg.group_symbols[p.constituency]), " " + groupLabel(p.constituency),
      p.role && p.role !== "participant" ? " · " + (cfg.roles[p.role] || p.role) : null,
      p.guest ? " · " + S.guest : null
    ].concat((p.needs || []).map(function (n) {
      return el("span", { class: "need" }, [sym(cfg.need_symbols[n], "s"), " " + (cfg.needs[n] || n)]);
    }));
  }

  function renderPeople() {
    var waitingBox = document.getElementById("console-waiting");
    var presentBox = document.getElementById("console-present");
    if (!state.people || !waitingBox || !presentBox) {
      return;
    }
    // Do not pull a form from under the facilitator's fingers; redraw when they leave it.
    if (waitingBox.contains(document.activeElement) || presentBox.contains(document.activeElement)) {
      peopleDirty = true;
      return;
    }
    peopleDirty = false;
    var waiting = state.people.filter(function (p) { return p.status === "waiting"; });
    var present = state.people.filter(function (p) { return p.status === "present"; });
    var claims = state.people.filter(function (p) { return p.claim; });
    // A name asked for by a second phone: the facilitator confirms it is that person.
    var claimSection = claims.length ? [
      el("h3", null, [sym("hand"), " " + S.claims]),
      el("ul", { class: "people-list" }, claims.map(function (p) {
        return el("li", null, personLine(p).concat([
          attendanceForm(root.getAttribute("data-claim-confirm-url"), p.attendance,
            [S.claim_confirm, "button primary small"]),
          attendanceForm(root.getAttribute("data-claim-refuse-url"), p.attendance,
            [S.claim_refuse, "button small"])
        ]));
      }))
    ] : [];
    replaceChildren(waitingBox, (waiting.length ? [
      el("h3", null, [sym("hand"), " " + S.waiting]),
      el("ul", { class: "people-list" }, waiting.map(function (p) {
        var selectId = "admit-group-" + p.attendance;
        var select = el("select", { name: "constituency", id: selectId }, cfg.group_order.map(function (key) {
          return el("option", { value: key, text: groupLabel(key), selected: key === p.constituency });
        }));
        return el("li", null, personLine(p).concat([
          attendanceForm(root.getAttribute("data-admit-url"), p.attendance,
            [S.admit, "button primary small"], [el("label", { for: selectId, text: S.group }), select]),
          attendanceForm(root.getAttribute("data-refuse-url"), p.attendance, [S.refuse, "button small"])
        ]));
      }))
    ] : []).concat(claimSection));
    replaceChildren(presentBox, [
      el("h3", { text: S.present }),
      el("ul", { class: "people-list" }, present.map(function (p) {
        return el("li", null, personLine(p).concat([
          attendanceForm(root.getAttribute("data-release-url"), p.attendance, [S.release, "button small"])
        ]));
      }))
    ]);
  }

  function renderConsole() {
    var counts = document.getElementById("console-counts");
    if (counts && state.attendance) {
      replaceChildren(counts, countItems(state.attendance.present));
    }
    renderPeople();
    var current = state.meeting.current_item;
    Array.prototype.forEach.call(root.querySelectorAll("#console-agenda li[data-item]"), function (li) {
      var on = parseInt(li.getAttribute("data-item"), 10) === current;
      li.classList.toggle("current", on);
      if (on) {
        li.setAttribute("aria-current", "step");
      } else {
        li.removeAttribute("aria-current");
      }
      var badge = li.querySelector(".now-badge");
      if (badge) {
        badge.hidden = !on;
      }
    });
    state.polls.forEach(function (poll) {
      var box = root.querySelector("[data-live-results='" + poll.id + "']");
      var key = resultsKey(poll);
      if (!box || lastResultsKey[poll.id] === key) {
        return;
      }
      var first = lastResultsKey[poll.id] === undefined;
      lastResultsKey[poll.id] = key;
      if (!first || box.getAttribute("data-voters") !== String(poll.voters)) {
        replaceChildren(box, buildResults(poll, true, 4));
      }
    });
    // Buttons on this page were drawn for the old state: ask for a reload, never surprise.
    var drawn = root.getAttribute("data-poll-states") || "";
    var now = state.polls.slice().sort(function (a, b) { return a.id - b.id; })
      .map(function (p) { return p.id + ":" + p.status; }).join(",");
    var notice = root.querySelector("[data-out-of-date]");
    if (notice && (drawn !== now || root.getAttribute("data-meeting-status") !== state.meeting.status)) {
      replaceChildren(notice, [S.out_of_date + " ", el("a", { href: location.pathname, text: S.reload })]);
      notice.hidden = false;
    }
  }

  function render() {
    if (!state) {
      return;
    }
    if (kind === "phone") {
      renderPhone();
    } else if (kind === "projector") {
      renderProjector();
    } else if (kind === "console") {
      renderConsole();
    }
  }

  // -- start ---------------------------------------------------------------------------

  root.addEventListener("submit", onSubmit);
  root.addEventListener("input", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-dot-input")) {
      updateDots(e.target.form);
    }
  });
  root.addEventListener("change", function (e) {
    if (e.target.form) {
      updateReasonRequired(e.target.form);
    }
  });
  root.addEventListener("focusout", function () {
    if (peopleDirty && state) {
      window.setTimeout(renderPeople, 0);
    }
  });
  Array.prototype.forEach.call(root.querySelectorAll("form.vote-form"), updateReasonRequired);
  updateDots(root);
  if ("speechSynthesis" in window) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-read-aloud]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", readAloud);
    });
  }
  document.addEventListener("visibilitychange", reconnectNow);
  window.addEventListener("online", reconnectNow);
  connect();
})();
