/* The one small DOM helper of coprod's scripts: elements built with textContent only,
 * never innerHTML with text from the server, and `<template>` markup from the page. */

// Make an element: attrs may hold `class`, `text` and attributes; children are nodes or text.
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
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
  return append(node, children);
}

export function append(node, children) {
  if (children === null || children === undefined || children === false) {
    return node;
  }
  for (const child of Array.isArray(children) ? children : [children]) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

export function replaceChildren(node, children) {
  while (node.firstChild) {
    node.removeChild(node.firstChild);
  }
  return append(node, children);
}

// Fill "%(name)s" in words from the page (the same placeholders as the server's gettext).
export function fmt(text, params) {
  return text.replace(/%\((\w+)\)s/g, (match, name) =>
    params[name] !== undefined ? String(params[name]) : match);
}

// A copy of the page's `<template id=...>` markup (its first element).
export function fromTemplate(id) {
  const template = document.getElementById(id);
  return template ? template.content.firstElementChild.cloneNode(true) : null;
}

// The element marked data-slot="name" inside node (or node itself).
export function slot(node, name) {
  if (node.getAttribute && node.getAttribute("data-slot") === name) {
    return node;
  }
  return node.querySelector("[data-slot='" + name + "']");
}

// Put text into a slot, or drop the slot when there is no text.
export function fillSlot(node, name, text) {
  const target = slot(node, name);
  if (!target) {
    return null;
  }
  if (text === null || text === undefined || text === "") {
    target.remove();
    return null;
  }
  target.textContent = text;
  return target;
}

// -- filling a copy of the page's markup ------------------------------------------------
// Markup rendered as a pattern marks a branch with data-if="name", a repeated row with
// data-each="name" and what the script fills in with data-slot="name"; its words keep
// their placeholders ("People who voted: %(n)s") where a number or a name goes.

// A copy of everything in the page's `<template id=...>`.
export function copyTemplate(id) {
  const template = document.getElementById(id);
  return template ? template.content.cloneNode(true) : null;
}

// Of the parts marked data-if="name" for a name in conditions, drop those whose
// condition does not hold (parts named otherwise are left for their own filling).
export function keepIf(scope, conditions) {
  scope.querySelectorAll("[data-if]").forEach((node) => {
    const name = node.getAttribute("data-if");
    if (Object.prototype.hasOwnProperty.call(conditions, name) && !conditions[name]) {
      node.remove();
    }
  });
}

// Repeat the first data-each="name" inside scope once per item, then drop the pattern.
export function repeat(scope, name, items, fill) {
  const pattern = scope.querySelector("[data-each='" + name + "']");
  if (!pattern) {
    return;
  }
  items.forEach((item, index) => {
    const node = pattern.cloneNode(true);
    fill(node, item, index);
    pattern.before(node);
  });
  pattern.remove();
}

export function setTone(node, tone) {
  Array.from(node.classList).filter((c) => c.startsWith("tone-"))
    .forEach((c) => node.classList.remove(c));
  node.classList.add("tone-" + tone);
}

// Fill the placeholders of a slot's own words ("People who voted: %(n)s").
export function fillWords(scope, name, params) {
  const target = slot(scope, name);
  if (target) {
    target.textContent = fmt(target.textContent, params);
  }
  return target;
}

// Fill placeholders in the attributes of node and everything in it (ids, names, for).
export function fillAttributes(node, params) {
  const nodes = node.querySelectorAll ? [node, ...node.querySelectorAll("*")] : [];
  for (const each of nodes) {
    if (!each.attributes) {
      continue;
    }
    for (const attr of Array.from(each.attributes)) {
      if (attr.value.indexOf("%(") >= 0) {
        attr.value = fmt(attr.value, params);
      }
    }
  }
}
