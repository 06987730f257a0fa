import { decodeBytes } from "@soro/core";
import type { ChangeLog } from "./changes.js";
import type { Lexicon } from "./lexicon.js";
import { keysRegex, readCharMap } from "./tables.js";

/** The legacy encodings and mojibake this step can undo. */
export type LegacyEncoding =
  | "legacy_a"
  | "legacy_b"
  | "ascii_font"
  | "koi8t"
  | "koi8t_latin1"
  | "koi8t_koi8r"
  | "mojibake_cp1251"
  | "mojibake_latin1";

/** The encodings undone character by character. */
type Mapped = "legacy_a" | "legacy_b" | "ascii_font" | "koi8t_koi8r";

interface Tables {
  /** `keys`: 1 for each code unit the mapping changes (its keys are single code units). */
  maps: Record<Mapped, { map: Map<string, string>; re: RegExp; keys: Uint8Array }>;
  cp1251: Map<string, number>;
  cp1252: Map<string, number>;
  koi8t: string[];
}

let tables: Tables | undefined;
let delimiterTable: Uint8Array | undefined;

/**
 * 1 for the code units that end a candidate's word (white space, . , ; : ! ? ( ) « » "), made when a mapping is first
 * judged (most corpora never show a legacy mark).
 */
function delimiters(): Uint8Array {
  if (!delimiterTable) {
    delimiterTable = new Uint8Array(0x10000);
    for (let c = 0; c < 0x10000; c++)
      if (/[\s.,;:!?()«»"]/.test(String.fromCharCode(c))) delimiterTable[c] = 1;
  }
  return delimiterTable;
}

/** Character -> byte for a single-byte code page that Node's TextDecoder knows. */
function reverseCodePage(label: string): Map<string, number> {
  const chars = new TextDecoder(label).decode(Uint8Array.from({ length: 256 }, (_, i) => i));
  const rev = new Map<string, number>();
  [...chars].forEach((c, i) => {
    if (c !== "\uFFFD" && !rev.has(c)) rev.set(c, i);
  });
  // Bytes a code page leaves undefined decode as C1 controls: map them back to themselves.
  for (let i = 0x80; i < 0xa0; i++) if (!rev.has(String.fromCharCode(i))) rev.set(String.fromCharCode(i), i);
  return rev;
}

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

/**
 * KOI8-T text read as KOI8-R: the two share their letter blocks and differ in the upper half's first rows, where
 * KOI8-T has the Tajik letters and KOI8-R box drawing (`Эмомал╔` for `Эмомалӣ`). Maps each KOI8-R character there
 * to KOI8-T's for the same byte, leaving bytes KOI8-T does not define and the no-break space.
 */
function koi8tAsKoi8r(): Map<string, string> {
  const r = [...new TextDecoder("koi8-r").decode(ALL_BYTES)];
  const t = [...decodeBytes(ALL_BYTES, "koi8-t")];
  const map = new Map<string, string>();
  for (let b = 0x80; b < 0xc0; b++) {
    const from = r[b];
    const to = t[b];
    if (from !== undefined && to !== undefined && from !== to && to !== "\uFFFD" && !/\s/.test(from))
      map.set(from, to);
  }
  return map;
}

function loadTables(): Tables {
  const withRe = (map: Map<string, string>) => {
    const keys = new Uint8Array(0x10000);
    for (const k of map.keys()) {
      if (k.length !== 1) throw new Error(`legacy mapping key ${JSON.stringify(k)} is not one code unit`);
      keys[k.charCodeAt(0)] = 1;
    }
    return { map, re: keysRegex(map), keys };
  };
  return {
    maps: {
      legacy_a: withRe(readCharMap("legacy-a.tsv")),
      legacy_b: withRe(readCharMap("legacy-b.tsv")),
      ascii_font: withRe(readCharMap("ascii-font.tsv")),
      koi8t_koi8r: withRe(koi8tAsKoi8r()),
    },
    cp1251: reverseCodePage("windows-1251"),
    cp1252: reverseCodePage("windows-1252"),
    koi8t: [...decodeBytes(ALL_BYTES, "koi8-t")],
  };
}

/** The bytes a text was decoded from under a code page, or undefined when a character does not fit it. */
function toBytes(text: string, page: Map<string, number>): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (const c of text) {
    const b = c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : page.get(c);
    if (b === undefined) return undefined;
    out[n++] = b;
  }
  return out.subarray(0, n);
}

const utf8 = new TextDecoder("utf-8");

/** UTF-8 decoding that gives up when more than a few sequences are broken. */
function decodeUtf8(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes) return undefined;
  const s = utf8.decode(bytes);
  let bad = 0;
  for (let i = s.indexOf("\uFFFD"); i >= 0; i = s.indexOf("\uFFFD", i + 1)) bad++;
  return bad > s.length * 0.005 ? undefined : s;
}

function decodeKoi8t(bytes: Uint8Array | undefined, koi8t: string[]): string | undefined {
  if (!bytes) return undefined;
  let s = "";
  for (const b of bytes) s += koi8t[b];
  return s;
}

// Cheap triggers: only a text showing the marks of an encoding pays for decoding and scoring a candidate.
const LEGACY_A_MARK = /[њќѓљЊЌЃЉ]/;
const LEGACY_B_MARK = /[ѕЅ]/;
const SHARED_MARK = /[іїўњљІЇЎЊЉ]/;
const OTHER_TURKIC = /[әөүңұҗӘӨҮҢҰҖ]/;
// A KOI8-R symbol of the rows where KOI8-T has its Tajik letters, touching a Cyrillic letter.
const KOI8R_SYMBOL_IN_WORD =
  /[\u0400-\u04FF][\u2500-\u25A0\u2219\u221A\u2248\u2264\u2265\u2320\u2321\u00B0\u00B2\u00B7\u00F7]|[\u2500-\u25A0\u2219\u221A\u2248\u2264\u2265\u2320\u2321\u00B0\u00B2\u00B7\u00F7][\u0400-\u04FF]/;
const ASCII_FONT = /[\u0400-\u04FF][¼Åú¶âôîë]|[¼Åú¶âôîë][\u0400-\u04FF]/;
/** UTF-8 read as windows-1251: a lead byte's letter, then a continuation byte's character. */
export const UTF8_AS_CP1251 =
  /[РСТУ][\u0080-\u00BF\u0402-\u040F\u0452-\u045F\u0490\u0491\u2013-\u2026\u2030\u2039\u203A\u20AC\u2116\u2122]/g;
const UTF8_AS_LATIN1 =
  /[ÐÑÒÓ][\u0080-\u00BF\u2013-\u2026\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2030\u2039\u203A\u20AC\u2122]/g;
const LATIN1_HIGH = /[\u00C0-\u00FF]/g;
const TAJIK_LETTER = /[ҳқғҲҚҒ]/;
const I_LETTER = /[іІ]/;
const B_PAIR = /[њљїЊЉЇ]/;
const LATIN1_LEAD = /[ÐÑÒÓ]/;
const LATIN1_HIGH_ONE = new RegExp(LATIN1_HIGH.source);

/** The bracketed character classes of a pattern, each a pattern of its own. */
function charClasses(re: RegExp): RegExp[] {
  return (re.source.match(/\[[^\]]*\]/g) ?? []).map((c) => new RegExp(c));
}

/**
 * One bit per character class that a test of `candidates` needs a character of (for a two-character pattern, a
 * class of it): a clean document shows none, and one pass over it (`legacyMarks`) spares some ten scans that find
 * nothing. The tests themselves still decide.
 */
const MARK_CLASSES = {
  tajik: TAJIK_LETTER,
  turkic: OTHER_TURKIC,
  shared: SHARED_MARK,
  legacyA: LEGACY_A_MARK,
  legacyB: LEGACY_B_MARK,
  i: I_LETTER,
  bPair: B_PAIR,
  asciiFont: charClasses(ASCII_FONT)[1] as RegExp,
  koi8r: charClasses(KOI8R_SYMBOL_IN_WORD)[1] as RegExp,
  utf8Lead: charClasses(UTF8_AS_CP1251)[0] as RegExp,
  utf8Tail: charClasses(UTF8_AS_CP1251)[1] as RegExp,
  latin1Lead: LATIN1_LEAD,
  latin1High: LATIN1_HIGH_ONE,
};
const MARK = Object.fromEntries(Object.keys(MARK_CLASSES).map((k, i) => [k, 1 << i])) as Record<
  keyof typeof MARK_CLASSES,
  number
>;
/** Code units where the classes' characters lie (every one of them: Latin-1 to Cyrillic, and U+2000..U+26FF). */
const MARK_RANGES = [
  [0x80, 0x6ff],
  [0x2000, 0x26ff],
];
let markTable: Uint16Array | undefined;
/** Table bits past the MARK classes: a basic Cyrillic capital, a basic Cyrillic small letter (counted, not marked). */
const UPPER_BIT = 13;
const LOWER_BIT = 14;

/**
 * Per code unit, the bits of the MARK classes it belongs to, then a basic Cyrillic capital (bit 13) or small letter
 * (bit 14): what `legacyMarks` reads (and a pass over a text for other steps too may read at once).
 */
export function legacyMarkTable(): Uint16Array {
  if (!markTable) {
    const table = new Uint16Array(0x10000);
    for (const [lo = 0, hi = 0] of MARK_RANGES)
      for (let c = lo; c <= hi; c++) {
        const ch = String.fromCharCode(c);
        for (const [k, re] of Object.entries(MARK_CLASSES))
          if (re.test(ch)) (table[c] as number) |= MARK[k as keyof typeof MARK_CLASSES];
      }
    for (let c = 0x410; c <= 0x42f; c++) (table[c] as number) |= 1 << UPPER_BIT;
    for (let c = 0x430; c <= 0x44f; c++) (table[c] as number) |= 1 << LOWER_BIT;
    markTable = table;
  }
  return markTable;
}

/** The MARK bits of the classes whose characters occur in a text, and its basic Cyrillic capitals and small letters. */
export interface LegacyMarks {
  marks: number;
  upper: number;
  lower: number;
  /**
   * Whether a character of UTF8_AS_CP1251's first class stands right before one of its second (what a test of the
   * pattern finds): Р С Т У are common capitals and « » — common punctuation, so most texts have both classes.
   */
  utf8Pair: boolean;
}

/** The mark table bits of UTF8_AS_CP1251's first and second class. */
export const UTF8_LEAD_MARK = MARK.utf8Lead;
export const UTF8_TAIL_MARK = MARK.utf8Tail;

/**
 * A text's `LegacyMarks`, in one pass over it (its capitals and small letters are counted there: a KOI8 reading is
 * tested by their ratio).
 */
export function legacyMarks(text: string): LegacyMarks {
  const t = legacyMarkTable();
  let marks = 0;
  let upper = 0;
  let lower = 0;
  let utf8Pair = false;
  for (let i = 0; i < text.length; i++) {
    const v = t[text.charCodeAt(i)] as number;
    marks |= v;
    upper += (v >> UPPER_BIT) & 1;
    lower += (v >> LOWER_BIT) & 1;
    // The character before is read only at a tail character (a few in a hundred), as `readText` does.
    if ((v & UTF8_TAIL_MARK) !== 0 && i > 0 && ((t[text.charCodeAt(i - 1)] as number) & UTF8_LEAD_MARK) !== 0)
      utf8Pair = true;
  }
  return { marks: marks & ((1 << UPPER_BIT) - 1), upper, lower, utf8Pair };
}

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

/**
 * A candidate reading: the words to judge it by after repair and before (all of the text if omitted), and the
 * repaired text of a decoding (a mapping's is made only if it wins, as its changes are logged).
 */
interface Candidate {
  encoding: LegacyEncoding;
  after: string;
  before?: string;
  text?: string;
  /** The hit rate to beat instead of the text's own, when the text's words are known to be no words. */
  baseline?: number;
}

/** Candidate readings of a text under the encodings whose marks it shows. */
function candidates(text: string, t: Tables, read: LegacyMarks): Candidate[] {
  const out: Candidate[] = [];
  const mapped = (encoding: Mapped) => {
    const { map, re, keys } = t.maps[encoding];
    const ends = delimiters();
    // Judge a character mapping by the words it touches, so a partly damaged page is still recognised: runs of code
    // units between delimiters, read with tables (a regex's match per word cost more than the scoring).
    const touched: string[] = [];
    const n = text.length;
    for (let i = 0; i < n && touched.length < 300; ) {
      while (i < n && ends[text.charCodeAt(i)] === 1) i++;
      const start = i;
      let hit = 0;
      for (let c = text.charCodeAt(i); i < n && ends[c] === 0; c = text.charCodeAt(++i))
        hit |= keys[c] as number;
      if (hit !== 0) touched.push(text.slice(start, i));
    }
    const before = touched.join(" ");
    // A symbol inside a word (KOI8-R's box drawing) leaves fragments the lexicon may know: such words count as none.
    const baseline = encoding === "koi8t_koi8r" ? 0 : undefined;
    out.push({ encoding, before, after: before.replace(re, (c) => map.get(c) ?? c), baseline });
  };
  const decoded = (encoding: LegacyEncoding, repaired: string | undefined) => {
    if (repaired !== undefined) out.push({ encoding, after: repaired, text: repaired });
  };
  // Uzbek writes ў beside standard ҳ қ ғ, Kazakh і beside ә ө ү ң: there the shared letters are no legacy mark, and
  // a convention needs a letter of its own (A: њ ќ ѓ љ; B: ѕ, or і beside њ љ ї) to be considered.
  const { marks, upper, lower } = read;
  // A test runs only when a character it needs occurs (most documents show none of them).
  const shows = (mark: number, re: RegExp) => (marks & mark) !== 0 && re.test(text);
  const neighbour = shows(MARK.tajik, TAJIK_LETTER) || shows(MARK.turkic, OTHER_TURKIC);
  const shared = !neighbour && shows(MARK.shared, SHARED_MARK);
  if (shows(MARK.legacyA, LEGACY_A_MARK) || shared) mapped("legacy_a");
  if (shows(MARK.legacyB, LEGACY_B_MARK) || (shows(MARK.i, I_LETTER) && shows(MARK.bPair, B_PAIR)) || shared)
    mapped("legacy_b");
  if (shows(MARK.asciiFont, ASCII_FONT)) mapped("ascii_font");
  if (shows(MARK.koi8r, KOI8R_SYMBOL_IN_WORD)) mapped("koi8t_koi8r");
  if (read.utf8Pair && count(text, UTF8_AS_CP1251) >= 2)
    decoded("mojibake_cp1251", decodeUtf8(toBytes(text, t.cp1251)));
  if (shows(MARK.latin1Lead, LATIN1_LEAD) && count(text, UTF8_AS_LATIN1) >= 2)
    decoded("mojibake_latin1", decodeUtf8(toBytes(text, t.cp1252)));
  // KOI8 puts small letters where cp1251 has capitals: such text reads as capitals with small initials.
  if (upper >= 3 && upper > 1.5 * lower) decoded("koi8t", decodeKoi8t(toBytes(text, t.cp1251), t.koi8t));
  if (shows(MARK.latin1High, LATIN1_HIGH_ONE) && count(text, LATIN1_HIGH) >= 8)
    decoded("koi8t_latin1", decodeKoi8t(toBytes(text, t.cp1252), t.koi8t));
  return out;
}

/**
 * Detects a legacy font encoding, KOI8-T (read as windows-1251, Latin-1 or KOI8-R) or UTF-8 mojibake per document and undoes it. Each encoding whose marks the
 * text shows gives a candidate reading; the one whose words the Tajik lexicon knows best wins, if it beats the
 * text as it is by a clear margin (so Ukrainian і or Uzbek ў alone change nothing). `read`: the text's marks, when a
 * pass over it for other steps as well has taken them.
 */
export function repairLegacy(
  text: string,
  lexicon: Lexicon,
  log: ChangeLog,
  read: LegacyMarks = legacyMarks(text),
): { text: string; encoding: LegacyEncoding | undefined } {
  tables ??= loadTables();
  const cands = candidates(text, tables, read);
  if (cands.length === 0) return { text, encoding: undefined };
  let best: Candidate | undefined;
  let bestGain = 0.15;
  for (const c of cands) {
    const after = lexicon.hitRate(c.after);
    const gain = after - (c.baseline ?? lexicon.hitRate(c.before ?? text));
    if (after >= 0.3 && gain > bestGain) {
      best = c;
      bestGain = gain;
    }
  }
  if (!best) return { text, encoding: undefined };
  const { encoding } = best;
  if (
    encoding === "legacy_a" ||
    encoding === "legacy_b" ||
    encoding === "ascii_font" ||
    encoding === "koi8t_koi8r"
  ) {
    const { map, re } = tables.maps[encoding];
    return { text: text.replace(re, (c) => log.record(encoding, c, map.get(c) ?? c)), encoding };
  }
  const repaired = best.text ?? text;
  log.recordBulk(encoding, count(repaired, /[^\t\n -~]/g), text.slice(0, 40), repaired.slice(0, 40));
  return { text: repaired, encoding };
}
