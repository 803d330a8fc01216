/* coprod picture picker: a search box that filters a group of picture radio buttons.
 *
 * Each <details data-symbol-picker> holds radio buttons, one per picture, each in a
 * <label class="symbol-choice" data-words="...">. Without this script every picture is
 * listed and can be chosen with the keyboard (arrow keys move between radio buttons).
 * With it, a search box above them hides the pictures whose words do not match.
 * The chosen picture is never hidden, so a form always sends what the person chose.
 */
import { el } from "./dom.mjs";

(function () {
  var script = document.querySelector("script[data-symbol-picker-words]");
  var words = {
    label: (script && script.getAttribute("data-label")) || "Find a picture",
    hint: (script && script.getAttribute("data-hint")) || "",
    none: (script && script.getAttribute("data-none")) || "",
    count: (script && script.getAttribute("data-count")) || "%(n)s"
  };
  var counter = 0;

  function setUp(picker) {
    var fieldset = picker.querySelector("fieldset");
    var choices = picker.querySelectorAll(".symbol-choice[data-words]");
    if (!fieldset || !choices.length) {
      return;
    }
    counter += 1;
    var id = "symbol-search-" + counter;
    var box = el("div", { class: "symbol-search" });
    var label = el("label", { text: words.label });
    label.setAttribute("for", id);
    var input = el("input");
    input.type = "search";
    input.id = id;
    input.setAttribute("autocomplete", "off");
    var hint = el("p", { class: "hint", text: words.hint });
    hint.id = id + "-hint";
    input.setAttribute("aria-describedby", hint.id);
    var status = el("p", { class: "hint" });
    status.setAttribute("role", "status");
    box.appendChild(label);
    box.appendChild(hint);
    box.appendChild(input);
    box.appendChild(status);
    fieldset.insertBefore(box, fieldset.querySelector(".symbol-grid"));

    function filter() {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(choices, function (choice) {
        var radio = choice.querySelector("input");
        var text = (choice.getAttribute("data-words") || "").toLowerCase();
        var match = terms.every(function (term) {
          return text.indexOf(term) !== -1;
        });
        choice.hidden = !(match || (radio && radio.checked));
        if (!choice.hidden) {
          shown += 1;
        }
      });
      if (!terms.length) {
        status.textContent = "";
      } else if (shown === 0) {
        status.textContent = words.none;
      } else {
        status.textContent = words.count.replace("%(n)s", String(shown));
      }
    }

    input.addEventListener("input", filter);
    // Enter in the search box must not send the point's form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-symbol-picker]"), setUp);
}());
