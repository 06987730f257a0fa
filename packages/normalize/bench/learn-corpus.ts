// Documents for the `learn` bench: what the normalize stage writes (text, line_langs and the columns learn filters
// on), built from ../shared/tajik-text like the e2e bench's (3-15 paragraphs of the Presidential addresses and the
// explanatory dictionary, a Russian UDHR paragraph in one document of six), but with a vocabulary that keeps
// growing as real text does. Repeating a few MB of real text would leave the distinct words and bigrams flat after
// the first few MB, so the counting would never meet the memory a real crawl needs.
//
// Growth: each word is, with probability VARIANT_SHARE, replaced by a variant of itself (the word with extra letters
// before its last two, as an inflection, a name or a typo would make): variant k of a word is drawn with
// P(K >= k) = k^-TAIL, so each word's variants grow like a power of its own frequency (Heaps' law, V ~ N^β,
// β around 0.6) and the rare variants (seen once) are most of the new types, as in real text. Every variant also
// makes two bigrams new to the corpus, so bigram types grow faster than word types, as they do.
import { tajikTextLines, udhrParagraphs } from "@soro/samples";

const VARIANT_SHARE = 0.3;
const TAIL = 0.5;
const LETTERS = "абвгдежзийклмнопрстуфхчшъэюяёғӣқӯҳҷ";

/** A seeded generator of normalize-stage documents (text and line labels). */
export async function learnCorpus(seed = 20261204): Promise<() => { text: string; lineLangs: string[] }> {
  let s = seed >>> 0;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const payom = tajikTextLines("komdil_payom.txt");
  const dict = tajikTextLines("komdil_dictionary.txt");
  const russian = (await udhrParagraphs("rus")).map((p) => p.replaceAll("\n", " "));
  const variant = (w: string): string => {
    if (rand() >= VARIANT_SHARE || w.length < 2) return w;
    let k = Math.floor((1 - rand()) ** (-1 / TAIL));
    let infix = "";
    while (k > 0) {
      infix += LETTERS[k % LETTERS.length];
      k = Math.floor(k / LETTERS.length);
    }
    return w.slice(0, -2) + infix + w.slice(-2);
  };
  let docs = 0;
  return () => {
    const lines: string[] = [];
    const langs: string[] = [];
    for (let k = 3 + Math.floor(rand() * 13); k > 0; k--) {
      lines.push((rand() < 0.6 ? pick(payom) : pick(dict)).replace(/\p{L}+/gu, variant));
      langs.push("tgk");
    }
    if (docs++ % 6 === 0) {
      lines.splice(1, 0, pick(russian));
      langs.splice(1, 0, "rus");
    }
    return { text: lines.join("\n"), lineLangs: langs };
  };
}
