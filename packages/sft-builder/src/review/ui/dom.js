// @ts-check
// Building elements. Every piece of sample text reaches the page through a text node or a form field's value,
// never as HTML, so a sample holding markup shows that markup as text.

/** @typedef {import("./dom-types.js").Child} Child */
/** @typedef {import("./dom-types.js").Children} Children */
/** @typedef {(e: any) => unknown} Handler */
/** @typedef {Record<string, string | number | boolean | null | undefined | Handler>} Attrs */

/**
 * Builds an element; `on…` attributes are listeners, children may be nodes or strings (inserted as text).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} attrs
 * @param {...Children} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "class") node.className = String(v);
    else if (k === "value") /** @type {HTMLInputElement} */ (node).value = String(v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of /** @type {Child[]} */ (
    /** @type {unknown[]} */ (children).flat(Number.POSITIVE_INFINITY)
  )) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return node;
}

/** A key cap. @param {string} k */
export const kbd = (k) => el("kbd", {}, k);
