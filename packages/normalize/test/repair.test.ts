import { tajikTextDir, tajikTextLines, tesseractTajikWords, udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { ChangeLog } from "../src/changes.js";
import {
  toKoi8tAsCp1251,
  toKoi8tAsKoi8r,
  toLegacyA,
  toLegacyB,
  toMojibake,
  toRussianKeyboard,
} from "../src/damage.js";
import { forEachWord, WORD_RE } from "../src/letters.js";
import { defaultLexicon } from "../src/lexicon.js";
import { normalizeText } from "../src/normalize.js";
import { normalizePunctuation } from "../src/punct.js";
import { libreofficeTexts, roundTrip } from "./round-trip.js";

const udhr = await udhrParagraphs("tgk");
const ui = libreofficeTexts();
// Every 5th UI string keeps the test fast while covering all modules of the catalogue.
const uiSample = ui.filter((_, i) => i % 5 === 0);

describe("round trips on real Tajik text", () => {
  it.each([
    ["legacy_a", toLegacyA, 0.99],
    ["legacy_b", toLegacyB, 0.99],
    ["koi8t", toKoi8tAsCp1251, 0.99],
    ["koi8t_koi8r", toKoi8tAsKoi8r, 0.99],
    ["mojibake_cp1251", toMojibake, 0.99],
  ] as const)("UDHR paragraphs encoded as %s come back", (encoding, corrupt, floor) => {
    const r = roundTrip(udhr, corrupt);
    expect(r.top).toBe(encoding);
    expect(r.words).toBeGreaterThanOrEqual(floor);
  });

  it.each([
    ["legacy_a", toLegacyA, 0.99],
    ["legacy_b", toLegacyB, 0.98],
    ["koi8t", toKoi8tAsCp1251, 0.94],
    ["koi8t_koi8r", toKoi8tAsKoi8r, 0.9],
    ["mojibake_cp1251", toMojibake, 0.97],
  ] as const)("short UI strings encoded as %s come back", (_encoding, corrupt, floor) => {
    expect(roundTrip(uiSample, corrupt).words).toBeGreaterThanOrEqual(floor);
  });

  it("restores the Tajik letters of text typed on a Russian keyboard", () => {
    // The UDHR's own typos typed without Tajik letters (хукми, химояи) restored first, as the decoder restores them.
    const r = roundTrip(
      udhr.map((t) => normalizeText(t).text),
      toRussianKeyboard,
    );
    expect(r.top).toBe("russian_keyboard");
    expect(r.words).toBeGreaterThanOrEqual(0.95);
    expect(r.chars).toBeGreaterThanOrEqual(0.97);
  });

  it("leaves clean Tajik text alone", () => {
    // The UDHR text has a few words typed without their Tajik letters; restoring those is all that changes (тарх
    // is тарҳ, Persian طرح, "a plan": бо ягон тарҳ маҳдуд).
    const typos = new Set([
      "хукми",
      "ҷахд",
      "химояи",
      "Ҳеч",
      "ӯхдадор",
      "озодихои",
      "хеҷ",
      "тадбирхои",
      "тарх",
    ]);
    for (const t of udhr)
      for (const c of normalizeText(t, { explain: true }).changes ?? [])
        if (c.rule === "russian_keyboard") expect(typos).toContain(c.from);
    const changed = uiSample.filter((t) => normalizeText(t).repairs > 0);
    // The few UI strings that change are themselves typed without Tajik letters (Объектхо -> Объектҳо).
    expect(changed.length / uiSample.length).toBeLessThan(0.01);
  });
});

describe("KOI8-T read as KOI8-R", () => {
  it("repairs the Tajik letters KOI8-R shows as box drawing", () => {
    const r = normalizeText("Президент Эмомал╔ Ра┼мон ┼ам гуфт", { explain: true });
    expect(r.text).toBe("Президент Эмомалӣ Раҳмон ҳам гуфт");
    expect(r.encoding).toBe("koi8t_koi8r");
    expect(r.changes).toContainEqual({ rule: "koi8t_koi8r", from: "╔", to: "ӣ" });
  });

  it.skipIf(tajikTextDir() === null)("brings back the reference text's paragraphs", () => {
    // Paragraphs of the Presidential Addresses that KOI8-T can hold, read back as KOI8-R.
    const paras = tajikTextLines("komdil_payom.txt")
      .filter((l) => !/[“”–]/.test(l))
      .slice(0, 60);
    const r = roundTrip(paras, toKoi8tAsKoi8r);
    expect(r.top).toBe("koi8t_koi8r");
    expect(r.words).toBeGreaterThanOrEqual(0.99);
  });
});

describe("the corruption catalogue of the Tesseract word list", () => {
  const words = new Set(tesseractTajikWords());
  it.each([
    ["Бозињо", "Бозиҳо"],
    ["Боќимондањои", "Боқимондаҳои"],
    ["Баѓдод", "Бағдод"],
    ["Интиѕолдиіанда", "Интиқолдиҳанда"],
    ["Таіѕиѕбаранда", "Таҳқиқбаранда"],
    ["АЛАЙХ,И", "АЛАЙҲИ"],
    ["Бор[о", "Борҳо"],
    ["БОНКХ^О", "БОНКҲО"],
    ["Дара^аи", "Дараҷаи"],
    ["Алок;амандии", "Алоқамандии"],
  ])("%s -> %s", (damaged, standard) => {
    expect(words.has(damaged)).toBe(true);
    expect(normalizeText(damaged).text).toBe(standard);
  });

  it("repairs most legacy-encoded forms of the list to forms the list also has clean", () => {
    const list = [...words];
    const clean = new Set(list.map((w) => w.toLowerCase()));
    const legacy = list.filter((w) => /[ќѓѕ]/.test(w)).slice(0, 400);
    const ok = legacy.filter((w) => clean.has(normalizeText(w).text.toLowerCase()));
    expect(ok.length / legacy.length).toBeGreaterThan(0.5);
  });
});

describe("ASCII-slot fonts", () => {
  it("reads TransCyrillicSans slots (ú = ҷ, ¼ = қ, ô = Ҳ) in Cyrillic words, and leaves French alone", () => {
    const r = normalizeText("ôукумати Тоúикистон ¼арор ¼абул кард");
    expect(r.text).toBe("Ҳукумати Тоҷикистон қарор қабул кард");
    expect(r.encoding).toBe("ascii_font");
    expect(normalizeText("Café résumé").text).toBe("Café résumé");
  });
});

describe("look-alikes and Unicode", () => {
  it("composes и/у + combining macron and maps look-alike letters", () => {
    expect(normalizeText("Тоҷикистони\u0304 ту\u0304").text).toBe("Тоҷикистонӣ тӯ");
    expect(normalizeText("һамаи одамон ҹамъ шуданд").text).toBe("ҳамаи одамон ҷамъ шуданд");
  });

  it("replaces Latin letters inside Cyrillic words only", () => {
    const r = normalizeText("Бонк ва coҳибкорон, Microsoft Word, HTTPро");
    expect(r.text).toBe("Бонк ва соҳибкорон, Microsoft Word, HTTPро");
    expect(r.steps.homoglyph).toBe(2);
  });

  it("keeps Kazakh and Uzbek letters in Kazakh and Uzbek text", async () => {
    for (const code of ["kaz", "uzn_cyrl", "kir", "tat"] as const) {
      for (const p of (await udhrParagraphs(code)).slice(0, 12)) {
        const r = normalizeText(p);
        expect(r.steps.lookalike).toBeUndefined();
        expect(r.encoding).toBe("none");
      }
    }
  });

  it("removes zero-width characters but keeps ZWNJ inside Persian words", () => {
    const r = normalizeText("Ҳа\u200Bмаи\u00AD одамон", { scriptMapping: false });
    expect(r.text).toBe("Ҳамаи одамон");
    expect(normalizeText("می\u200Cروم", { scriptMapping: false }).text).toBe("می\u200Cروم");
  });

  it("sets quotes, dashes and spaces as Tajik typesetting does", () => {
    expect(normalizeText('Вай гуфт: "Салом"  -  ва рафт.  ').text).toBe("Вай гуфт: «Салом» — ва рафт.");
    expect(normalizeText("“Салом”,ки гуфт").text).toBe("«Салом», ки гуфт");
  });

  it("explains each change with its rule", () => {
    const r = normalizeText("Бозињо\nхамаи одамон", { explain: true });
    expect(r.changes).toContainEqual({ rule: "legacy_a", from: "њ", to: "ҳ" });
    expect(r.changes).toContainEqual({ rule: "russian_keyboard", from: "хамаи", to: "ҳамаи" });
  });
});

describe("punctuation", () => {
  it("spaces a comma or semicolon between letters, and only there", () => {
    const log = new ChangeLog();
    expect(normalizePunctuation("ман,ту;ӯ «ҳа»,не (ҳа),не 1,5 1,а ,а x,y", log)).toBe(
      "ман, ту; ӯ «ҳа», не (ҳа), не 1,5 1,а ,а x, y",
    );
    expect(log.chars.get("comma_space")).toBe(10);
  });
});

describe("the word reader of the legacy candidates' scoring", () => {
  const spans = (text: string): string[] => {
    const out: string[] = [];
    forEachWord(text, (start, end) => out.push(text.slice(start, end)) > 0);
    return out;
  };
  const byRegex = (text: string) => [...text.matchAll(WORD_RE)].map((m) => m[0]);

  it("finds the words WORD_RE finds, on real text of several scripts", () => {
    const texts = [
      ...udhr,
      ...ui.slice(0, 2000),
      toLegacyA(udhr[3] ?? ""),
      "Ҷумҳурии Тоҷикистон — 2024-ум сол, «URL-ро» кушоед: https://site.tj/a?b=1",
      "خلاصه‌ای از ماده ۱ — اعلامیه",
      "и\u0304 у\u0304 ме\u0301тро, \u0301аввал",
    ];
    for (const text of texts) expect(spans(text)).toEqual(byRegex(text));
  });

  it("stops where it is told, and reads astral letters as WORD_RE does", () => {
    const seen: string[] = [];
    const text = "як ду се чор";
    forEachWord(text, (s, e) => seen.push(text.slice(s, e)) < 2);
    expect(seen).toEqual(["як", "ду"]);
    // An astral letter is a letter to WORD_RE (with its /u flag): the rest of the text is read by the regex, from
    // between words or from the start of a word an astral letter goes on.
    for (const astralText of ["хона 𝐀бв дар", "хона дар𝐀бв китоб", "😀 хона", "ҳ\u0304𝐀 да", "китоб 𝐀"])
      expect(spans(astralText)).toEqual(byRegex(astralText));
    const early: string[] = [];
    forEachWord("як 𝐀 ду се", (s, e) => early.push("як 𝐀 ду се".slice(s, e)) < 2);
    expect(early).toEqual(["як", "𝐀"]);
    const lexicon = defaultLexicon();
    const astral = "хона 𝐀бв дар 😀 китоб";
    const known = byRegex(astral).filter((w) => w.length >= 2);
    const hits = known.filter((w) => lexicon.has(w.toLowerCase())).length;
    expect(lexicon.hitRate(astral)).toBe(hits / known.length);
    expect(known).toContain("𝐀бв");
  });
});
