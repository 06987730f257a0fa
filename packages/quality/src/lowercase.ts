/**
 * `text.toLowerCase()`, the same string, faster for the BMP text the quality signals read: each unit through a table
 * into a reused buffer, decoded once. The engine's lowercasing of two-byte (Cyrillic) text goes through ICU per call
 * and took 5-6% of the signals' time; this takes about four fifths of that.
 */

/** Each BMP unit's lowercase unit; 0 where the table cannot tell (see `lowerCase`). */
let table: Uint16Array | null = null;

function lowerTable(): Uint16Array {
  if (table) return table;
  const t = new Uint16Array(0x10000);
  for (let c = 1; c < 0x10000; c++) {
    // Surrogates (astral letters have cases), capital sigma (its lowercase depends on what follows) and İ (two
    // units) stay 0: a text holding one is lowercased by the engine.
    if ((c >= 0xd800 && c <= 0xdfff) || c === 0x3a3) continue;
    const l = String.fromCharCode(c).toLowerCase();
    if (l.length === 1) t[c] = l.charCodeAt(0);
  }
  table = t;
  return t;
}

let units = new Uint16Array(1 << 14);
// ignoreBOM: a leading U+FEFF is kept, as toLowerCase keeps it.
const utf16 = new TextDecoder("utf-16le", { ignoreBOM: true });

/** The text lowercased, exactly as `text.toLowerCase()`. */
export function lowerCase(text: string): string {
  const lower = lowerTable();
  const n = text.length;
  if (units.length < n) units = new Uint16Array(n * 2);
  const out = units;
  for (let k = 0; k < n; k++) {
    const l = lower[text.charCodeAt(k)] as number;
    if (l === 0) return text.toLowerCase();
    out[k] = l;
  }
  return utf16.decode(out.subarray(0, n));
}
