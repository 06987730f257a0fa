/** Unicode classes of characters as bits, one table lookup per UTF-16 unit instead of a regular expression per word. */

export const WS = 1; // JavaScript's \s (what String.prototype.trim removes)
export const LETTER = 2; // \p{L}
export const NUMBER = 4; // \p{N}
export const EDGE = 8; // \p{P} or \p{S}: stripped from word edges
export const SYMBOL = 16; // \p{S} or #: counted by q_symbol_share
export const MARK = 32; // \p{M}: combining marks, read as part of a word by the reading level and the edu model
const UNSEEN = 255;
const classTable = new Uint8Array(0x10000).fill(UNSEEN);
const astralClasses = new Map<number, number>();

function classOf(ch: string): number {
  return (
    (/\s/u.test(ch) ? WS : 0) |
    (/\p{L}/u.test(ch) ? LETTER : 0) |
    (/\p{N}/u.test(ch) ? NUMBER : 0) |
    (/[\p{P}\p{S}]/u.test(ch) ? EDGE : 0) |
    (/[\p{S}#]/u.test(ch) ? SYMBOL : 0) |
    (/\p{M}/u.test(ch) ? MARK : 0)
  );
}

/** The class bits of one UTF-16 unit on its own (a surrogate half, paired or not, has none). */
export function unitClass(c: number): number {
  let v = classTable[c] as number;
  if (v === UNSEEN) {
    v = classOf(String.fromCharCode(c));
    classTable[c] = v;
  }
  return v;
}

/** The class bits of the code point at `k` (a lone surrogate is a unit of its own). */
export function classAt(text: string, k: number): number {
  const c = text.charCodeAt(k);
  if (c >= 0xd800 && c <= 0xdbff) {
    const cp = text.codePointAt(k) as number;
    if (cp > 0xffff) {
      let v = astralClasses.get(cp);
      if (v === undefined) {
        v = classOf(String.fromCodePoint(cp));
        astralClasses.set(cp, v);
      }
      return v;
    }
  }
  return unitClass(c);
}

/** UTF-16 units of the code point at `k`. */
export const unitsAt = (text: string, k: number): number => {
  const c = text.charCodeAt(k);
  return c >= 0xd800 && c <= 0xdbff && k + 1 < text.length && (text.charCodeAt(k + 1) & 0xfc00) === 0xdc00
    ? 2
    : 1;
};

/** A membership table over UTF-16 units, for characters tested once per character of a text. */
export function unitSet(chars: string): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (const ch of chars) table[ch.charCodeAt(0)] = 1;
  return table;
}
