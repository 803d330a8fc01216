/* The guest's waiting page: look every 5 seconds whether the facilitator let them in (the
 * page then sends them on), without a meta refresh. Without scripts, the button does it. */

const EVERY = 5000;

function check() {
  window.fetch(location.href, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
    .then((response) => {
      // Sent on (let in, or to join again), or the page now says something else: show it.
      if (response.type === "opaqueredirect") {
        location.reload();
        return null;
      }
      return response.ok ? response.text() : null;
    })
    .then((text) => {
      if (text !== null && text !== undefined && text.indexOf("data-checks-itself") < 0) {
        location.reload();
        return;
      }
      window.setTimeout(check, EVERY);
    }, () => window.setTimeout(check, EVERY));
}

if (window.fetch && document.querySelector("[data-checks-itself]")) {
  document.querySelector("[data-checks-itself]").hidden = false;
  window.setTimeout(check, EVERY);
}
