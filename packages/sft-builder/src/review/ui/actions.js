// @ts-check
// What the reviewer can do: load items, save reviews and ratings, switch tabs. Each action changes the state and
// redraws the page.
import { api, queryString } from "./api.js";
import { render, state } from "./state.js";
import { T } from "./strings.js";

/** @typedef {import("./state.js").SampleView} SampleView */
/** @typedef {import("./state.js").Tab} Tab */

/** The signed-in reviewer (actions run only once someone is signed in). */
function me() {
  if (!state.me) throw new Error("not signed in");
  return state.me;
}

/** Reads who is signed in and the first item; shows the sign-in form when nobody is. */
export async function boot() {
  const { status, data } = await api("GET", "/api/me");
  if (status !== 200) {
    state.me = null;
    render();
    return;
  }
  Object.assign(state, {
    me: data.user,
    csrf: data.csrf,
    overlap: data.overlap,
    reasons: data.reasons,
    guidelines: data.guidelines,
    edu: data.edu,
  });
  state.facets = (await api("GET", "/api/facets")).data;
  await Promise.all([refreshList(), refreshProgress()]);
  if (!state.view) await loadNext();
  render();
}

export async function refreshList() {
  const f = { ...state.filters };
  if (state.tab === "review" && !f.status) f.status = "queued";
  const url = state.tab === "disputes" ? "/api/disagreements" : "/api/queue";
  state.list = (await api("GET", `${url}?${queryString(f)}`)).data || [];
}

export async function refreshProgress() {
  state.progress = (await api("GET", "/api/progress")).data;
}

/** Puts an item on screen with the reviewer's own earlier review, if any. @param {SampleView | null} view */
export function show(view) {
  state.view = view;
  state.mode = "view";
  state.rating = view?.mine?.rating ?? null;
  state.comment = view?.mine?.comment ?? "";
  state.drafts = null;
  state.conflict = null;
  state.audit = null;
}

export async function loadNext() {
  const { data } = await api("POST", "/api/next", state.filters);
  if (state.view) state.back.push(state.view.sample.sample_id);
  show(data.view || null);
  render();
}

/** @param {string} id @param {boolean} [remember] */
export async function openSample(id, remember = true) {
  const { status, data } = await api("GET", `/api/samples/${encodeURIComponent(id)}`);
  if (status !== 200) return;
  if (remember && state.view) state.back.push(state.view.sample.sample_id);
  show(data);
  if (state.tab === "queue") state.tab = "review";
  render();
}

export async function goBack() {
  const id = state.back.pop();
  if (id) await openSample(id, false);
}

/**
 * Saves the reviewer's verdict (a lead's final word in the disputes tab), then moves on.
 * @param {"accept" | "reject"} decision
 * @param {string} [reason]
 */
export async function submit(decision, reason) {
  const v = state.view;
  if (!v) return;
  const lead = state.tab === "disputes" && me().role === "lead";
  /** @type {Record<string, unknown>} */
  const body = {
    version: v.sample.version,
    decision,
    reason: reason ?? null,
    rating: state.rating,
    comment: state.comment || null,
  };
  const drafts = state.drafts;
  if (state.mode === "edit" && drafts)
    body.messages = v.sample.messages.map((m, i) => ({ role: m.role, content: drafts[i] }));
  const url = `/api/samples/${encodeURIComponent(v.sample.sample_id)}/${lead ? "adjudicate" : "review"}`;
  const { status, data } = await api("POST", url, body);
  if (status === 409 && data.conflict) {
    // Keep the reviewer's own text and choices; show what changed underneath.
    state.conflict = data.view;
    if (!state.drafts) state.drafts = v.sample.messages.map((m) => m.content);
    state.mode = "edit";
    render();
    return;
  }
  if (status !== 200) {
    state.notice = { kind: "warn", text: data.error || String(status) };
    render();
    return;
  }
  state.notice = { kind: "ok", text: T.saved };
  await Promise.all([refreshList(), refreshProgress()]);
  if (lead) show(data.view);
  else await loadNext();
  render();
}

/** Rates the passage on screen and moves on (a passage's review is its rating). @param {number} n */
export async function rate(n) {
  state.rating = n;
  await submit("accept");
}

/** @param {"view" | "edit" | "reject"} mode */
export function setMode(mode) {
  state.mode = mode;
  render();
}

/** @param {boolean} on */
export function toggleKeys(on) {
  state.showKeys = on;
  render();
}

export function toggleGuide() {
  state.showGuide = !state.showGuide;
  render();
}

export function toggleDiff() {
  state.showDiff = !state.showDiff;
  render();
}

/** Sets (or, pressed again, clears) an SFT sample's 1–5 rating. @param {number} n */
export function setRating(n) {
  state.rating = state.rating === n ? null : n;
  render();
}

export function startEdit() {
  if (!state.view) return;
  state.mode = "edit";
  state.drafts = state.view.sample.messages.map((m) => m.content);
  render();
  /** @type {HTMLTextAreaElement | null} */ (
    document.querySelector(".turn.assistant textarea") || document.querySelector(".turn textarea")
  )?.focus();
}

export function rebaseOnConflict() {
  // The reviewer saw the newer version and still wants their text: save it against the current version.
  state.view = state.conflict;
  state.conflict = null;
  render();
}

export async function showAudit() {
  if (!state.view || me().role !== "lead") return;
  state.audit = (
    await api("GET", `/api/samples/${encodeURIComponent(state.view.sample.sample_id)}/audit`)
  ).data;
  render();
}

export async function signOut() {
  await api("POST", "/api/logout", {});
  Object.assign(state, { me: null, csrf: "", view: null, back: [] });
  render();
}

/** @param {Tab} tab */
export async function switchTab(tab) {
  state.tab = tab;
  state.notice = null;
  if (tab === "agreement") {
    state.agreement = (await api("GET", "/api/agreement")).data;
    await refreshProgress();
  } else await refreshList();
  if (tab === "disputes") state.view = null;
  render();
}

/** Signs in; resolves with the error to show, or null. @param {string} username @param {string} password */
export async function signIn(username, password) {
  const { status, data } = await api("POST", "/api/login", { username, password });
  if (status === 200) {
    state.csrf = data.csrf;
    await boot();
    return null;
  }
  return status === 429
    ? `Кӯшишҳо аз ҳад зиёд шуданд. Баъд аз ${data.retryAfter} сония боз кӯшиш кунед.`
    : "Номи корбар ё рамз нодуруст аст.";
}

/** Sets a filter and reloads the list. @param {keyof import("./state.js").Filters} name @param {string} value */
export async function setFilter(name, value) {
  state.filters[name] = value;
  await refreshList();
  render();
}
