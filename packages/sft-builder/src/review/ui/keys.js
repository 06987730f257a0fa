// @ts-check
// The keyboard: every review action has a key, matched by physical key (e.code) so shortcuts work the same with a
// Tajik or Russian layout active.
import {
  goBack,
  loadNext,
  rate,
  setMode,
  setRating,
  show,
  showAudit,
  startEdit,
  submit,
  switchTab,
  toggleDiff,
  toggleGuide,
  toggleKeys,
} from "./actions.js";
import { rating, render, state } from "./state.js";

/** Whether the key goes into a text field. @param {EventTarget | null} target */
function typing(target) {
  return (
    target instanceof HTMLElement && (target.matches("input, textarea, select") || target.isContentEditable)
  );
}

/**
 * The action a key press stands for in the current state, if any.
 * @param {string} code
 * @param {boolean} shift
 * @returns {(() => unknown) | null}
 */
export function shortcut(code, shift) {
  const digit = /^Digit([0-9])$/.exec(code)?.[1];
  if (state.mode === "reject" && digit && digit !== "0") {
    const reason = state.reasons[Number(digit) - 1];
    return reason ? () => submit("reject", reason.code) : null;
  }
  if (code === "Slash" && shift) return () => toggleKeys(!state.showKeys);
  if (code === "Slash")
    return async () => {
      if (state.tab === "agreement") await switchTab("queue");
      document.getElementById("search")?.focus();
    };
  if (code === "KeyG") return toggleGuide;
  if (state.tab !== "review" && state.tab !== "disputes") return null;
  const viewing = state.view && state.mode === "view";
  // A passage is rated 0–5 and the next one opens; a lead settling a dispute accepts or rejects instead.
  if (rating() && state.tab === "review" && digit && state.edu) {
    const n = Number(digit);
    return n >= state.edu.min && n <= state.edu.max ? () => rate(n) : null;
  }
  if (code === "KeyA" && viewing) return () => submit("accept");
  if (code === "KeyR" && viewing) return () => setMode("reject");
  if (code === "KeyE" && viewing && !rating()) return startEdit;
  if (digit && Number(digit) >= 1 && Number(digit) <= 5 && state.view && !rating())
    return () => setRating(Number(digit));
  if (code === "KeyC") return () => document.getElementById("comment")?.focus();
  if ((code === "KeyN" || code === "KeyJ") && state.tab === "review") return loadNext;
  if (code === "KeyK") return goBack;
  if (code === "KeyD") return toggleDiff;
  if (code === "KeyH") return showAudit;
  return null;
}

/** Listens for the review keys on the whole page. */
export function installKeys() {
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
    const action = shortcut(e.code, e.shiftKey);
    if (!action) return;
    e.preventDefault();
    await action();
  });
}
