import { readFileSync } from "node:fs";
import { type ColumnSpec, defined } from "@soro/core";
import { countChars } from "./doc-context.js";
import { HashedForms } from "./intern.js";
import { type LetterWords, tokenize } from "./tokenize.js";

/**
 * Tajik reading level: the classic readability ingredients (words per sentence, syllables per word) plus the share
 * of words outside a list of frequent forms (as Dale–Chall counts unfamiliar words), combined into a school grade.
 * Vowel letters stand for syllables: Tajik spelling writes one vowel letter per syllable.
 */

/** The runs of letters and combining marks of a text, lower-cased. */
export function letterWords(text: string): LetterWords {
  return letterRuns(text.toLowerCase());
}

/** `letterWords` of a text that is already lower-cased (`DocContext.letters` has them for a document). */
export function letterRuns(lower: string): LetterWords {
  return tokenize(lower).letters;
}

/** How often each form of `words` occurs. */
export function formCounts(words: LetterWords): Int32Array {
  const counts = new Int32Array(words.formCount);
  for (let k = 0; k < words.ids.length; k++) (counts[words.ids[k] as number] as number)++;
  return counts;
}

/** Vowel letters (one a syllable) by char code, lower case Cyrillic only (words come lower-cased). */
const VOWEL = new Uint8Array(0x500);
for (const ch of "аеёиӣоуӯэюяы") VOWEL[ch.charCodeAt(0)] = 1;

const dataFile = (name: string) => new URL(`../data/${name}`, import.meta.url);

let frequent: Set<string> | null = null;
/** The 3000 most frequent Tajik forms (data/tajik-frequent.txt, see scripts/build-frequent-words.ts). */
export function frequentTajikWords(): Set<string> {
  frequent ??= new Set(readFileSync(dataFile("tajik-frequent.txt"), "utf8").split("\n").filter(Boolean));
  return frequent;
}

let frequentHashed: HashedForms | null = null;
/** `frequentTajikWords` looked up by form hash. */
function frequentForms(): HashedForms {
  frequentHashed ??= new HashedForms(frequentTajikWords());
  return frequentHashed;
}

/** How the grade is computed from the features; data/reading-grade.json holds the fitted one. */
export interface GradeModel {
  /** What the coefficients were fitted on and how well they did on held-out text. */
  calibration: string;
  intercept: number;
  sentenceWords: number;
  syllablesPerWord: number;
  rareShare: number;
  min: number;
  max: number;
}

let shippedModel: GradeModel | null = null;
/** The shipped grade model (data/reading-grade.json, fitted by scripts/fit-reading-grade.ts). */
export function readingGradeModel(): GradeModel {
  shippedModel ??= JSON.parse(readFileSync(dataFile("reading-grade.json"), "utf8")) as GradeModel;
  return shippedModel;
}

/** The reading-level features of one text. */
export interface ReadingFeatures {
  rl_sentences: number;
  rl_sentence_words: number;
  rl_word_chars: number;
  rl_syllables_per_word: number;
  rl_rare_word_share: number;
}

/** Every reading-level column, by name. */
export interface ReadingSignals extends ReadingFeatures {
  reading_grade: number | null;
}

/** Column specs of the reading level, in output order. */
export const READING_COLUMNS: ColumnSpec[] = [
  {
    name: "rl_sentences",
    type: "INTEGER",
    doc: "sentences: . ! ? … before a space, or a line without end punctuation",
  },
  { name: "rl_sentence_words", type: "DOUBLE", doc: "mean words per sentence" },
  { name: "rl_word_chars", type: "DOUBLE", doc: "mean letters per word" },
  { name: "rl_syllables_per_word", type: "DOUBLE", doc: "mean vowel letters (syllables) per word" },
  {
    name: "rl_rare_word_share",
    type: "DOUBLE",
    doc: "share of Cyrillic words outside the 3000 most frequent Tajik forms (data/tajik-frequent.txt)",
  },
  {
    name: "rl_curriculum_share",
    type: "DOUBLE",
    doc: "share of Cyrillic words in the workspace's curriculum vocabulary (words its graded edu documents use); NULL without one",
  },
  {
    name: "rl_curriculum_grade",
    type: "INTEGER",
    doc: "lowest grade by which 90% of the document's curriculum words have been introduced; NULL under 20 such words",
  },
  {
    name: "reading_grade",
    type: "DOUBLE",
    doc: "estimated school grade (1-12) from the features above (data/reading-grade.json says how it was fitted); NULL under 20 words",
  },
];

/** Fewer words than this give no grade: a heading or a menu has no reading level. */
export const MIN_GRADE_WORDS = 20;

/**
 * The reading-level features of a text whose words `letterWords` gave (`sentences`: `countChars(text).sentences`,
 * when the caller has it).
 */
export function readingFeatures(
  text: string,
  words: LetterWords,
  sentences = countChars(text).sentences,
): ReadingFeatures {
  const known = frequentForms();
  let chars = 0;
  let syllables = 0;
  let cyrillic = 0;
  let rare = 0;
  // Each form is read once and counted as often as it occurs.
  const counts = formCounts(words);
  const { text: lower, starts, ends, hashes } = words;
  for (let id = 0; id < counts.length; id++) {
    const start = starts[id] as number;
    const end = ends[id] as number;
    const m = counts[id] as number;
    chars += m * (end - start);
    let allCyrillic = true;
    let vowels = 0;
    for (let k = start; k < end; k++) {
      const c = lower.charCodeAt(k);
      if (c < 0x400 || c >= 0x500) allCyrillic = false;
      else vowels += VOWEL[c] as number;
    }
    syllables += m * vowels;
    if (allCyrillic) {
      cyrillic += m;
      if (!known.hasRange(lower, start, end, hashes[id] as number)) rare += m;
    }
  }
  const n = words.ids.length;
  return {
    rl_sentences: sentences,
    rl_sentence_words: sentences > 0 ? n / sentences : n,
    rl_word_chars: n > 0 ? chars / n : 0,
    rl_syllables_per_word: n > 0 ? syllables / n : 0,
    rl_rare_word_share: cyrillic > 0 ? rare / cyrillic : 0,
  };
}

/** The grade a model gives these features, clamped to its range. */
export function gradeOf(f: ReadingFeatures, model: GradeModel = readingGradeModel()): number {
  const g =
    model.intercept +
    model.sentenceWords * Math.min(f.rl_sentence_words, 60) +
    model.syllablesPerWord * f.rl_syllables_per_word +
    model.rareShare * f.rl_rare_word_share;
  return Math.min(model.max, Math.max(model.min, g));
}

/** Every reading-level column of a text. */
export function readingSignals(
  text: string,
  words: LetterWords = letterWords(text),
  sentences = countChars(text).sentences,
): ReadingSignals {
  const f = readingFeatures(text, words, sentences);
  return { ...f, reading_grade: words.ids.length >= MIN_GRADE_WORDS ? gradeOf(f) : null };
}

/**
 * Fits a grade model by ridge least squares (a small penalty keeps the coefficients sane on few documents) on
 * documents of known grade, e.g. curriculum text with `grade` metadata; `weight` balances groups of unequal size.
 */
export function fitGradeModel(
  rows: Array<{ features: ReadingFeatures; grade: number; weight?: number }>,
  lambda = 0.1,
): GradeModel {
  const w = rows.map((r) => r.weight ?? 1);
  const y = rows.map((r) => r.grade);
  const x = rows.map((r) => [
    1,
    Math.min(r.features.rl_sentence_words, 60),
    r.features.rl_syllables_per_word,
    r.features.rl_rare_word_share,
  ]);
  const k = 4;
  // Normal equations (XᵀX + λI) β = Xᵀy, solved by Gauss–Jordan elimination (4 unknowns).
  const a = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k + 1 }, (_, j) =>
      j < k
        ? x.reduce((s, row, n) => s + (w[n] as number) * (row[i] as number) * (row[j] as number), 0) +
          (i === j && i > 0 ? lambda : 0)
        : x.reduce((s, row, n) => s + (w[n] as number) * (row[i] as number) * (y[n] as number), 0),
    ),
  );
  const row = (i: number) => defined(a[i], "a row of the normal equations");
  const cell = (i: number, j: number) => defined(row(i)[j], "a cell of the normal equations");
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(cell(r, c)) > Math.abs(cell(p, c))) p = r;
    [a[c], a[p]] = [row(p), row(c)];
    const pivotRow = row(c);
    const pivot = cell(c, c);
    for (let j = c; j <= k; j++) pivotRow[j] = (pivotRow[j] as number) / pivot;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const other = row(r);
      const f = other[c] as number;
      for (let j = c; j <= k; j++) other[j] = (other[j] as number) - f * (pivotRow[j] as number);
    }
  }
  const [intercept, sentenceWords, syllablesPerWord, rareShare] = a.map((r) =>
    defined(r[k], "a coefficient"),
  );
  if (
    intercept === undefined ||
    sentenceWords === undefined ||
    syllablesPerWord === undefined ||
    rareShare === undefined
  )
    throw new Error(`soro: the grade fit solved ${a.length} of 4 coefficients (a bug: report it)`);
  return {
    calibration: `ridge fit on ${rows.length} documents of known grade`,
    intercept,
    sentenceWords,
    syllablesPerWord,
    rareShare,
    min: 1,
    max: 12,
  };
}
