import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fnv1aTwoLanes } from "@soro/core";
import { type AlphabetTable, cyrillicAlphabet, Fit, LETTER_ONLY } from "./alphabets.js";
import { CHAR_TEXT_LIMIT, type CharRead } from "./char-model.js";
import {
  LINE_READ_LIMIT,
  readCyrillicWords,
  readLine,
  type WordCounts,
  type WordRead,
} from "./cyrillic-words.js";
import { TAJIK_FUNCTION_WORDS, TAJIK_FUNCTION_WORDS_FOLDED } from "./function-words.js";
import { countLetter, letterCounts, seenLetters, takeLetterCounts } from "./letter-counts.js";
import { foldTajik } from "./letters.js";
import { NEIGHBOUR_FUNCTION_WORDS } from "./russian-words.js";
import { type TextWords, wordsOf } from "./text-words.js";
import {
  dropTrigrams,
  type LineScan,
  ROW_CHUNK,
  readTrigrams,
  scanLine,
  scoreTrigrams,
  TRIGRAM_TEXT_LIMIT,
  type TrigramIndex,
  type TrigramRead,
  type TrigramScript,
  takeTrigrams,
  trigramIndex,
} from "./trigrams.js";
import { readUzbek, UZBEK_TEXT_LIMIT } from "./uzbek-english.js";

/**
 * Language codes: ISO 639-3 individual languages as franc-all names them (tgk, rus, uzn, kaz, kir, tat, bak, ukr,
 * bel, bul, mkd, srp, khk, pes, prs, eng, ...), and `und` when nothing can be said. The same codes are stored by the
 * normalize stage, printed by `soro langid`, used by the quality rules and shown in the report. The languages the
 * corpus meets most (LANGS) keep these labels; any other language franc-all knows in the text's script is reported
 * as itself, never as Tajik.
 */
export const LANGS = ["tgk", "rus", "uzn", "kaz", "kir", "tat", "pes", "prs", "eng"] as const;
/** An ISO 639-3 code (see LANGS) or `und`. */
export type Lang = string;

/** What language ID says about a text. */
export interface LangResult {
  lang: Lang;
  /** Confidence in `lang`, 0..1. */
  score: number;
  /** Calibrated probability that the text is Tajik, 0..1. */
  tgk: number;
  /**
   * What decided: trigrams with letter and word evidence (`model`), letters alone (`letters`, a language without a
   * trigram model), the document around a short line (`document`), or too little text (`short`).
   */
  by: "model" | "letters" | "document" | "short";
}

/**
 * Weights of the evidence, in log-probability units per trigram (fitted on the tuning part of the UI-string set,
 * `node --import tsx packages/normalize/scripts/tune-langid.ts`; the held-out part is what the bench reports).
 */
export const LANGID_PARAMS = {
  /** Evidence is counted as if the text had at most this many trigrams: longer texts are not more certain. */
  cap: 60,
  /** Per letter a language never writes, as a share of the text's letters. */
  foreign: 10,
  /** Per letter a language writes only in Russian loanwords. */
  loan: 0.6,
  /** Weight of the absence of a language's signature letters (log(1 - their usual share) per letter). */
  absent: 1,
  /** Per Tajik function word, as a share of the text's words. */
  words: 1.5,
  /**
   * Per word with an ending only Tajik writes (-ҳо, -ро on a known stem, or an ending hyphened to a Latin name or an
   * abbreviation: `ID-и класс`), as a share of the text's words. tune-langid.ts --suffix, tuning part's short labels
   * (10-19 characters): Tajik recall 94.5% (0) -> 94.9% (1.5) -> 95.2% (3 and 6), false positives 40 of 3295 at
   * each; lines and snippets and their loss unchanged.
   */
  suffix: 3,
  /**
   * Tajik's prior over the corpus's other languages (a Tajik crawl's lines are mostly Tajik): Tajik UI jargon of
   * Russian loans with Tajik endings (`Даврзанонии объекти 3Ч`) has little word or character evidence either way.
   * Chosen with `foreignWords` by tune-langid.ts --tajik (loss 2.593 at 0, 2.572 at 0.25 and 0.3, 2.580 at 0.4).
   */
  tajik: 0.25,
  /**
   * Per function word of Tajik's Cyrillic neighbours that Tajik never writes (NEIGHBOUR_FUNCTION_WORDS), as a share
   * of the text's words: short Slavic lines of loans (`алтернативи при хи-квадрат`) read like Tajik ezafe otherwise.
   * Tuning part at tajik 0.2: Tajik false positives 12 -> 9 (2) -> 8 (5) of 16,424 lines and snippets, no Tajik
   * margin lower.
   */
  foreignWords: 5,
  /** Per share of words that Tajik writes (data/tajik-words.txt.gz), above or below `knownMid`. */
  known: 1,
  knownMid: 0.5,
  /**
   * Per unit of the Tajik character model's log-likelihood ratio per letter (src/char-model.ts) above `charMid`,
   * the ratio clipped to ±`charClip`.
   */
  char: 1,
  charMid: 0.5,
  charClip: 3,
  /** Letters from which the character model's ratio counts fully (fewer: in proportion). */
  charFull: 24,
  /**
   * Per unit of the Uzbek-English character model's log-likelihood ratio per letter (src/uzbek-english.ts) away
   * from `uzbekMid`, against English above it and against Uzbek below it (clipped to ±`charClip`, in proportion up
   * to `charFull` letters); no other Latin language is scored by it. Tuning part, lines, uzn / eng accuracy:
   * (weight, mid) (1, -0.5) 98.1 / 99.7%; (0.5, -1) 98.5 / 99.4; (1, 0) 96.9 / 99.7; (2, 0) 96.8 / 100.
   */
  uzbek: 1,
  uzbekMid: -0.5,
  /** Prior (per unit of evidence) of a big language the corpus seldom meets (REGIONAL), and of any other. */
  regional: 0.1,
  /**
   * The same for Russian's Slavic neighbours (SLAVIC): a line of Russian loans without ы э ё reads as Bulgarian or
   * Ukrainian nearly as well as Russian, and a Tajik crawl meets far more Russian than any of them. Chosen on the
   * tuning part as the value whose worst accuracy margin over franc-all's best configuration (restricted for
   * Russian, open for the others) is largest: 0.1 rus -2.5 points; 0.2 rus -0.3, bul +1.2; 0.25 bul -2.9 (lines).
   */
  slavic: 0.2,
  /**
   * The same for Latin and Arabic script, where the corpus meets English, Uzbek and Persian far more than the rest;
   * there a language outside REGIONAL takes this prior too (at least `rare`): with `rare` alone Uzbek UI lines read
   * as Galician, Tagalog or Crimean Tatar, and Persian ones as Punjabi (tuning part: uzn 94.4 -> 95.4%, pes 99.0 ->
   * 99.5%, eng 99.1 -> 99.4%).
   */
  regionalOtherScript: 0.8,
  /** Prior of any other language of the text's script. */
  rare: 0.5,
  /** Prior of the document's language for one of its lines. */
  docPrior: 0.15,
  /** P(Tajik) = sigmoid(a * margin + b), margin = Tajik's evidence minus the best other language's. */
  calA: 0.296,
  calB: -0.631,
};

/**
 * Latin-script candidates: franc-all knows 329 Latin languages, most of them from their UDHR translation alone, and
 * over all of them English UI text scatters into Scots, Occitan or Pidgin. A Tajik crawl meets Latin text in these
 * (Latin Tajik is turned into Cyrillic by normalize before language ID).
 */
const LATIN_CANDIDATES = new Set(
  "eng uzn tur azj tuk deu fra spa ita por nld pol ces slk slv hrv bos srp ron hun swe dan nob nno fin lit ind vie tgl cat eus glg crh lat afr epo".split(
    " ",
  ),
);

/** Languages with no prior penalty: those the corpus meets. */
const CORPUS = new Set<string>([...LANGS, "bak"]);
/** Slavic languages in Cyrillic besides Russian (their prior: LANGID_PARAMS.slavic). */
const SLAVIC = new Set(["ukr", "bel", "bul", "mkd", "srp"]);
/** Big languages of each script that a Tajik crawl meets now and then: a small prior penalty. */
const REGIONAL = new Set([
  "ukr",
  "bel",
  "bul",
  "mkd",
  "srp",
  "khk",
  "arb",
  "urd",
  "tur",
  "deu",
  "fra",
  "spa",
  "ita",
  "por",
  "nld",
  "pol",
  "ces",
  "azj",
  "tuk",
]);

const TAJIK_WORDS = new Set([...TAJIK_FUNCTION_WORDS, ...TAJIK_FUNCTION_WORDS_FOLDED]);
const NOT_TAJIK_WORDS = new Set(NEIGHBOUR_FUNCTION_WORDS);

/** Letters per script of a text and the letter evidence for each candidate language. */
interface Letters {
  letters: number;
  cyrl: number;
  arab: number;
  latn: number;
  /** Count of letters per fit, per Cyrillic candidate (foreign, loan). */
  foreign: Float64Array;
  loan: Float64Array;
  /** Signature letters per Cyrillic candidate (see alphabets.ts). */
  signature: Float64Array;
  /** Letters that name a language without a trigram model (Bashkir ҙ ҡ). */
  letterOnly: ReadonlyMap<string, number>;
}

let cyrillic: { index: TrigramIndex; table: AlphabetTable } | undefined;

function cyrillicModels(): { index: TrigramIndex; table: AlphabetTable } {
  if (cyrillic) return cyrillic;
  const index = trigramIndex("Cyrillic");
  const table = cyrillicAlphabet();
  // The evidence arrays are indexed alike: the table's candidates start with the index's languages, in its order.
  if (index.langs.some((l, i) => table.langs[i] !== l))
    throw new Error("the Cyrillic alphabet table and trigram index list their languages differently");
  cyrillic = { index, table };
  return cyrillic;
}

/**
 * The language a Cyrillic letter (U+0400..U+052F, at code - 0x400) names without a trigram model (LETTER_ONLY), by
 * index rather than a Map lookup: it is asked for every distinct letter of every line.
 */
const LETTER_ONLY_CODES: Array<string | undefined> = new Array(0x130).fill(undefined);
for (const [lang, letters] of Object.entries(LETTER_ONLY))
  for (const c of letters)
    for (const code of [c.charCodeAt(0), c.toUpperCase().charCodeAt(0)]) {
      if (code < 0x400 || code > 0x52f) throw new Error(`letter-only letter ${c} is outside U+0400..U+052F`);
      LETTER_ONLY_CODES[code - 0x400] = lang;
    }

/**
 * Letters per script of a text and how often each lower-case Cyrillic letter that is evidence occurs (the others,
 * `silentLetters`, are not counted), in order of first sight.
 */
interface LetterCounts {
  letters: number;
  cyrl: number;
  arab: number;
  latn: number;
  /** Distinct lower-case Cyrillic letters (U+0400..U+052F) that are evidence, in order of first sight, and their counts. */
  distinct: Int32Array;
  counts: Int32Array;
}

/** The letter counts of a line's read (see `scanLine`, `readLine`), taken out of letter-counts.ts's shared arrays. */
function takeLetters(scan: Pick<LineScan, "letters" | "cyrl" | "arab" | "latn" | "distinct">): LetterCounts {
  const { distinct, counts } = takeLetterCounts(scan.distinct);
  return { letters: scan.letters, cyrl: scan.cyrl, arab: scan.arab, latn: scan.latn, distinct, counts };
}

/** The letter counts of a text made of several (its lines), letters in order of first sight over the whole. */
function sumLetters(parts: readonly LetterCounts[]): LetterCounts {
  if (parts.length === 1) return parts[0] as LetterCounts;
  let letters = 0;
  let cyrl = 0;
  let arab = 0;
  let latn = 0;
  let distinct = 0;
  for (const p of parts) {
    letters += p.letters;
    cyrl += p.cyrl;
    arab += p.arab;
    latn += p.latn;
    for (let k = 0; k < p.distinct.length; k++) {
      distinct = countLetter(
        letterCounts,
        seenLetters,
        (p.distinct[k] as number) - 0x400,
        p.counts[k] as number,
        distinct,
      );
    }
  }
  return { letters, cyrl, arab, latn, ...takeLetterCounts(distinct) };
}

/**
 * The alphabet table as one list per lower-case Cyrillic letter (code - 0x400) of where the letter counts in `sums`:
 * at `j` for a candidate it is foreign to, `n + j` a loan letter of, `2n + j` a signature of (n candidates), so
 * evidence is added only where a letter says something, in one loop per letter. `sums` is reused from text to text,
 * and `foreign`, `loan`, `signature` are its three parts.
 */
interface LetterFits {
  slots: Array<Int32Array | undefined>;
  sums: Float64Array;
  foreign: Float64Array;
  loan: Float64Array;
  signature: Float64Array;
}
const letterFits = new WeakMap<AlphabetTable, LetterFits>();

function fitsOf(table: AlphabetTable): LetterFits {
  let f = letterFits.get(table);
  if (f) return f;
  const n = table.langs.length;
  // ROW_CHUNK slots past the three parts take the padding of the lists (see `slots`).
  const sums = new Float64Array(3 * n + ROW_CHUNK);
  f = {
    slots: [],
    sums,
    foreign: sums.subarray(0, n),
    loan: sums.subarray(n, 2 * n),
    signature: sums.subarray(2 * n, 3 * n),
  };
  for (let k = 0; k < 0x130; k++) {
    const out: number[] = [];
    table.fit.get(0x400 + k)?.forEach((v, j) => {
      if (v === Fit.Foreign) out.push(j);
    });
    table.fit.get(0x400 + k)?.forEach((v, j) => {
      if (v === Fit.Loan) out.push(n + j);
    });
    table.signature.get(0x400 + k)?.forEach((v, j) => {
      if (v !== 0) out.push(2 * n + j);
    });
    // Padded to whole ROW_CHUNKs with slots past the parts, so that `letterEvidence` adds four a step (a loop of
    // one a step mispredicts its exit on most letters: a list holds 1 to 37 slots).
    for (let j = 0; out.length % ROW_CHUNK !== 0; j++) out.push(3 * n + j);
    f.slots[k] = out.length === 0 ? undefined : Int32Array.from(out);
  }
  letterFits.set(table, f);
  return f;
}

/**
 * Arrays of one number per candidate that live only while one text is judged (its scores and evidence in `rank`;
 * its letter evidence: see `LetterFits`), reused from text to text rather than made per line; `scratchOf` remakes one whose length no
 * longer fits (a Latin text after a Cyrillic one).
 */
type Scratch = Float64Array[];
const rankScratch: Scratch = [];
const lineScoreScratch: Scratch = [];

/** Array `k` of a scratch set, of length `n` (its values are those last written). */
function scratchOf(set: Scratch, k: number, n: number): Float64Array {
  let a = set[k];
  if (a?.length !== n) {
    a = new Float64Array(n);
    set[k] = a;
  }
  return a;
}

/** Shared by every text without letter-only letters (never written to). */
const NO_LETTER_ONLY: ReadonlyMap<string, number> = new Map();

/**
 * The letter evidence against each Cyrillic candidate, added once per distinct letter (the pass over the text only
 * counted them). Every term is a whole count, so the sums do not depend on the order letters come in.
 */
function letterEvidence(counts: LetterCounts, table: AlphabetTable): Letters {
  const fits = fitsOf(table);
  const sums = fits.sums.fill(0);
  const e: Letters = {
    letters: counts.letters,
    cyrl: counts.cyrl,
    arab: counts.arab,
    latn: counts.latn,
    foreign: fits.foreign,
    loan: fits.loan,
    signature: fits.signature,
    letterOnly: NO_LETTER_ONLY,
  };
  for (let k = 0; k < counts.distinct.length; k++) {
    const lower = counts.distinct[k] as number;
    const count = counts.counts[k] as number;
    const slots = fits.slots[lower - 0x400];
    if (slots)
      for (let j = 0; j < slots.length; j += ROW_CHUNK) {
        (sums[slots[j] as number] as number) += count;
        (sums[slots[j + 1] as number] as number) += count;
        (sums[slots[j + 2] as number] as number) += count;
        (sums[slots[j + 3] as number] as number) += count;
      }
    const only = LETTER_ONLY_CODES[lower - 0x400];
    if (only) {
      const map =
        e.letterOnly === NO_LETTER_ONLY ? new Map<string, number>() : (e.letterOnly as Map<string, number>);
      map.set(only, (map.get(only) ?? 0) + count);
      e.letterOnly = map;
    }
  }
  return e;
}

let tajikForms: Set<string> | undefined;

/** Tajik word forms of the reference text (data/tajik-words.txt.gz), folded so text typed without ҳ ҷ қ ... matches. */
function tajikWordForms(): Set<string> {
  tajikForms ??= new Set(
    gunzipSync(readFileSync(new URL("../data/tajik-words.txt.gz", import.meta.url)))
      .toString("utf8")
      .split("\n")
      .map((l) => foldTajik(l.slice(0, l.indexOf("\t"))))
      .filter((w) => w !== ""),
  );
  return tajikForms;
}

/**
 * Endings Tajik adds to a known stem (folded): ezafe -и, plural -хо/-он, object -ро, possessives, and the
 * productive -кунӣ/-гузорӣ/-шаванда/-ёбанда/-нок of compound terms, with their ezafe.
 */
const ENDINGS = [
  "и",
  "ро",
  "хо",
  "хои",
  "хоро",
  "он",
  "ои",
  "ии",
  "аш",
  "ам",
  "ат",
  "ашон",
  "амон",
  "куни",
  "кунии",
  "гузори",
  "гузории",
  "шаванда",
  "шавии",
  "ёбанда",
  "нок",
  "ги",
  "гии",
  "чи",
  "дор",
  "нома",
  "хона",
  "ият",
];

/** ENDINGS by their last code unit: a word is tried only with the endings that end as it does. */
const ENDINGS_BY_LAST = new Map<number, string[]>();
for (const e of ENDINGS) {
  const last = e.charCodeAt(e.length - 1);
  ENDINGS_BY_LAST.set(last, [...(ENDINGS_BY_LAST.get(last) ?? []), e]);
}

/** Whether a folded word is a known form, or a known stem with one of Tajik's endings. */
function knownForm(forms: Set<string>, w: string): boolean {
  if (forms.has(w)) return true;
  const endings = ENDINGS_BY_LAST.get(w.charCodeAt(w.length - 1));
  if (endings)
    for (const e of endings)
      if (w.length > e.length + 2 && w.endsWith(e) && forms.has(w.slice(0, -e.length))) return true;
  return false;
}

/**
 * Endings only Tajik writes (folded): the object marker -ро (on a known stem: Slavic and Mongolian words end in -ро
 * too) and the plural -ҳо with what follows it (`Объектхо`, `файлро`); Slavic plurals in -и (`формати`) are not.
 */
const TAJIK_ONLY_ENDINGS = ["хоро", "хои", "хо", "ро"];
/** Tajik's endings as a word of their own, which they are when hyphened to a Latin word (`Star-и`, `URL-ҳо`). */
const BARE_ENDINGS = new Set(["и", "ро", "хо", "хои", "хоро", "ҳо", "ҳои", "ҳоро"]);

/** Whether a folded word is a stem of four letters or more with an ending only Tajik writes (see above). */
function tajikOnlyEnding(forms: Set<string>, w: string): boolean {
  // A stem of four letters or more: `макро` is a Slavic word, not `мак` + -ро.
  for (const e of TAJIK_ONLY_ENDINGS)
    if (w.length >= e.length + 4 && w.endsWith(e) && (e !== "ро" || knownForm(forms, w.slice(0, -e.length))))
      return true;
  return false;
}

/**
 * What language ID knows of a lower-case Cyrillic word: bit 1 a Tajik function word, bit 2 a known Tajik form, bit 4
 * a neighbour's function word that Tajik never writes, bit 8 a word without Tajik letters with an ending only Tajik
 * writes (with them, the letters are the evidence already: counted twice, half-Russian documents read as Tajik), bit
 * 16 a bare Tajik ending (see cyrillic-words.ts).
 */
function wordKind(w: string): number {
  const folded = w.length >= 2 ? foldTajik(w) : w;
  return (
    (TAJIK_WORDS.has(w) ? 1 : 0) |
    (w.length >= 2 && knownForm(tajikWordForms(), folded) ? 2 : 0) |
    (NOT_TAJIK_WORDS.has(w) ? 4 : 0) |
    (w.length >= 5 && folded === w && tajikOnlyEnding(tajikWordForms(), folded) ? 8 : 0) |
    (BARE_ENDINGS.has(w) ? 16 : 0)
  );
}

/** Characters of a text read for Tajik words. */
const WORD_TEXT_LIMIT = 4096;
// `readLine` reads a whole line's words: it must not take one longer than the words read.
if (LINE_READ_LIMIT > WORD_TEXT_LIMIT) throw new Error("readLine reads lines longer than WORD_TEXT_LIMIT");

/** Reads a text's Cyrillic words for Tajik word evidence (first `wordLimit` characters) and the character model. */
function readWords(text: string, wordLimit: number, charLimit: number): WordRead {
  return readCyrillicWords(text, wordLimit, charLimit, wordKind);
}

/**
 * Word evidence for Tajik: the share of a text's Cyrillic words that are Tajik function words, and the share of its
 * words of two letters or more that Tajik writes (folded forms).
 */
function wordShares(w: WordCounts): { function: number; known: number; foreign: number; suffix: number } {
  return {
    function: w.words === 0 ? 0 : w.fn / w.words,
    suffix: w.words === 0 ? 0 : w.suffix / w.words,
    known: w.long === 0 ? 0 : w.known / w.long,
    foreign: w.words === 0 ? 0 : w.foreign / w.words,
  };
}

/** What `rank` reads of a text besides its letters. */
interface TextSource {
  /** Trigram scores under a script's index (see trigrams.ts). */
  trigrams(index: TrigramIndex): { scores: Float64Array; n: number };
  /** Tajik word counts (Cyrillic only). */
  words(): WordCounts;
  /** The Tajik character model's log-likelihood ratio, summed over the letters read (Cyrillic only). */
  chars(): CharRead;
  /** The Uzbek-English character model's, summed over the Latin letters read (Latin only). */
  uzbek(): CharRead;
}

/** Evidence (log units) per candidate language of a text, before calibration. */
interface Ranked {
  langs: string[];
  evidence: Float64Array;
}

/**
 * The script whose languages are scored: Cyrillic when it holds a quarter of the letters or a dozen of them (a Tajik
 * or Russian line often names a Latin product or format), else the script of most letters.
 */
function scriptOf(e: Letters): TrigramScript | undefined {
  if (e.cyrl * 4 >= e.letters || e.cyrl >= 12) return "Cyrillic";
  if (e.arab * 2 > e.letters) return "Arabic";
  if (e.latn * 2 > e.letters) return "Latin";
  return undefined;
}

/** Scores every language of the text's script; `prior` adds to one language (the document's, for a line). */
function rank(text: TextSource, e: Letters, script: TrigramScript, prior?: Lang): Ranked {
  const p = LANGID_PARAMS;
  const index =
    script === "Cyrillic"
      ? cyrillicModels().index
      : trigramIndex(script, script === "Latin" ? LATIN_CANDIDATES : undefined);
  const { scores, n } = text.trigrams(index);
  const weight = Math.min(n, p.cap);
  const table = cyrillicModels().table;
  const langs = script === "Cyrillic" ? table.langs : index.langs;
  const evidence = scratchOf(rankScratch, 0, langs.length);
  const tgkWords =
    script === "Cyrillic" ? wordShares(text.words()) : { function: 0, known: 0, foreign: 0, suffix: 0 };
  const chars = script === "Cyrillic" ? text.chars() : { sum: 0, n: 0 };
  const charLlr = chars.n === 0 ? 0 : Math.max(-p.charClip, Math.min(p.charClip, chars.sum / chars.n));
  const charWeight = p.char * Math.min(1, chars.n / Math.max(1, p.charFull));
  const letters = Math.max(1, e.letters);
  const penalty = priorPenalties(langs, script);
  const uzbek = script === "Latin" && p.uzbek !== 0 ? uzbekEnglish(text.uzbek()) : 0;
  for (let i = 0; i < langs.length; i++) {
    const lang = langs[i] as string;
    let s = i < scores.length ? (scores[i] as number) : Number.NEGATIVE_INFINITY;
    if (script === "Cyrillic") {
      s -= (p.foreign * (e.foreign[i] as number) + p.loan * (e.loan[i] as number)) / letters;
      if (e.signature[i] === 0) s += p.absent * (table.absent[i] as number);
      if (lang === "tgk")
        s +=
          p.tajik +
          p.words * tgkWords.function +
          p.suffix * tgkWords.suffix -
          p.foreignWords * tgkWords.foreign +
          p.known * (tgkWords.known - p.knownMid) +
          charWeight * (charLlr - p.charMid);
      const own = e.letterOnly.size === 0 ? undefined : e.letterOnly.get(lang);
      // A language without a trigram model takes the best score when its own letters are there.
      if (own !== undefined) s = Math.max(...scores) + (p.foreign * own) / letters;
    }
    if (penalty[i] !== 0) s -= penalty[i] as number;
    if (uzbek !== 0 && (uzbek > 0 ? lang === "eng" : lang === "uzn")) s -= Math.abs(uzbek);
    if (lang === prior) s += p.docPrior;
    evidence[i] = s * weight;
  }
  return { langs, evidence };
}

/**
 * Evidence for Uzbek over English (negative: for English) from the Uzbek-English character model's mean ratio, as
 * the Tajik model's is weighed: clipped, less the midpoint, in proportion up to `charFull` letters.
 */
function uzbekEnglish(r: CharRead): number {
  const p = LANGID_PARAMS;
  if (r.n === 0) return 0;
  const llr = Math.max(-p.charClip, Math.min(p.charClip, r.sum / r.n));
  return p.uzbek * Math.min(1, r.n / Math.max(1, p.charFull)) * (llr - p.uzbekMid);
}

/** Prior penalties per candidate list, with the parameters they were worked out for. */
interface Penalties {
  regional: number;
  slavic: number;
  regionalOtherScript: number;
  rare: number;
  values: Float64Array;
}
const penalties = new WeakMap<string[], Penalties>();

/**
 * Per candidate of a script, the prior penalty of a language the corpus seldom meets (REGIONAL) or never does;
 * worked out again when the parameters change (the tuning script sets them).
 */
function priorPenalties(langs: string[], script: TrigramScript): Float64Array {
  const p = LANGID_PARAMS;
  const hit = penalties.get(langs);
  // Compared number by number: a key string built per call was a share of every line's time.
  if (
    hit &&
    hit.regional === p.regional &&
    hit.slavic === p.slavic &&
    hit.regionalOtherScript === p.regionalOtherScript &&
    hit.rare === p.rare
  )
    return hit.values;
  const values = Float64Array.from(langs, (lang) =>
    CORPUS.has(lang)
      ? 0
      : REGIONAL.has(lang)
        ? script === "Cyrillic"
          ? SLAVIC.has(lang)
            ? p.slavic
            : p.regional
          : p.regionalOtherScript
        : script === "Cyrillic"
          ? p.rare
          : Math.max(p.rare, p.regionalOtherScript),
  );
  penalties.set(langs, {
    regional: p.regional,
    slavic: p.slavic,
    regionalOtherScript: p.regionalOtherScript,
    rare: p.rare,
    values,
  });
  return values;
}

/** See `decide`: exp(-45) is 2.9e-20, and 35 of them stay far below the last bit of a sum of 1 (2.2e-16). */
const FAR_BELOW = -45;

function decide(r: Ranked): LangResult {
  let best = -1;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < r.evidence.length; i++)
    if ((r.evidence[i] as number) > max) {
      max = r.evidence[i] as number;
      best = i;
    }
  let sum = 0;
  let otherMax = Number.NEGATIVE_INFINITY;
  let tgk = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < r.evidence.length; i++) {
    const v = r.evidence[i] as number;
    // A language FAR_BELOW the best adds under 1e-19 to a sum of at least 1: below its last bit, so not worked out.
    if (v - max > FAR_BELOW) sum += Math.exp(v - max);
    if (r.langs[i] === "tgk") tgk = v;
    else if (v > otherMax) otherMax = v;
  }
  const pTgk =
    tgk === Number.NEGATIVE_INFINITY
      ? 0
      : 1 / (1 + Math.exp(-(LANGID_PARAMS.calA * (tgk - otherMax) + LANGID_PARAMS.calB)));
  return { lang: r.langs[best] ?? "und", score: 1 / sum, tgk: pTgk, by: "model" };
}

const UND: LangResult = { lang: "und", score: 0, tgk: 0, by: "short" };

/** One line as language ID reads it, kept so that its document's reading is assembled from its lines' readings. */
class LineReading implements TextSource {
  readonly letters: LetterCounts;
  /** Trigram reads by index (a line is read under one script's index, seldom two). */
  private reads: Array<[TrigramIndex, TrigramRead]> = [];
  /** Its words and the character model's read of them, read together. */
  private wordRead: WordRead | undefined;
  private uzbekRead: CharRead | undefined;
  /** The line's last judgement (see `TextReading.lineResults`): under which document language and parameters. */
  judged: { docLang: Lang; version: number; result: LangResult } | undefined;

  /**
   * `kept`: the reading is kept across texts (see `repeatedLines`), so its arrays are its own rather than views on
   * typed-pool's shared buffers, which a long-lived view would keep alive (all of a buffer, 256 KB). The line is read
   * in one pass (see `scanLine`) under the Cyrillic index: its letters are taken, and its trigrams too when it has
   * Cyrillic letters (other lines are read under their script's index when judged).
   */
  constructor(
    readonly text: string,
    private readonly kept = false,
    readonly fingerprint = lineFingerprint(text),
    scanned?: LineWords,
  ) {
    const index = cyrillicModels().index;
    const line = readLine(text, wordKind, scanned?.words, scanned?.first, scanned?.offset);
    let letters: LetterCounts;
    if (line) {
      letters = takeLetters(line);
      if (kept) line.trigrams.sums = line.trigrams.sums.slice();
      this.reads.push([index, line.trigrams]);
      this.wordRead = line.words;
    } else {
      const scan = scanLine(text, index);
      letters = takeLetters(scan);
      if (scan.cyrl > 0) {
        const r = takeTrigrams(scan, index);
        if (kept) r.sums = r.sums.slice();
        this.reads.push([index, r]);
      } else dropTrigrams(scan);
    }
    if (kept) {
      letters.distinct = letters.distinct.slice();
      letters.counts = letters.counts.slice();
    }
    this.letters = letters;
  }

  read(index: TrigramIndex): TrigramRead {
    for (const [i, r] of this.reads) if (i === index) return r;
    const r = readTrigrams(this.text, index);
    if (this.kept) r.sums = r.sums.slice();
    this.reads.push([index, r]);
    return r;
  }

  trigrams(index: TrigramIndex): { scores: Float64Array; n: number } {
    const r = this.read(index);
    const scores = scratchOf(lineScoreScratch, 0, r.sums.length);
    scores.set(r.sums);
    if (r.n > 0) for (let j = 0; j < scores.length; j++) (scores[j] as number) /= r.n;
    return { scores, n: r.n };
  }

  words(): WordCounts {
    this.wordRead ??= readWords(this.text, WORD_TEXT_LIMIT, CHAR_TEXT_LIMIT);
    return this.wordRead.words;
  }

  chars(): CharRead {
    this.wordRead ??= readWords(this.text, WORD_TEXT_LIMIT, CHAR_TEXT_LIMIT);
    return this.wordRead.chars;
  }

  uzbek(): CharRead {
    this.uzbekRead ??= readUzbek(this.text);
    return this.uzbekRead;
  }
}

/** LANGID_PARAMS' values when `paramsVersion` last looked, and how often they had changed by then. */
let paramsSeen: unknown[] = [];
let paramsChanges = 0;

/**
 * A number that changes when any of LANGID_PARAMS does (the tuning script sets them between runs), so that a line's
 * judgement kept from an earlier text is not used under other parameters.
 */
function paramsVersion(): number {
  const values = Object.values(LANGID_PARAMS);
  if (values.length !== paramsSeen.length || values.some((v, i) => v !== paramsSeen[i])) {
    paramsSeen = values;
    paramsChanges++;
  }
  return paramsChanges;
}

/** Longest line kept in `repeatedLines`: boilerplate lines are short, and a long one seldom comes again. */
const REPEAT_LINE_LIMIT = 1000;
/**
 * Lines met at least twice, in any text, with their readings (a line's reading is a function of its text alone),
 * by fingerprint: menus, footers and notices repeat from page to page of a site. Keyed by the line itself, every
 * lookup hashed the whole line again (4% of the analysis on the e2e documents); a fingerprint that collides finds
 * another line's reading, which the text comparison turns away. Emptied when it holds REPEATED_LINES: a long job
 * meets millions of lines.
 */
const repeatedLines = new Map<number, LineReading>();
const REPEATED_LINES = 10_000;
/**
 * Fingerprints of lines met (see `lineFingerprint`; slot: its high 16 bits): only a line whose fingerprint was met before is
 * looked up in or kept by `repeatedLines`, so text that does not repeat costs a fingerprint per line and keeps
 * nothing. A fingerprint that collides only costs a lookup.
 */
const metLines = new Int32Array(1 << 16);

/**
 * A 32-bit hash of a line (never 0, signed as `metLines` stores it): core's two-lane FNV-1a over all of it, seeded by
 * its length. All of it: a repaired line differs from its original in a letter or two anywhere, and with every fourth
 * letter sampled, repaired lines read as met before and were kept for nothing (whole stage 0.9x on text without
 * repeated lines). Its own pass, ahead of `scanLine`: taken in the scan's loop, a line met before paid the whole scan
 * to be found (whole stage 0.7x on the bench's repeated documents).
 */
function lineFingerprint(t: string): number {
  return fnv1aTwoLanes(t, Math.imul(t.length, 0x9e3779b1)) | 1;
}

/** Restoration's words of the text a line is cut from (text-words.ts): the line's start there, its first word. */
interface LineWords {
  words: TextWords;
  first: number;
  offset: number;
}

/**
 * The reading of one line: the one of the same line earlier in the text (`known`, by fingerprint, which this adds
 * to), or of the texts read before when they held it twice or more.
 */
function lineReading(
  t: string,
  known: Map<number, LineReading>,
  scanned: LineWords | undefined,
): LineReading {
  const f = lineFingerprint(t);
  const here = known.get(f);
  if (here?.text === t) return here;
  let line: LineReading;
  const slot = f >>> 16;
  if (t.length > REPEAT_LINE_LIMIT) line = new LineReading(t, false, f, scanned);
  else if (metLines[slot] !== f) {
    metLines[slot] = f;
    line = new LineReading(t, false, f, scanned);
  } else {
    const kept = repeatedLines.get(f);
    if (kept?.text === t) line = kept;
    else {
      if (repeatedLines.size >= REPEATED_LINES) repeatedLines.clear();
      // A copy, so that the kept reading does not keep the whole text the line was cut from.
      line = new LineReading(Buffer.from(t, "utf16le").toString("utf16le"), true, f, scanned);
      repeatedLines.set(f, line);
    }
  }
  known.set(f, line);
  return line;
}

/**
 * A text read line by line for language ID. The document's evidence is assembled from its lines' (letter counts
 * added, trigram rows merged in order, word counts added, each within the same first characters a whole-text read
 * takes), so a document and its lines are read once, and the same numbers come out as reading the whole text.
 * Built `from` another reading (the repaired text's, for its original), lines that are the same are not read again.
 */
export class TextReading implements TextSource {
  readonly lines: LineReading[];
  /** Where each line starts in the text. */
  private readonly starts: number[];
  private readonly length: number;

  constructor(text: string, from?: TextReading) {
    const parts = text.split("\n");
    // A repair that keeps the lines (most do) is matched line by line, without hashing every line of both texts.
    const same = from && from.lines.length === parts.length ? from.lines : undefined;
    // Lines repeated within a text (menus, footers, boilerplate) are read once: a line's reading is its text's alone.
    // Found by fingerprint, not by a map of the lines themselves (which hashed every character of every line).
    const known = new Map<number, LineReading>(
      from && !same ? from.lines.map((l) => [l.fingerprint, l]) : [],
    );
    // Restoration's words of this text, when it scanned it: a line's are read from there rather than hashed again.
    const words = wordsOf(text);
    const scanned: LineWords | undefined = words && { words, first: 0, offset: 0 };
    this.starts = [];
    let at = 0;
    this.lines = parts.map((t, i) => {
      const there = same?.[i];
      this.starts.push(at);
      const line = there?.text === t ? there : lineReading(t, known, scanned);
      at += t.length + 1;
      if (scanned) {
        let k = scanned.first;
        while (k < scanned.words.count && (scanned.words.at[k] as number) < at) k++;
        scanned.first = k;
        scanned.offset = at;
      }
      return line;
    });
    this.length = text.length;
  }

  trigrams(index: TrigramIndex): { scores: Float64Array; n: number } {
    const end = Math.min(this.length, TRIGRAM_TEXT_LIMIT);
    const reads: TrigramRead[] = [];
    for (let i = 0; i < this.lines.length; i++) {
      const line = this.lines[i] as LineReading;
      const start = this.starts[i] as number;
      if (start >= end) break;
      reads.push(
        start + line.text.length <= end || end - start >= TRIGRAM_TEXT_LIMIT
          ? line.read(index)
          : readTrigrams(line.text, index, end - start),
      );
    }
    return scoreTrigrams(reads, index);
  }

  words(): WordCounts {
    const end = Math.min(this.length, WORD_TEXT_LIMIT);
    const sum: WordCounts = { words: 0, fn: 0, long: 0, known: 0, foreign: 0, suffix: 0 };
    for (let i = 0; i < this.lines.length; i++) {
      const line = this.lines[i] as LineReading;
      const start = this.starts[i] as number;
      if (start >= end) break;
      const w =
        start + line.text.length <= end || end - start >= WORD_TEXT_LIMIT
          ? line.words()
          : readWords(line.text, end - start, 0).words;
      sum.words += w.words;
      sum.fn += w.fn;
      sum.foreign += w.foreign;
      sum.suffix += w.suffix;
      sum.long += w.long;
      sum.known += w.known;
    }
    return sum;
  }

  chars(): CharRead {
    const end = Math.min(this.length, CHAR_TEXT_LIMIT);
    const sum: CharRead = { sum: 0, n: 0 };
    for (let i = 0; i < this.lines.length; i++) {
      const line = this.lines[i] as LineReading;
      const start = this.starts[i] as number;
      if (start >= end) break;
      const c =
        start + line.text.length <= end || end - start >= CHAR_TEXT_LIMIT
          ? line.chars()
          : readWords(line.text, 0, end - start).chars;
      sum.sum += c.sum;
      sum.n += c.n;
    }
    return sum;
  }

  uzbek(): CharRead {
    const end = Math.min(this.length, UZBEK_TEXT_LIMIT);
    const sum: CharRead = { sum: 0, n: 0 };
    for (let i = 0; i < this.lines.length; i++) {
      const line = this.lines[i] as LineReading;
      const start = this.starts[i] as number;
      if (start >= end) break;
      const c = start + line.text.length <= end ? line.uzbek() : readUzbek(line.text, end - start);
      sum.sum += c.sum;
      sum.n += c.n;
    }
    return sum;
  }

  /** The language of the whole text (see `identifyLanguage`). */
  document(prior?: Lang): LangResult {
    const table = cyrillicModels().table;
    return identifyWith(this, letterEvidence(sumLetters(this.lines.map((l) => l.letters)), table), prior);
  }

  /** The language of each line (see `identifyLineResults`). */
  lineResults(docLang: Lang): LangResult[] {
    const table = cyrillicModels().table;
    const version = paramsVersion();
    // A repeated line (the same reading, see the constructor and `repeatedLines`) is judged once per document
    // language and parameters; each gets its own result object.
    return this.lines.map((line) => {
      if (line.letters.letters === 0) return UND;
      const before = line.judged;
      if (before && before.docLang === docLang && before.version === version) return { ...before.result };
      const r = this.judgeLine(line, table, docLang);
      line.judged = { docLang, version, result: r };
      return r;
    });
  }

  private judgeLine(line: LineReading, table: AlphabetTable, docLang: Lang): LangResult {
    const e = letterEvidence(line.letters, table);
    const own = identifyWith(line, e, docLang === "und" ? undefined : docLang);
    if (e.letters >= SHORT_LINE || docLang === "und" || own.lang === docLang) return own;
    // Strong evidence of its own: letters the document's language never writes, or writes only in loanwords.
    const d = table.langs.indexOf(docLang);
    if (d < 0 || (e.foreign[d] as number) + (e.loan[d] as number) > 0) return own;
    return {
      lang: docLang,
      score: own.score,
      tgk: docLang === "tgk" ? Math.max(own.tgk, 0.5) : own.tgk,
      by: "document",
    };
  }
}

/**
 * Identifies the language of a text among every language franc-all knows in its script (run it after repair, so
 * damaged Tajik is still Tajik and legacy-font letters no longer look Serbian): trigram models, letters each
 * language writes or never writes, and Tajik function words. `und` for fewer than three letters or no dominant
 * script.
 */
export function identifyLanguage(text: string, prior?: Lang): LangResult {
  if (text.includes("\n")) return new TextReading(text).document(prior);
  // One line is read as a document would be: the same first characters for trigrams and words.
  const line = new LineReading(text);
  return identifyWith(line, letterEvidence(line.letters, cyrillicModels().table), prior);
}

function identifyWith(text: TextSource, e: Letters, prior?: Lang): LangResult {
  if (e.letters < 3) return UND;
  const script = scriptOf(e);
  if (!script) return UND;
  const r = decide(rank(text, e, script, prior));
  // Letter-only languages are named by their letters, not by trigrams.
  return e.letterOnly.has(r.lang) ? { ...r, by: "letters" } : r;
}

/** Lines with fewer letters than this take the document's language unless their own evidence is strong. */
export const SHORT_LINE = 25;

/**
 * Language of each line of a text (`und` for lines without letters). A line is judged on its own with a small prior
 * for the document's language; a short line takes the document's language unless its own letters rule that language
 * out (letters it never writes, or writes only in loanwords).
 */
export function identifyLines(text: string, docLang: Lang): Lang[] {
  return identifyLineResults(text, docLang).map((r) => r.lang);
}

/** Like identifyLines, with each line's confidence and P(Tajik). */
export function identifyLineResults(text: string, docLang: Lang): LangResult[] {
  return new TextReading(text).lineResults(docLang);
}
