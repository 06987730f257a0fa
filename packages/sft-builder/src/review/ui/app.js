// The review app in the browser. Every piece of sample text reaches the page through textContent or a form
// field's value, never as HTML, so a sample holding markup shows that markup as text.

const T = {
  brand: "Соро · Баррасӣ",
  signInTitle: "Баррасии намунаҳои омӯзишӣ",
  signInHint: "Бо номи корбар ва рамзи худ ворид шавед.",
  username: "Номи корбар",
  password: "Рамз",
  signIn: "Ворид шудан",
  signOut: "Баромадан",
  tabReview: "Баррасӣ",
  tabQueue: "Ҷустуҷӯ",
  tabAgreement: "Мувофиқат",
  tabDisputes: "Баҳсҳо",
  search: "Ҷустуҷӯ дар матн…",
  task: "Супориш",
  subject: "Фан",
  grade: "Синф",
  status: "Ҳолат",
  annotator: "Баррасикунанда",
  all: "Ҳама",
  queue: "Навбати ман",
  next: "Навбатӣ",
  prev: "Қаблӣ",
  accept: "Қабул",
  reject: "Рад",
  edit: "Таҳрир",
  save: "Нигоҳ доштан ва қабул",
  cancel: "Бекор кардан",
  rating: "Баҳо",
  comment: "Эзоҳ",
  commentHint: "Эзоҳ барои гурӯҳ (ихтиёрӣ)",
  reasonTitle: "Сабаби радро интихоб кунед",
  guidelines: "Дастурамал",
  keys: "Тугмаҳои зуд",
  original: "Матни аслӣ",
  showDiff: "Тағйирот",
  noMore: "Ҳамаи намунаҳо баррасӣ шудаанд. Ташаккур!",
  saved: "Нигоҳ дошта шуд.",
  conflict:
    "Дар ҳамин вақт каси дигар ин намунаро тағйир дод. Матни шумо гум нашудааст: он дар майдонҳои таҳрир боқӣ мондааст. Нусхаи навро дар поён бинед.",
  conflictKeep: "Матни маро бар нусхаи нав гузоред",
  theirVersion: "Нусхаи нав дар сервер",
  yourReview: "Баррасии шумо",
  reviews: "Баррасиҳо",
  history: "Таърихча",
  adjudicate: "Қарори ниҳоӣ",
  progress: "Пешрафт",
  reviewed: "баррасӣ",
  samples: "намуна",
  pairs: "Ҷуфтҳо (каппаи Коэн)",
  alphaDecision: "α қарор",
  alphaRating: "α баҳо",
  none: "—",
  roles: { user: "Хонанда", assistant: "Омӯзгор", system: "Дастур" },
  statuses: {
    candidate: "Номзад",
    auto_rejected: "Худкор радшуда",
    queued: "Дар навбат",
    accepted: "Қабулшуда",
    rejected: "Радшуда",
    needs_adjudication: "Баҳснок",
  },
  decisions: { accept: "қабул", reject: "рад" },
  actions: {
    assign: "гирифт",
    review: "баррасӣ кард",
    edit: "таҳрир кард",
    conflict: "нигоҳ дошта натавонист (нусха кӯҳна буд)",
    status: "ҳолат",
    adjudicate: "қарори ниҳоӣ дод",
  },
  keyList: [
    ["A", "Қабул"],
    ["R", "Рад (баъд 1–8: сабаб)"],
    ["E", "Таҳрир"],
    ["Ctrl+Enter", "Нигоҳ доштани таҳрир"],
    ["Esc", "Бекор кардан"],
    ["1–5", "Баҳо"],
    ["C", "Эзоҳ"],
    ["N / J", "Намунаи навбатӣ"],
    ["K", "Намунаи қаблӣ"],
    ["D", "Тағйирот (фарқият)"],
    ["/", "Ҷустуҷӯ"],
    ["G", "Дастурамал"],
    ["H", "Таърихча (сарвар)"],
    ["?", "Рӯйхати тугмаҳо"],
  ],
};

const state = {
  me: null,
  csrf: "",
  overlap: 2,
  reasons: [],
  guidelines: [],
  tab: "review",
  view: null,
  back: [],
  forward: [],
  mode: "view",
  rating: null,
  comment: "",
  drafts: null,
  conflict: null,
  notice: null,
  showDiff: true,
  showGuide: true,
  showKeys: false,
  audit: null,
  filters: { q: "", task: "", subject: "", grade: "", status: "", annotator: "" },
  facets: { tasks: [], subjects: [], grades: [], annotators: [] },
  list: [],
  progress: null,
};

/** Builds an element; children may be nodes or strings (always inserted as text). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "class") node.className = v;
    else if (k === "value") node.value = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Number.POSITIVE_INFINITY)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return node;
}

const kbd = (k) => el("kbd", {}, k);

async function api(method, url, body) {
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

function queryString(f) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  return p.toString();
}

// ---- loading ----

async function boot() {
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
  });
  state.facets = (await api("GET", "/api/facets")).data;
  await Promise.all([refreshList(), refreshProgress()]);
  if (!state.view) await loadNext();
  render();
}

async function refreshList() {
  const f = state.tab === "review" ? { ...state.filters } : state.filters;
  if (state.tab === "review" && !f.status) f.status = "queued";
  const url = state.tab === "disputes" ? "/api/disagreements" : "/api/queue";
  state.list = (await api("GET", `${url}?${queryString(f)}`)).data || [];
}

async function refreshProgress() {
  state.progress = (await api("GET", "/api/progress")).data;
}

function show(view) {
  state.view = view;
  state.mode = "view";
  state.rating = view?.mine?.rating ?? null;
  state.comment = view?.mine?.comment ?? "";
  state.drafts = null;
  state.conflict = null;
  state.audit = null;
}

async function loadNext() {
  const { data } = await api("POST", "/api/next", state.filters);
  if (state.view) state.back.push(state.view.sample.sample_id);
  show(data.view || null);
  render();
}

async function openSample(id, remember = true) {
  const { status, data } = await api("GET", `/api/samples/${encodeURIComponent(id)}`);
  if (status !== 200) return;
  if (remember && state.view) state.back.push(state.view.sample.sample_id);
  show(data);
  if (state.tab === "queue") state.tab = "review";
  render();
}

async function goBack() {
  const id = state.back.pop();
  if (id) await openSample(id, false);
}

// ---- actions ----

async function submit(decision, reason) {
  const v = state.view;
  if (!v) return;
  const lead = state.tab === "disputes" && state.me.role === "lead";
  const body = {
    version: v.sample.version,
    decision,
    reason: reason ?? null,
    rating: state.rating,
    comment: state.comment || null,
  };
  if (state.mode === "edit" && state.drafts)
    body.messages = v.sample.messages.map((m, i) => ({ role: m.role, content: state.drafts[i] }));
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

function setMode(mode) {
  state.mode = mode;
  render();
}

function toggleKeys(on) {
  state.showKeys = on;
  render();
}

function startEdit() {
  if (!state.view) return;
  state.mode = "edit";
  state.drafts = state.view.sample.messages.map((m) => m.content);
  render();
  (document.querySelector(".turn.assistant textarea") || document.querySelector(".turn textarea"))?.focus();
}

function rebaseOnConflict() {
  // The reviewer saw the newer version and still wants their text: save it against the current version.
  state.view = state.conflict;
  state.conflict = null;
  render();
}

async function showAudit() {
  if (!state.view || state.me.role !== "lead") return;
  state.audit = (
    await api("GET", `/api/samples/${encodeURIComponent(state.view.sample.sample_id)}/audit`)
  ).data;
  render();
}

async function signOut() {
  await api("POST", "/api/logout", {});
  Object.assign(state, { me: null, csrf: "", view: null, back: [] });
  render();
}

async function switchTab(tab) {
  state.tab = tab;
  state.notice = null;
  if (tab === "agreement") {
    state.agreement = (await api("GET", "/api/agreement")).data;
    await refreshProgress();
  } else await refreshList();
  if (tab === "disputes") state.view = null;
  render();
}

// ---- views ----

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
      onsubmit: async (e) => {
        e.preventDefault();
        const { status, data } = await api("POST", "/api/login", {
          username: user.value,
          password: pass.value,
        });
        if (status === 200) {
          state.csrf = data.csrf;
          await boot();
        } else {
          error.textContent =
            status === 429
              ? `Кӯшишҳо аз ҳад зиёд шуданд. Баъд аз ${data.retryAfter} сония боз кӯшиш кунед.`
              : "Номи корбар ё рамз нодуруст аст.";
        }
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

function topBar() {
  const tabs = [
    ["review", T.tabReview],
    ["queue", T.tabQueue],
  ];
  if (state.me.role === "lead") tabs.push(["agreement", T.tabAgreement], ["disputes", T.tabDisputes]);
  const mine = state.progress?.people?.find((p) => p.username === state.me.username);
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
    el(
      "span",
      { class: "who" },
      `${state.me.display_name} (${state.me.role === "lead" ? "сарвар" : "баррасикунанда"})`,
    ),
    el("button", { onclick: signOut }, T.signOut),
  );
}

function select(name, label, options, labels) {
  return el(
    "select",
    {
      name,
      "aria-label": label,
      onchange: async (e) => {
        state.filters[name] = e.target.value;
        await refreshList();
        render();
      },
    },
    el("option", { value: "" }, `${label}: ${T.all}`),
    options.map((o) =>
      el(
        "option",
        { value: String(o), selected: String(state.filters[name]) === String(o) },
        labels ? labels[o] || String(o) : String(o),
      ),
    ),
  );
}

function filtersView(withStatus) {
  const search = el("input", {
    type: "search",
    id: "search",
    placeholder: T.search,
    value: state.filters.q,
    onkeydown: async (e) => {
      if (e.key === "Enter") {
        state.filters.q = e.target.value;
        await refreshList();
        render();
      }
    },
  });
  const f = state.facets;
  return el(
    "div",
    { class: "filters" },
    search,
    el("div", { class: "row" }, select("task", T.task, f.tasks), select("subject", T.subject, f.subjects)),
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

function metaLine(r) {
  return el(
    "div",
    { class: "meta" },
    el("span", {}, r.task),
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

function turnView(m, i, editable) {
  const label = T.roles[m.role] || m.role;
  if (editable) {
    return el(
      "div",
      { class: `turn ${m.role}` },
      el("div", { class: "role" }, label),
      el("textarea", {
        "data-turn": i,
        value: state.drafts[i],
        oninput: (e) => {
          state.drafts[i] = e.target.value;
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
  const rating = el(
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
          onclick: () => {
            state.rating = state.rating === n ? null : n;
            render();
          },
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
        el("button", { onclick: () => show(state.view) || render() }, T.cancel, kbd("Esc")),
      ]
    : [
        el("button", { class: "accept", id: "accept", onclick: () => submit("accept") }, T.accept, kbd("A")),
        el("button", { class: "reject", id: "reject", onclick: () => setMode("reject") }, T.reject, kbd("R")),
        el("button", { id: "edit", onclick: startEdit }, T.edit, kbd("E")),
        el("button", { onclick: loadNext }, T.next, kbd("N")),
      ];
  return el(
    "div",
    { class: "panel" },
    el("div", { class: "actions" }, buttons, el("span", { class: "spacer" }), rating),
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

function reviewsTable(reviews) {
  const reason = (code) => state.reasons.find((r) => r.code === code)?.label || code || "";
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

function sampleView() {
  const v = state.view;
  if (!v) return el("section", { class: "sample" }, el("div", { class: "panel empty" }, T.noMore));
  const s = v.sample;
  const editing = state.mode === "edit";
  return el(
    "section",
    { class: "sample", "data-sample": s.sample_id },
    state.notice
      ? el("div", { class: `banner ${state.notice.kind}`, role: "status" }, state.notice.text)
      : null,
    el(
      "div",
      { class: "chips" },
      el("span", { class: "chip" }, `${T.task}: ${s.task}`),
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
    el(
      "div",
      { class: "panel comment" },
      el("textarea", {
        id: "comment",
        placeholder: T.commentHint,
        "aria-label": T.comment,
        value: state.comment,
        oninput: (e) => {
          state.comment = e.target.value;
        },
      }),
    ),
    v.diff && state.showDiff ? diffView(v.diff) : null,
    v.reviews?.length ? reviewsTable(v.reviews) : null,
    state.audit ? auditView(state.audit) : null,
  );
}

function guideView() {
  return el(
    "aside",
    { class: "guide panel", id: "guidelines" },
    el("h2", {}, T.guidelines, kbd("G")),
    state.guidelines.map((g) => [el("h3", {}, g.title), g.body.map((b) => el("p", {}, b))]),
    el("h3", {}, T.keys),
    el(
      "div",
      { class: "keys" },
      T.keyList.map(([k, d]) => [kbd(k), el("span", {}, d)]),
    ),
  );
}

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
            el("td", {}, r.task),
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
            el("td", {}, r.task),
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
        T.keyList.map(([k, d]) => [kbd(k), el("span", {}, d)]),
      ),
    ),
  );
}

function render() {
  const root = document.getElementById("root");
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
  root.replaceChildren(...[topBar(), body, state.showKeys ? keysOverlay() : null].filter(Boolean));
  if (focusedId) document.getElementById(focusedId)?.focus();
}

// ---- keyboard ----

function typing(target) {
  return (
    target instanceof HTMLElement && (target.matches("input, textarea, select") || target.isContentEditable)
  );
}

document.addEventListener("keydown", async (e) => {
  if (!state.me) return;
  if (e.key === "Escape") {
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    if (state.showKeys) state.showKeys = false;
    else if (state.mode !== "view" && state.view) show(state.view);
    render();
    return;
  }
  if (state.mode === "edit" && e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    await submit("accept");
    return;
  }
  if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
  // Physical keys (e.code), so shortcuts work the same with a Tajik or Russian layout active.
  const action = shortcut(e.code, e.shiftKey);
  if (!action) return;
  e.preventDefault();
  await action();
});

/** The action a key press stands for in the current state, if any. */
function shortcut(code, shift) {
  const digit = /^Digit([1-9])$/.exec(code)?.[1];
  if (state.mode === "reject" && digit) {
    const reason = state.reasons[Number(digit) - 1];
    return reason ? () => submit("reject", reason.code) : null;
  }
  if (code === "Slash" && shift) return () => toggleKeys(!state.showKeys);
  if (code === "Slash")
    return async () => {
      if (state.tab === "agreement") await switchTab("queue");
      document.getElementById("search")?.focus();
    };
  if (code === "KeyG")
    return () => {
      state.showGuide = !state.showGuide;
      render();
    };
  if (state.tab !== "review" && state.tab !== "disputes") return null;
  const viewing = state.view && state.mode === "view";
  if (code === "KeyA" && viewing) return () => submit("accept");
  if (code === "KeyR" && viewing) return () => setMode("reject");
  if (code === "KeyE" && viewing) return startEdit;
  if (digit && Number(digit) <= 5 && state.view)
    return () => {
      state.rating = Number(digit);
      render();
    };
  if (code === "KeyC") return () => document.getElementById("comment")?.focus();
  if ((code === "KeyN" || code === "KeyJ") && state.tab === "review") return loadNext;
  if (code === "KeyK") return goBack;
  if (code === "KeyD")
    return () => {
      state.showDiff = !state.showDiff;
      render();
    };
  if (code === "KeyH") return showAudit;
  return null;
}

boot();
