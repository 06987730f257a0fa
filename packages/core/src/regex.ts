/**
 * Escapes a string for use inside a regular-expression character class or alternation. It escapes `-` too (a class
 * needs it), which a `u`-flag pattern accepts inside a class only.
 */
export function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}
