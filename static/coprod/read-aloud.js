/* coprod "Read this to me": the browser reads the easy-read summary aloud.
 *
 * A <button data-read-aloud-target="#id"> reads the element with that id: its headings,
 * then each point's words, in order, one sentence group at a time. It uses the
 * browser's own speech synthesis (the Web Speech API), which works offline with the
 * voices on the device: a voice of the text's language (lang="cy" or "en") is chosen
 * when the browser has one, a voice on the device first. Pressing the button again
 * stops. Without speech synthesis the button stays hidden. No inline script or
 * on...= attribute is used, so a strict Content-Security-Policy allows it.
 */
(function () {
  "use strict";

  var synth = window.speechSynthesis;
  if (!synth || !window.SpeechSynthesisUtterance) {
    return;
  }
  var PARTS = "h1, h2, .summary-meta p, .point-words, .summary-checked p, .summary-record p";

  function base(lang) {
    return String(lang || "").toLowerCase().replace("_", "-").split("-")[0];
  }

  function voiceFor(lang) {
    var want = base(lang);
    var best = null;
    Array.prototype.forEach.call(synth.getVoices() || [], function (voice) {
      if (base(voice.lang) !== want) {
        return;
      }
      // A voice on the device needs no network; for English, a British voice first.
      var score = (voice.localService ? 2 : 0) + (/-gb$/i.test(voice.lang) ? 1 : 0);
      if (!best || score > best.score) {
        best = { voice: voice, score: score };
      }
    });
    return best ? best.voice : null;
  }

  function textsOf(root) {
    var parts = [];
    Array.prototype.forEach.call(root.querySelectorAll(PARTS), function (node) {
      var text = node.textContent.replace(/\s+/g, " ").trim();
      if (text) {
        parts.push(text);
      }
    });
    return parts;
  }

  function setUp(button) {
    var root = document.querySelector(button.getAttribute("data-read-aloud-target"));
    if (!root) {
      return;
    }
    var label = button.querySelector(".read-aloud-label") || button;
    var readWords = label.textContent;
    var stopWords = button.getAttribute("data-stop") || readWords;
    var reading = false;

    function show(now) {
      reading = now;
      label.textContent = now ? stopWords : readWords;
      button.setAttribute("aria-pressed", now ? "true" : "false");
    }

    button.addEventListener("click", function () {
      synth.cancel();
      if (reading) {
        show(false);
        return;
      }
      var lang = root.getAttribute("lang") || document.documentElement.lang || "en";
      var voice = voiceFor(lang);
      var parts = textsOf(root);
      parts.forEach(function (text, n) {
        var utterance = new window.SpeechSynthesisUtterance(text);
        utterance.lang = base(lang) === "cy" ? "cy-GB" : "en-GB";
        if (voice) {
          utterance.voice = voice;
        }
        utterance.rate = 0.9; // a little slower than usual, as easy-read audio is
        if (n === parts.length - 1) {
          utterance.addEventListener("end", function () {
            show(false);
          });
        }
        synth.speak(utterance);
      });
      show(parts.length > 0);
    });
    button.setAttribute("aria-pressed", "false");
    button.hidden = false;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-read-aloud-target]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
