// @ts-check
// The screens of the review app, drawn from the state: sign-in, the review screen (an SFT sample or a passage to
// rate), the queue table, agreement, and the keys overlay.
import {
  loadNext,
  openSample,
  rate,
  rebaseOnConflict,
  setFilter,
  setMode,
  setRating,
  show,
  signIn,
  signOut,
  startEdit,
  submit,
  switchTab,
  toggleKeys,
} from "./actions.js";
import { el, kbd } from "./dom.js";
import { rating, render, setRenderer, state } from "./state.js";
import { T } from "./strings.js";

/** @typedef {import("./state.js").SampleView} SampleView */
/** @typedef {import("./state.js").QueueRow} QueueRow */
/** @typedef {import("./state.js").AuditEntry} AuditEntry */
/** @typedef {import("./state.js").Filters} Filters */
/** @typedef {import("./state.js").Me} Me */
/** @typedef {import("./state.js").Tab} Tab */
/** @typedef {import("../../samples/schema.js").ChatMessage} ChatMessage */
/** @typedef {import("../verdict.js").StoredReview} StoredReview */

/** Display names of tasks that have one. @returns {Record<string, string>} */
function taskNames() {
  return state.edu ? { [state.edu.task]: T.eduTask } : {};
}

/** The keys that work on the item on screen. */
function keyList() {
  return rating() ? T.eduKeyList : T.keyList;
}

function loginView() {
  const error = el("div", { class: "error", role: "alert" });
  const user = el("input", { name: "username", autocomplete: "username", required: true, autofocus: true });
  const pass = el("input", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const form = el(
    "form",
    {
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        const problem = await signIn(user.value, pass.value);
        if (problem) error.textContent = problem;
      },
    },
    el("h1", {}, T.signInTitle),
    el("p", {}, T.signInHint),
    el("label", {}, T.username, user),
    el("label", {}, T.password, pass),
    error,
    el("button", { class: "primary", type: "submit" }, T.signIn),
  );
  return el("div", { class: "login" }, form);
}

/** @param {Me} me */
function topBar(me) {
  /** @type {Array<[Tab, string]>} */
  const tabs = [
    ["review", T.tabReview],
    ["queue", T.tabQueue],
  ];
  if (me.role === "lead") tabs.push(["agreement", T.tabAgreement], ["disputes", T.tabDisputes]);
  const mine = state.progress?.people?.find((p) => p.username === me.username);
  const queued = state.progress?.statuses?.queued ?? 0;
  return el(
    "header",
    { class: "top" },
    el("div", { class: "brand" }, T.brand),
    el(
      "nav",
      { class: "tabs" },
      tabs.map(([id, label]) =>
        el(
          "button",
          { class: state.tab === id ? "on" : "", "data-tab": id, onclick: () => switchTab(id) },
          label,
        ),
      ),
    ),
    el("div", { class: "spacer" }),
    el(
      "span",
      { class: "pill", "data-testid": "my-progress" },
      `${T.progress}: ${mine?.reviewed ?? 0} ${T.reviewed} · ${queued} дар навбат`,
    ),
    el("span", { class: "who" }, `${me.display_name} (${me.role === "lead" ? "сарвар" : "баррасикунанда"})`),
    el("button", { onclick: signOut }, T.signOut),
  );
}

/**
 * A filter menu.
 * @param {keyof Filters} name
 * @param {string} label
 * @param {Array<string | number>} options
 * @param {Record<string, string>} [labels]
 */
function select(name, label, options, labels) {
  return el(
    "select",
    {
      name,
      "aria-label": label,
      onchange: (/** @type {Event} */ e) =>
        setFilter(name, /** @type {HTMLSelectElement} */ (e.target).value),
    },
    el("option", { value: "" }, `${label}: ${T.all}`),
    options.map((o) =>
      el(
        "option",
        { value: String(o), selected: String(state.filters[name]) === String(o) },
        labels?.[o] || String(o),
      ),
    ),
  );
}

/** @param {boolean} withStatus */
function filtersView(withStatus) {
  const search = el("input", {
    type: "search",
    id: "search",
    placeholder: T.search,
    value: state.filters.q,
    onkeydown: async (/** @type {KeyboardEvent} */ e) => {
      if (e.key === "Enter") await setFilter("q", /** @type {HTMLInputElement} */ (e.target).value);
    },
  });
  const f = state.facets;
  return el(
    "div",
    { class: "filters" },
    search,
    el(
      "div",
      { class: "row" },
      select("task", T.task, f.tasks, taskNames()),
      select("subject", T.subject, f.subjects),
    ),
    el(
      "div",
      { class: "row" },
      select("grade", T.grade, f.grades),
      withStatus
        ? select("status", T.status, Object.keys(T.statuses), T.statuses)
        : select("annotator", T.annotator, f.annotators),
    ),
    withStatus ? select("annotator", T.annotator, f.annotators) : null,
  );
}

/** @param {QueueRow} r */
function metaLine(r) {
  return el(
    "div",
    { class: "meta" },
    el("span", {}, taskNames()[r.task] || r.task),
    r.subject ? el("span", {}, `· ${r.subject}`) : null,
    r.grade !== null && r.grade !== undefined
      ? el("span", {}, `· ${r.grade}-${T.grade.toLowerCase()}`)
      : null,
    el("span", {}, `· ${T.statuses[r.status] || r.status}`),
    r.my_decision ? el("span", {}, `· ${T.decisions[r.my_decision]}`) : null,
    r.edited ? el("span", {}, "· ✎") : null,
  );
}

function queueSidebar() {
  const current = state.view?.sample.sample_id;
  return el(
    "aside",
    { class: "queue panel" },
    el("h2", {}, state.tab === "disputes" ? T.tabDisputes : T.queue),
    filtersView(false),
    el(
      "ul",
      { class: "items" },
      state.list.length
        ? state.list.map((r) =>
            el(
              "li",
              {},
              el(
                "button",
                { class: r.sample_id === current ? "current" : "", onclick: () => openSample(r.sample_id) },
                el("span", { class: "snippet" }, r.snippet),
                metaLine(r),
              ),
            ),
          )
        : el("li", { class: "meta" }, T.none),
    ),
  );
}

/** @param {ChatMessage} m @param {number} i @param {boolean} editable */
function turnView(m, i, editable) {
  const label = T.roles[m.role] || m.role;
  if (editable) {
    return el(
      "div",
      { class: `turn ${m.role}` },
      el("div", { class: "role" }, label),
      el("textarea", {
        "data-turn": i,
        value: state.drafts?.[i] ?? m.content,
        oninput: (/** @type {Event} */ e) => {
          if (state.drafts) state.drafts[i] = /** @type {HTMLTextAreaElement} */ (e.target).value;
        },
      }),
    );
  }
  return el(
    "div",
    { class: `turn ${m.role}` },
    el("div", { class: "role" }, label),
    el("div", { class: "text" }, m.content),
  );
}

/** @param {NonNullable<SampleView["diff"]>} diff */
function diffView(diff) {
  return el(
    "div",
    { class: "panel diff" },
    el("h2", {}, `${T.showDiff} (${T.original} → ${T.edit})`),
    diff.map((d) =>
      el(
        "div",
        { class: `turn ${d.role}` },
        el("div", { class: "role" }, T.roles[d.role] || d.role),
        el(
          "div",
          { class: "text" },
          d.parts.map((p) => el("span", { class: p.op }, p.text)),
        ),
      ),
    ),
  );
}

function actionsView() {
  const editing = state.mode === "edit";
  const scale = el(
    "div",
    { class: "rating", role: "group", "aria-label": T.rating },
    el("span", { class: "meta" }, `${T.rating}:`),
    [1, 2, 3, 4, 5].map((n) =>
      el(
        "button",
        {
          class: state.rating === n ? "on" : "",
          "aria-pressed": state.rating === n ? "true" : "false",
          title: `${T.rating} ${n}`,
          onclick: () => setRating(n),
        },
        String(n),
      ),
    ),
  );
  const buttons = editing
    ? [
        el(
          "button",
          { class: "accept", id: "save-edit", onclick: () => submit("accept") },
          T.save,
          kbd("Ctrl+Enter"),
        ),
        el(
          "button",
          {
            onclick: () => {
              show(state.view);
              render();
            },
          },
          T.cancel,
          kbd("Esc"),
        ),
      ]
    : [
        el("button", { class: "accept", id: "accept", onclick: () => submit("accept") }, T.accept, kbd("A")),
        el("button", { class: "reject", id: "reject", onclick: () => setMode("reject") }, T.reject, kbd("R")),
        // A passage is rated, not edited: a lead settling one accepts or rejects it.
        rating() ? null : el("button", { id: "edit", onclick: startEdit }, T.edit, kbd("E")),
        el("button", { onclick: loadNext }, T.next, kbd("N")),
      ];
  return el(
    "div",
    { class: "panel" },
    el("div", { class: "actions" }, buttons, el("span", { class: "spacer" }), rating() ? null : scale),
  );
}

function reasonsView() {
  return el(
    "div",
    { class: "panel", id: "reasons" },
    el("h2", {}, T.reasonTitle),
    el(
      "div",
      { class: "reasons" },
      state.reasons.map((r, i) =>
        el(
          "button",
          { "data-reason": r.code, onclick: () => submit("reject", r.code) },
          kbd(String(i + 1)),
          " ",
          r.label,
        ),
      ),
    ),
    el(
      "div",
      { class: "actions", style: null },
      el("button", { onclick: () => setMode("view") }, T.cancel, kbd("Esc")),
    ),
  );
}

/** @param {StoredReview[]} reviews */
function reviewsTable(reviews) {
  const reason = (/** @type {string | null} */ code) =>
    state.reasons.find((r) => r.code === code)?.label || code || "";
  return el(
    "div",
    { class: "panel reviews" },
    el("h2", {}, T.reviews),
    el(
      "table",
      { class: "grid" },
      el(
        "tr",
        {},
        [T.annotator, "Қарор", T.rating, T.comment].map((h) => el("th", {}, h)),
      ),
      reviews.map((r) =>
        el(
          "tr",
          {},
          el("td", {}, r.username),
          el(
            "td",
            {},
            `${T.decisions[r.decision]}${r.edited ? " ✎" : ""}${r.reason ? ` — ${reason(r.reason)}` : ""}`,
          ),
          el("td", { class: "num" }, r.rating ?? T.none),
          el("td", {}, r.comment ?? ""),
        ),
      ),
    ),
  );
}

/** @param {AuditEntry[]} rows */
function auditView(rows) {
  return el(
    "div",
    { class: "panel", id: "audit" },
    el("h2", {}, T.history),
    el(
      "table",
      { class: "grid" },
      rows.map((r) =>
        el(
          "tr",
          {},
          el("td", { class: "num" }, r.at),
          el("td", {}, r.username),
          el("td", {}, T.actions[r.action] || r.action),
          el(
            "td",
            {},
            r.action === "status"
              ? T.statuses[r.detail?.status] || ""
              : r.action === "review"
                ? T.decisions[r.detail?.decision] || ""
                : "",
          ),
        ),
      ),
    ),
  );
}

/** The reviewer's comment for the team (C focuses it). */
function commentBox() {
  return el(
    "div",
    { class: "panel comment" },
    el("textarea", {
      id: "comment",
      placeholder: T.commentHint,
      "aria-label": T.comment,
      value: state.comment,
      oninput: (/** @type {Event} */ e) => {
        state.comment = /** @type {HTMLTextAreaElement} */ (e.target).value;
      },
    }),
  );
}

/** The last save's outcome, if any. */
function noticeBanner() {
  return state.notice
    ? el("div", { class: `banner ${state.notice.kind}`, role: "status" }, state.notice.text)
    : null;
}

function sampleView() {
  const v = state.view;
  if (!v) return el("section", { class: "sample" }, el("div", { class: "panel empty" }, T.noMore));
  if (rating()) return passageView(v);
  const s = v.sample;
  const editing = state.mode === "edit";
  return el(
    "section",
    { class: "sample", "data-sample": s.sample_id },
    noticeBanner(),
    el(
      "div",
      { class: "chips" },
      el("span", { class: "chip" }, `${T.task}: ${taskNames()[s.task] || s.task}`),
      s.subject ? el("span", { class: "chip" }, `${T.subject}: ${s.subject}`) : null,
      s.grade !== null ? el("span", { class: "chip" }, `${T.grade}: ${s.grade}`) : null,
      el("span", { class: `chip status-${s.status}` }, T.statuses[s.status] || s.status),
      el("span", { class: "chip" }, `v${s.version} · ${v.reviewCount}/${state.overlap} ${T.reviewed}`),
      v.mine ? el("span", { class: "chip" }, `${T.yourReview}: ${T.decisions[v.mine.decision]}`) : null,
    ),
    state.conflict
      ? el(
          "div",
          { class: "banner warn", role: "alert", id: "conflict" },
          el("p", {}, T.conflict),
          el("button", { class: "primary", onclick: rebaseOnConflict }, T.conflictKeep),
        )
      : null,
    s.messages.map((m, i) => turnView(m, i, editing)),
    state.conflict
      ? el(
          "div",
          { class: "panel", id: "their-version" },
          el("h2", {}, `${T.theirVersion} (v${state.conflict.sample.version})`),
          state.conflict.sample.messages.map((m, i) => turnView(m, i, false)),
        )
      : null,
    state.mode === "reject" ? reasonsView() : actionsView(),
    commentBox(),
    v.diff && state.showDiff ? diffView(v.diff) : null,
    v.reviews?.length ? reviewsTable(v.reviews) : null,
    state.audit ? auditView(state.audit) : null,
  );
}

/** A passage to rate: its text, where it comes from, and the 0–5 buttons (keys 0–5 rate and move on). @param {SampleView} v */
function passageView(v) {
  const s = v.sample;
  const edu = state.edu;
  const lead = state.tab === "disputes";
  const scale = edu ? Array.from({ length: edu.max - edu.min + 1 }, (_, i) => edu.min + i) : [];
  const chosen = v.mine?.rating ?? null;
  return el(
    "section",
    { class: "sample passage", "data-sample": s.sample_id, "data-doc": s.source_doc_id, "data-task": s.task },
    noticeBanner(),
    el(
      "div",
      { class: "chips" },
      el("span", { class: "chip" }, T.eduTask),
      s.subject ? el("span", { class: "chip" }, `${T.source}: ${s.subject}`) : null,
      s.source_doc_id ? el("span", { class: "chip" }, `${T.document}: ${s.source_doc_id}`) : null,
      el("span", { class: `chip status-${s.status}` }, T.statuses[s.status] || s.status),
      el("span", { class: "chip" }, `${v.reviewCount}/${state.overlap} ${T.reviewed}`),
      chosen !== null ? el("span", { class: "chip" }, `${T.yourReview}: ${chosen}`) : null,
    ),
    el(
      "div",
      { class: "turn passage-text" },
      el("div", { class: "role" }, T.passage),
      el("div", { class: "text" }, s.source_excerpt ?? ""),
    ),
    lead
      ? actionsView()
      : el(
          "div",
          { class: "panel" },
          el(
            "div",
            { class: "rating edu-rating", role: "group", "aria-label": T.eduRating },
            el("span", { class: "meta" }, `${T.eduRating}:`),
            scale.map((n) =>
              el(
                "button",
                {
                  class: chosen === n ? "on" : "",
                  "data-rating": n,
                  "aria-pressed": chosen === n ? "true" : "false",
                  title: `${T.eduRate}: ${n}`,
                  onclick: () => rate(n),
                },
                kbd(String(n)),
              ),
            ),
          ),
          el("div", { class: "actions" }, el("button", { onclick: loadNext }, T.next, kbd("N"))),
        ),
    commentBox(),
    v.reviews?.length ? reviewsTable(v.reviews) : null,
  );
}

function guideView() {
  return el(
    "aside",
    { class: "guide panel", id: "guidelines" },
    el("h2", {}, T.guidelines, kbd("G")),
    (rating() && state.edu ? state.edu.guidelines : state.guidelines).map((g) => [
      el("h3", {}, g.title),
      g.body.map((b, i) => [
        el("p", {}, b),
        g.gloss?.[i] ? el("p", { class: "gloss", lang: "en" }, g.gloss[i]) : null,
      ]),
    ]),
    el("h3", {}, T.keys),
    el(
      "div",
      { class: "keys" },
      keyList().map(([k, d]) => [kbd(k), el("span", {}, d)]),
    ),
  );
}

/** @param {number | null | undefined} x */
function fmt(x) {
  return x === null || x === undefined || Number.isNaN(x) ? T.none : Number(x).toFixed(3);
}

function agreementView() {
  const rows = state.agreement || [];
  const people = state.progress?.people || [];
  return el(
    "div",
    { class: "wide" },
    el(
      "div",
      { class: "panel" },
      el("h2", {}, `${T.tabAgreement} (α Криппендорф, κ Коэн)`),
      el(
        "table",
        { class: "grid", id: "agreement" },
        el(
          "tr",
          {},
          [T.task, `${T.samples} (≥2)`, T.reviews, T.alphaDecision, T.alphaRating, T.pairs].map((h) =>
            el("th", {}, h),
          ),
        ),
        rows.map((r) =>
          el(
            "tr",
            { "data-task": r.task },
            el("td", {}, taskNames()[r.task] || r.task),
            el("td", { class: "num" }, r.samples),
            el("td", { class: "num" }, r.reviews),
            el("td", { class: "num" }, fmt(r.alphaDecision)),
            el("td", { class: "num" }, fmt(r.alphaRating)),
            el(
              "td",
              {},
              r.pairs.map((p) =>
                el("div", { class: "num" }, `${p.a} ↔ ${p.b}: κ = ${fmt(p.kappa)} (${p.shared})`),
              ),
            ),
          ),
        ),
      ),
    ),
    el(
      "div",
      { class: "panel" },
      el("h2", {}, T.progress),
      el(
        "table",
        { class: "grid" },
        el(
          "tr",
          {},
          [T.annotator, "Ҳамагӣ", T.accept, T.reject, T.edit, "Кушода"].map((h) => el("th", {}, h)),
        ),
        people.map((p) =>
          el(
            "tr",
            {},
            el("td", {}, `${p.display_name} (${p.username})`),
            [p.reviewed, p.accepted, p.rejected, p.edited, p.open].map((n) => el("td", { class: "num" }, n)),
          ),
        ),
      ),
    ),
  );
}

function queueTable() {
  return el(
    "div",
    { class: "wide" },
    el(
      "div",
      { class: "panel" },
      el("h2", {}, T.tabQueue),
      filtersView(true),
      el(
        "table",
        { class: "grid", id: "results" },
        el(
          "tr",
          {},
          ["Матн", T.task, T.subject, T.grade, T.status, T.reviews].map((h) => el("th", {}, h)),
        ),
        state.list.map((r) =>
          el(
            "tr",
            { class: "click", onclick: () => openSample(r.sample_id) },
            el("td", { class: "snippet" }, r.snippet),
            el("td", {}, taskNames()[r.task] || r.task),
            el("td", {}, r.subject ?? ""),
            el("td", { class: "num" }, r.grade ?? ""),
            el("td", {}, el("span", { class: `chip status-${r.status}` }, T.statuses[r.status] || r.status)),
            el("td", { class: "num" }, r.reviews),
          ),
        ),
      ),
    ),
  );
}

function keysOverlay() {
  return el(
    "div",
    { class: "overlay", onclick: () => toggleKeys(false) },
    el(
      "div",
      { class: "panel" },
      el("h2", {}, T.keys),
      el(
        "div",
        { class: "keys" },
        keyList().map(([k, d]) => [kbd(k), el("span", {}, d)]),
      ),
    ),
  );
}

/** Draws the whole page from the state, keeping focus on the element that had it. */
function renderPage() {
  const root = document.getElementById("root");
  if (!root) return;
  const focusedId = document.activeElement?.id;
  if (!state.me) {
    root.replaceChildren(loginView());
    return;
  }
  let body;
  if (state.tab === "agreement") body = agreementView();
  else if (state.tab === "queue") body = queueTable();
  else
    body = el(
      "div",
      { class: state.showGuide ? "layout" : "layout noguide" },
      queueSidebar(),
      sampleView(),
      state.showGuide ? guideView() : null,
    );
  root.replaceChildren(topBar(state.me), body, ...(state.showKeys ? [keysOverlay()] : []));
  if (focusedId) document.getElementById(focusedId)?.focus();
}

setRenderer(renderPage);
