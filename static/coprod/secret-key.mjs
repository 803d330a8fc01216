/* The key of a secret vote, kept in a cookie on this phone: the one place that reads,
 * makes or sends it (the server may derive the key itself; then this module goes). */

function getCookie(name) {
  for (const part of document.cookie ? document.cookie.split("; ") : []) {
    const eq = part.indexOf("=");
    if (part.slice(0, eq) === name) {
      return decodeURIComponent(part.slice(eq + 1));
    }
  }
  return null;
}

function setCookie(name, value) {
  document.cookie = name + "=" + encodeURIComponent(value) + "; path=/; max-age=86400; SameSite=Lax" +
    (location.protocol === "https:" ? "; Secure" : "");
}

// The key to an assisted secret vote is kept apart from the supporter's own key.
function cookieName(pollId, forMember) {
  return "coprod_secret_" + pollId + (forMember ? "_" + forMember : "");
}

// 32 characters of 6 random bits each; without a strong random source the server makes it.
function newSecretKey() {
  if (!window.crypto || !window.crypto.getRandomValues) {
    return null;
  }
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const bytes = new Uint8Array(32);
  window.crypto.getRandomValues(bytes);
  let key = "";
  for (const b of bytes) {
    key += alphabet.charAt(b & 63);
  }
  return key;
}

// Add this phone's key to a secret ballot. The phone makes its own key and keeps it
// before sending, so a resend after a lost reply carries it and the server can hand it back.
export function attachSecretKey(message, poll) {
  if (!poll.secret) {
    return;
  }
  const name = cookieName(message.poll, message.for_member || null);
  let token = getCookie(name);
  if (!token) {
    token = newSecretKey();
    if (token) {
      setCookie(name, token);
    }
  }
  if (token) {
    message.token = token;
  }
}

// Keep the key the server answered with (it made one when the phone could not).
export function keepSecretKey(sent, ack) {
  if (ack.token) {
    setCookie(cookieName(sent.poll, sent.for_member || null), ack.token);
  }
}
