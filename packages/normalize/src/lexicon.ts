import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { foldTajik, forEachWord, TAJIK_ALPHABET, WORD_RE } from "./letters.js";
import { readTable } from "./tables.js";
import { LOWER_BY_STRING, WordTable, wordTableArrays } from "./word-table.js";

const TAJIK_WORD = new RegExp(`^[${TAJIK_ALPHABET}]+$`);

/** Whether a lower-case word is spelled with standard Tajik Cyrillic letters only. */
export function isTajikSpelling(word: string): boolean {
  return TAJIK_WORD.test(word);
}

/** A standard form and its frequency. */
export interface LexEntry {
  word: string;
  count: number;
}

/**
 * Tajik word forms (lower case) with frequencies, indexed by the form typed without Tajik letters, so that
 * restoration, OCR repair and script mapping can ask which standard spelling a damaged word most likely had.
 */
export class Lexicon {
  private byFold?: Map<string, LexEntry>;
  /** The forms in a table probed without a string per word (`hitRate`), made on first use. */
  private table?: WordTable;

  constructor(readonly counts: Map<string, number>) {}

  /** Frequency of a lower-case form (0 when unknown). */
  count(word: string): number {
    return this.counts.get(word) ?? 0;
  }

  /** Whether a lower-case form is known. */
  has(word: string): boolean {
    return this.counts.has(word);
  }

  /** The most frequent known form whose folded spelling is `key` (a lower-case word without Tajik letters). */
  bestByFold(key: string): LexEntry | undefined {
    if (!this.byFold) {
      const index = new Map<string, LexEntry>();
      for (const [word, count] of this.counts) {
        const k = foldTajik(word);
        const prev = index.get(k);
        if (!prev || prev.count < count) index.set(k, { word, count });
      }
      this.byFold = index;
    }
    return this.byFold.get(key);
  }

  /** Share of the first `maxWords` words of `text` (two letters or more) that the lexicon knows. */
  hitRate(text: string, maxWords = 300): number {
    this.table ??= formsTable(this.counts);
    const table = this.table;
    let seen = 0;
    let hits = 0;
    forEachWord(text, (start, end) => {
      if (end - start < 2) return true;
      seen++;
      const id = table.idLower(text, start, end);
      if (id >= 0 || (id === LOWER_BY_STRING && this.counts.has(text.slice(start, end).toLowerCase())))
        hits++;
      return seen < maxWords;
    });
    return seen === 0 ? 0 : hits / seen;
  }

  /** Writes the lexicon as `word<TAB>count` lines, most frequent first, gzip-compressed. */
  save(path: string, header: string): void {
    const rows = [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const body = `# ${header}\n${rows.map(([w, c]) => `${w}\t${c}`).join("\n")}\n`;
    writeFileSync(path, gzipSync(body, { level: 9 }));
  }
}

/** A lexicon's forms in a `WordTable`. */
function formsTable(counts: Map<string, number>): WordTable {
  const { codes, offsets } = wordTableArrays([...counts.keys()]);
  return new WordTable(codes, offsets);
}

/** Counts the Tajik-spelled words (lower case) of texts into `counts`. */
export function countWords(texts: Iterable<string>, counts = new Map<string, number>()): Map<string, number> {
  for (const text of texts) {
    for (const m of text.matchAll(WORD_RE)) {
      const w = m[0].toLowerCase();
      if (isTajikSpelling(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return counts;
}

/** Reads a lexicon file written by `Lexicon.save` (or this package's default under data/ when `name` is relative). */
export function loadLexicon(pathOrName: string): Lexicon {
  const rows = readTable(pathOrName);
  return new Lexicon(new Map(rows.map(([w = "", c = "1"]) => [w, Number(c)])));
}

let shipped: Lexicon | undefined;

/** The default lexicon shipped with the package (built by scripts/build-lexicon.ts), loaded once per thread. */
export function defaultLexicon(): Lexicon {
  shipped ??= loadLexicon("lexicon.tsv.gz");
  return shipped;
}
