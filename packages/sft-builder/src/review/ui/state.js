// @ts-check
// What the page knows: the signed-in reviewer, the item on screen, the list, and the filters. Views read it,
// actions change it and call render().

/** @typedef {import("../state.js").SampleView} SampleView */
/** @typedef {import("../queries.js").QueueRow} QueueRow */
/** @typedef {import("../agreement.js").TaskAgreement} TaskAgreement */
/** @typedef {import("../guidelines.js").GuideSection} GuideSection */
/** @typedef {{username: string, display_name: string, role: "annotator" | "lead"}} Me */
/** @typedef {{code: string, label: string}} Reason */
/** @typedef {{task: string, min: number, max: number, guidelines: GuideSection[]}} EduKind */
/**
 * @typedef {{username: string, display_name: string, role: string, reviewed: number, accepted: number,
 *   rejected: number, edited: number, open: number}} Person
 */
/** @typedef {{people: Person[], statuses: Record<string, number>}} Progress */
/** @typedef {{audit_id: number, username: string, action: string, detail: any, at: string}} AuditEntry */
/** @typedef {{tasks: string[], subjects: string[], grades: number[], annotators: string[]}} Facets */
/** @typedef {{q: string, task: string, subject: string, grade: string, status: string, annotator: string}} Filters */
/** @typedef {"review" | "queue" | "agreement" | "disputes"} Tab */

export const state = {
  /** @type {Me | null} */
  me: null,
  csrf: "",
  overlap: 2,
  /** @type {Reason[]} */
  reasons: [],
  /** @type {GuideSection[]} */
  guidelines: [],
  /** The rating task's settings; null until signed in. @type {EduKind | null} */
  edu: null,
  /** @type {Tab} */
  tab: "review",
  /** @type {SampleView | null} */
  view: null,
  /** Ids of the items seen before, for K. @type {string[]} */
  back: [],
  /** @type {"view" | "edit" | "reject"} */
  mode: "view",
  /** @type {number | null} */
  rating: null,
  comment: "",
  /** The text of each turn while editing. @type {string[] | null} */
  drafts: null,
  /** The server's newer version after a refused save. @type {SampleView | null} */
  conflict: null,
  /** @type {{kind: "ok" | "warn", text: string} | null} */
  notice: null,
  showDiff: true,
  showGuide: true,
  showKeys: false,
  /** @type {AuditEntry[] | null} */
  audit: null,
  /** @type {TaskAgreement[] | null} */
  agreement: null,
  /** @type {Filters} */
  filters: { q: "", task: "", subject: "", grade: "", status: "", annotator: "" },
  /** @type {Facets} */
  facets: { tasks: [], subjects: [], grades: [], annotators: [] },
  /** @type {QueueRow[]} */
  list: [],
  /** @type {Progress | null} */
  progress: null,
};

/** Whether the item on screen is a passage to rate (else an SFT sample). */
export function rating() {
  return state.view !== null && state.edu !== null && state.view.sample.task === state.edu.task;
}

/** @type {() => void} */
let renderer = () => {};

/** Sets what render() draws (views.js). @param {() => void} fn */
export function setRenderer(fn) {
  renderer = fn;
}

/** Draws the page from the state. */
export function render() {
  renderer();
}
