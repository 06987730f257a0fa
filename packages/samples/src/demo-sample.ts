import { libreofficeTajikStrings } from "./debian.js";
import { type UdhrCode, udhrSections } from "./udhr.js";

/** One record of the demo sample, as the ingest stage reads it from JSONL. */
export interface SampleRecord {
  text: string;
  source: "web" | "edu" | "book" | "other";
  url: string;
  meta: Record<string, unknown>;
}

/**
 * How the demo damages real Tajik text: as typed on a Russian keyboard, as a legacy font A shows it, and (when
 * given) as written in Persian script.
 */
export interface SampleDamage {
  russianKeyboard: (text: string) => string;
  legacyFontA: (text: string) => string;
  persianScript?: (text: string) => string;
}

/** Languages of the demo sample and what they stand for. */
const LANGUAGES: Array<{ code: UdhrCode; note: string }> = [
  { code: "tgk", note: "Tajik" },
  { code: "rus", note: "Russian, common inside Tajik sites" },
  { code: "uzn_cyrl", note: "Uzbek Cyrillic, shares ғ қ ҳ with Tajik" },
  { code: "kaz", note: "Kazakh Cyrillic" },
  { code: "pes_1", note: "Persian script, mappable to Tajik Cyrillic" },
  { code: "pes_2", note: "Dari, Persian script" },
];

/**
 * The demo's bundled sample: UDHR sections in Tajik and its neighbours, Tajik LibreOffice strings, Tajik sections
 * re-typed on a Russian keyboard, in legacy font A or in Persian script, and republished copies, so every stage has
 * work to do.
 */
export async function demoSample(damage: SampleDamage): Promise<SampleRecord[]> {
  const records: SampleRecord[] = [];
  for (const { code, note } of LANGUAGES) {
    const sections = await udhrSections(code);
    sections.forEach((s, i) => {
      records.push({
        text: [s.heading, ...s.paragraphs].filter(Boolean).join("\n"),
        source: "web",
        url: `https://udhr.example/${code}/${i}`,
        meta: { origin: "udhr", udhr: code, language_note: note },
      });
    });
  }
  const tajik = await udhrSections("tgk");
  tajik.slice(1, 9).forEach((s, i) => {
    const text = [s.heading, ...s.paragraphs].join("\n");
    records.push({
      text: i % 2 === 0 ? damage.russianKeyboard(text) : damage.legacyFontA(text),
      source: "web",
      url: `https://mirror.example/tgk/${i}`,
      meta: { origin: "udhr", udhr: "tgk", damage: i % 2 === 0 ? "russian-keyboard" : "legacy-font-a" },
    });
  });
  tajik.slice(10, 14).forEach((s, i) => {
    records.push({
      text: [s.heading, ...s.paragraphs].join("\n"),
      source: "web",
      url: `https://news.example/republished/${i}`,
      meta: { origin: "udhr", udhr: "tgk", note: "republished copy" },
    });
  });
  // Tajik in Persian script: normalize converts it and labels it tgk, while most of the Persian and Dari UDHR stays
  // pes/prs (the demo's model learns the Tajik UDHR, whose wording those translations share).
  // Pages of several articles each, as a site would publish them: most single articles are too short or too much
  // of a numbered list for the quality rules, in any script.
  const toPersian = damage.persianScript;
  if (toPersian)
    [tajik.slice(18, 22), tajik.slice(22, 27), tajik.slice(27, 31)].forEach((page, i) => {
      records.push({
        text: toPersian(page.map((s) => [s.heading, ...s.paragraphs].join("\n")).join("\n")),
        source: "web",
        url: `https://tojik.example/arabic-script/${i}`,
        meta: { origin: "udhr", udhr: "tgk", damage: "persian-script" },
      });
    });
  const byModule = new Map<string, string[]>();
  for (const s of libreofficeTajikStrings()) {
    if (s.tg === s.en) continue;
    const list = byModule.get(s.module) ?? [];
    list.push(s.tg);
    byModule.set(s.module, list);
  }
  for (const [module, strings] of byModule) {
    for (let i = 0; i < strings.length; i += 60) {
      records.push({
        text: strings.slice(i, i + 60).join("\n"),
        source: "other",
        url: `https://l10n.example/libreoffice/tg/${module}/${i / 60}`,
        meta: { origin: "libreoffice-l10n-tg", module },
      });
    }
  }
  return records;
}
