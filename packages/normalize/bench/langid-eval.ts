/**
 * The language-ID evaluation set and its measures, shared by the bench (held-out part) and the tuning script (the
 * rest): real UI strings of many languages (Debian's LibreOffice and, when built here, GNOME/Xfce catalogues) as
 * full lines and 20-40-character snippets, and Tajik damaged the ways the web damages it.
 */
import { isHeldOut, snippets, uiStrings } from "@soro/samples";
import { toChatLatin, toLegacyA, toLegacyB, toRussianKeyboard } from "../src/damage.js";

/** One evaluation item: gold language, text, and what kind of text it is. */
export interface Item {
  lang: string;
  text: string;
  kind: "line" | "snippet";
}

/** The script a catalogue is written in: a string of another script in it was left untranslated. */
function catalogueScript(lang: string, source: string): RegExp {
  if (lang === "pes") return /\p{Script=Arabic}/gu;
  if (lang === "eng" || (lang === "uzn" && source === "libreoffice")) return /\p{Script=Latin}/gu;
  return /\p{Script=Cyrillic}/gu;
}

/**
 * Label noise, left out of the set: messages a catalogue holds untranslated in another language, so their
 * catalogue's language is not theirs. Each was checked by hand (all four are Russian sentences with Russian
 * function words and endings, found in the Tajik LibreOffice catalogue); nothing else is left out.
 */
const LABEL_NOISE: Record<string, ReadonlySet<string>> = {
  tgk: new Set([
    "Вы действительно хотите удалить все изображения?",
    "Из-за идентичности имен изменено название диапазона в документе назначения",
    "Добавить выбранные диапазоны в текущий сценарий?",
    "Невозможно копировать файл в .",
  ]),
};

/** A line is a whole UI message of at least this many characters and two words (shorter ones are labels). */
const MIN_LINE = 20;
/** Short labels (`shortItems`): this many characters or more, and two words. */
const MIN_LABEL = 10;

/**
 * Messages of one part of the set (held out, or the tuning rest) whose length is in [min, max), with two words or
 * more, one gold language and mostly their catalogue's script; at most `perLang` a language.
 */
function catalogueMessages(part: "held-out" | "tuning", min: number, max: number, perLang: number) {
  const { lines, gnome } = uiStrings();
  // A string found in two languages' catalogues (Russian or English left untranslated) has no one gold language,
  // nor has a string mostly in another script than its catalogue's (an English message left in the Tajik one).
  const langsOf = new Map<string, Set<string>>();
  for (const l of lines) langsOf.set(l.text, (langsOf.get(l.text) ?? new Set()).add(l.lang));
  const count = new Map<string, number>();
  const out: Array<{ lang: string; text: string }> = [];
  for (const l of lines) {
    if (l.text.length < min || l.text.length >= max || !l.text.includes(" ")) continue;
    if (langsOf.get(l.text)!.size > 1 || LABEL_NOISE[l.lang]?.has(l.text)) continue;
    const letters = l.text.match(/\p{L}/gu)?.length ?? 0;
    if ((l.text.match(catalogueScript(l.lang, l.source))?.length ?? 0) * 2 < letters) continue;
    if (isHeldOut(l.text) !== (part === "held-out")) continue;
    const n = count.get(l.lang) ?? 0;
    if (n >= perLang) continue;
    count.set(l.lang, n + 1);
    out.push({ lang: l.lang, text: l.text });
  }
  return { messages: out, gnome };
}

/** Lines and snippets of one part of the set (held out, or the tuning rest), at most `perLang` lines a language. */
export function evalItems(part: "held-out" | "tuning", perLang = Number.POSITIVE_INFINITY) {
  const { messages, gnome } = catalogueMessages(part, MIN_LINE, Number.POSITIVE_INFINITY, perLang);
  const items: Item[] = [];
  for (const m of messages) {
    items.push({ ...m, kind: "line" });
    for (const s of snippets(m.text)) items.push({ lang: m.lang, text: s, kind: "snippet" });
  }
  return { items, gnome };
}

/**
 * Short labels of one part (10-19 characters, two words or more: `Формати сана`, `Номи объект`), as lines: the
 * hardest case for Tajik recall (Russian loans with Tajik endings and no Tajik letter), kept out of the bench's
 * targets but read by the tuning script.
 */
export function shortItems(part: "held-out" | "tuning"): Item[] {
  return catalogueMessages(part, MIN_LABEL, MIN_LINE, Number.POSITIVE_INFINITY).messages.map((m) => ({
    ...m,
    kind: "line",
  }));
}

/** Ways Tajik is damaged on the web; each is repaired by normalizeText before language ID. */
export const DAMAGE: Record<string, (s: string) => string> = {
  "no Tajik letters": toRussianKeyboard,
  "legacy font A": toLegacyA,
  "legacy font B": toLegacyB,
  "chat Latin": toChatLatin,
};

/** Languages one reading cannot tell apart in these sources: Iranian Persian and Dari, Serbian and Bosnian. */
const SAME: Record<string, string> = { prs: "pes", bos: "srp" };
export const same = (a: string, b: string) => (SAME[a] ?? a) === (SAME[b] ?? b);

/** Per-language accuracy, Tajik recall and Tajik false-positive rate of one classifier's answers. */
export function measure(items: Item[], answers: string[]) {
  const byLang = new Map<string, { n: number; right: number }>();
  let tgk = 0;
  let tgkRight = 0;
  let other = 0;
  let fp = 0;
  items.forEach((it, i) => {
    const a = answers[i] ?? "und";
    const r = byLang.get(it.lang) ?? { n: 0, right: 0 };
    r.n++;
    if (same(a, it.lang)) r.right++;
    byLang.set(it.lang, r);
    if (it.lang === "tgk") {
      tgk++;
      if (a === "tgk") tgkRight++;
    } else {
      other++;
      if (a === "tgk") fp++;
    }
  });
  return { byLang, recall: tgkRight / Math.max(1, tgk), fp: fp / Math.max(1, other), fpCount: fp, other };
}

/** Reliability of a probability: per bin of predicted P(Tajik), the items, their mean prediction and true share. */
export function reliability(p: number[], truth: boolean[], bins = 10) {
  const rows = Array.from({ length: bins }, () => ({ n: 0, sumP: 0, pos: 0 }));
  p.forEach((v, i) => {
    const b = rows[Math.min(bins - 1, Math.floor(v * bins))]!;
    b.n++;
    b.sumP += v;
    if (truth[i]) b.pos++;
  });
  let ece = 0;
  for (const r of rows) if (r.n) ece += (r.n / p.length) * Math.abs(r.sumP / r.n - r.pos / r.n);
  return { rows, ece };
}
