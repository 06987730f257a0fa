// @ts-check
// The JSON API of the review server, with the session's CSRF token on every call.
import { render, state } from "./state.js";

/**
 * Calls the API; a 401 (session ended) signs the page out.
 * @param {"GET" | "POST"} method
 * @param {string} url
 * @param {unknown} [body]
 * @returns {Promise<{status: number, data: any}>}
 */
export async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": state.csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && url !== "/api/login") {
    state.me = null;
    render();
  }
  return { status: res.status, data };
}

/** A query string of the filters that are set. @param {Record<string, string>} f */
export function queryString(f) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  return p.toString();
}
