/* coprod easy-read check as you type.
 *
 * Fields marked data-easyread="<language>" are sent, a moment after typing stops, to
 * deliberation:easyread_check (the URL is on this script's data-check-url); its advice
 * is shown in an aria-live="polite" region just after the field. The page works without
 * this script: the console shows the same advice beside the saved text. Advice never
 * stops a form being sent. The DOM is built with textContent only.
 */
import { el } from "./dom.mjs";

(function () {
  var script = document.querySelector("script[data-check-url]");
  var url = script && script.getAttribute("data-check-url");
  if (!url || !window.fetch || !window.FormData) {
    return;
  }
  var words = {
    heading: script.getAttribute("data-heading") || "Easy-read check",
    hint: script.getAttribute("data-hint") || "",
    none: script.getAttribute("data-none") || ""
  };
  var DELAY = 800; // ms after the last key press
  var MAX_CHARS = 5000; // deliberation/views/easyread.py MAX_CHARS
  var counter = 0;

  function csrfToken(field) {
    var scope = field.form || document;
    var input = scope.querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function show(region, findings) {
    while (region.firstChild) {
      region.removeChild(region.firstChild);
    }
    if (findings === null) {
      return;
    }
    region.appendChild(el("p", { class: "easyread-heading", text: words.heading }));
    if (!findings.length) {
      region.appendChild(el("p", { class: "hint", text: words.none }));
      return;
    }
    if (words.hint) {
      region.appendChild(el("p", { class: "hint", text: words.hint }));
    }
    var list = el("ul", { class: "easyread-list" });
    findings.forEach(function (f) {
      var item = el("li", { class: "easyread-" + f.severity });
      item.appendChild(el("strong", { text: f.severity_label + ": " }));
      item.appendChild(document.createTextNode(f.message));
      if (f.show_excerpt) {
        var excerpt = f.excerpt.length > 60 ? f.excerpt.slice(0, 59) + "…" : f.excerpt;
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("q", { text: excerpt }));
      }
      list.appendChild(item);
    });
    region.appendChild(list);
  }

  function watch(field) {
    counter += 1;
    var region = el("div", { class: "easyread easyread-live" });
    region.id = "easyread-live-" + counter; // field ids repeat across the console's forms
    region.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", region);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + region.id);

    var timer = null;
    var inFlight = null;
    var lastText = null;
    var lastShown = null;

    function run() {
      var text = field.value;
      if (text === lastText) {
        return;
      }
      lastText = text;
      if (!text.trim() || text.length > MAX_CHARS) {
        lastShown = null;
        show(region, null);
        return;
      }
      if (inFlight && inFlight.abort) {
        inFlight.abort();
      }
      inFlight = window.AbortController ? new AbortController() : null;
      var body = new FormData();
      body.append("text", text);
      body.append("language", field.getAttribute("data-easyread") || "en");
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(field), "Accept": "application/json" },
        signal: inFlight ? inFlight.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (!data || field.value !== text) {
          return;
        }
        // Only touch the live region when the advice changed, so it is not read again.
        var key = JSON.stringify(data.findings);
        if (key !== lastShown) {
          lastShown = key;
          show(region, data.findings);
        }
      }).catch(function () {
        // Offline or aborted: the advice is shown again after saving, nothing is lost.
      });
    }

    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, DELAY);
    });
    // Words typed while the page was still loading (before this script ran) are
    // checked too; a form that arrives filled in is not, as its advice is on the page.
    if (field.value !== field.defaultValue) {
      timer = window.setTimeout(run, DELAY);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-easyread]"), watch);
})();
