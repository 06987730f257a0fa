/**
 * Folding for dedup keys only: two copies of a text that differ in case, punctuation, spacing, diacritics or in
 * Tajik letters typed as their Russian look-alikes get the same key. Never store folded text: NFD stripping
 * turns ӣ ӯ ё й into и у е и, which is right for matching and wrong anywhere else.
 */

// Tajik letters with descenders have no decomposition, so NFD leaves them; typists often replace them with the
// plain Russian letter, and legacy fonts or OCR with look-alikes. All map to the plain letter in a key.
const LETTER_FOLD: Record<string, string> = {
  ҳ: "х",
  һ: "х",
  ҷ: "ч",
  ҹ: "ч",
  қ: "к",
  ҟ: "к",
  ӄ: "к",
  ғ: "г",
  ӻ: "г",
  ў: "у",
  і: "и",
  ї: "и",
};
const FOLD = new Map<number, number>(
  Object.entries(LETTER_FOLD).map(([from, to]) => [
    from.codePointAt(0) as number,
    to.codePointAt(0) as number,
  ]),
);

const MARK = /\p{M}/u;
const WORD = /[\p{L}\p{N}]/u;

// What each UTF-16 unit becomes in a key, learned on first sight: a code unit (>= 0), a word break, nothing (a
// combining mark), or several units (a compatibility form such as ½ → "1 2", kept in MULTI).
const UNKNOWN = -1;
const BREAK = -2;
const NOTHING = -3;
const SEVERAL = -4;
const table = new Int32Array(0x10000).fill(UNKNOWN);
const MULTI = new Map<number, Int32Array>();

/** The key units of one code point: NFKD, lowercase, marks dropped, Tajik letters folded, the rest breaks. */
function keyUnits(code: number): Int32Array {
  const src = String.fromCodePoint(code).normalize("NFKD").toLowerCase();
  const out: number[] = [];
  for (const ch of src) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80) {
      const lower = c | 0x20;
      out.push((c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x7a) ? c : BREAK);
    } else if (MARK.test(ch)) continue;
    else if (WORD.test(ch)) {
      const f = FOLD.get(c);
      if (f !== undefined) out.push(f);
      else for (let k = 0; k < ch.length; k++) out.push(ch.charCodeAt(k));
    } else out.push(BREAK);
  }
  return Int32Array.from(out);
}

function learn(unit: number): number {
  const units = keyUnits(unit);
  const v = units.length === 0 ? NOTHING : units.length === 1 ? (units[0] as number) : SEVERAL;
  if (v === SEVERAL) MULTI.set(unit, units);
  table[unit] = v;
  return v;
}

/** Key units of astral code points (rare: emoji, historic scripts), by code point. */
const astral = new Map<number, Int32Array>();

/**
 * Writes the key form of a text into `buf` as UTF-16 units, words separated by one 0x20, and returns its length
 * (`buf` must hold `text.length * 4 + 1` units; compatibility forms can expand). One pass over the text, no strings.
 */
export function foldInto(text: string, buf: Uint16Array): number {
  let n = 0;
  let pending = false; // a word break is due before the next unit
  const put = (v: number) => {
    if (v >= 0) {
      if (pending && n > 0) buf[n++] = 0x20;
      pending = false;
      buf[n++] = v;
    } else if (v === BREAK) pending = true;
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const cp = text.codePointAt(i) as number;
      if (cp > 0xffff) {
        let units = astral.get(cp);
        if (!units) {
          units = keyUnits(cp);
          astral.set(cp, units);
        }
        for (const u of units) put(u);
        i++;
        continue;
      }
    }
    let v = table[code] as number;
    if (v === UNKNOWN) v = learn(code);
    if (v >= 0) {
      if (pending && n > 0) buf[n++] = 0x20;
      pending = false;
      buf[n++] = v;
    } else if (v === BREAK) pending = true;
    else if (v === SEVERAL) for (const u of MULTI.get(code) as Int32Array) put(u);
  }
  return n;
}

let scratch = new Uint16Array(1 << 16);

/** A scratch buffer large enough to fold `text` into (reused: callers copy what they keep). */
export function foldBuffer(text: string): Uint16Array {
  if (scratch.length < text.length * 4 + 1) scratch = new Uint16Array(text.length * 4 + 1);
  return scratch;
}

const utf16 = new TextDecoder("utf-16le");

/** The key form of a text: lowercase, diacritics and Tajik-specific letters folded, punctuation as spaces. */
export function foldForKey(text: string): string {
  const buf = foldBuffer(text);
  const n = foldInto(text, buf);
  return utf16.decode(buf.subarray(0, n));
}

/** The words of a text's key form. */
export function keyWords(text: string): string[] {
  const key = foldForKey(text);
  return key.length === 0 ? [] : key.split(" ");
}
