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
