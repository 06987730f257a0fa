import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import {
  detectLegacy,
  findGutters,
  flow,
  joinWrapped,
  type Line,
  layoutPage,
  type Paragraph,
  removeRunning,
  repairLegacy,
} from "../src/index.js";

const para = (text: string, top: number): Paragraph => ({
  text,
  top,
  bottom: top - 10,
  lines: 1,
  open: false,
});

describe("de-hyphenation", () => {
  it("joins a word broken at a line end and keeps real hyphens", () => {
    expect(joinWrapped("ҳуқуқ ва озо-", "диҳо")).toBe("ҳуқуқ ва озодиҳо");
    expect(joinWrapped("бе\u00AD", "Ҳад")).toBe("беҲад");
    expect(joinWrapped("Осиё-", "Уқёнус")).toBe("Осиё-Уқёнус");
    expect(joinWrapped("дар", "Душанбе")).toBe("дар Душанбе");
  });

  it("takes a hyphen set apart from its word at a line end, and rejoins ranges broken after a dash", () => {
    expect(joinWrapped("як сил -", "сила")).toBe("як силсила");
    expect(joinWrapped("ба ҳамаи шумо -", "Вакилони халқ")).toBe("ба ҳамаи шумо - Вакилони халқ");
    expect(joinWrapped("дар солҳои 2015–", "2019")).toBe("дар солҳои 2015–2019");
    expect(joinWrapped("барои солҳои 2020-", "2025")).toBe("барои солҳои 2020-2025");
  });

  it("carries a paragraph over a column or page break past a caption or table placed between", () => {
    const p = (text: string, extra: Partial<Paragraph> = {}): Paragraph => ({ ...para(text, 0), ...extra });
    const text = flow([
      [p("Сарлавҳа"), p("Ҳукумати мамлакат бояд ис-", { open: true })],
      [
        p("Расми 1. Нақша", { kind: "caption", head: true }),
        p("Сол\tФоиз", { kind: "table" }),
        p("тифодаи ҳамаи захираҳоро таъмин намояд."),
        p("Матни нав."),
      ],
    ]);
    expect(text.split("\n")).toEqual([
      "Сарлавҳа",
      "Ҳукумати мамлакат бояд истифодаи ҳамаи захираҳоро таъмин намояд.",
      "Расми 1. Нақша",
      "Сол\tФоиз",
      "Матни нав.",
    ]);
    // A paragraph that ended is not continued, even by a lower-case start at the top of the next column.
    expect(flow([[p("Хотима.")], [p("ва боз", { head: true })]])).toBe("Хотима.\nва боз");
  });
});

describe("page geometry", () => {
  // Two justified columns of ten rows; on every third row of the left column a wide word gap splits the line.
  const word = (i: number) => ["Ҳукумат", "барои", "рушди", "соҳа", "тадбир", "андешид"][i % 6] ?? "";
  const lines: Line[] = [];
  for (let r = 0; r < 10; r++) {
    const y = 700 - 12 * r;
    const left = `${word(r)} ${word(r + 1)} ${word(r + 2)}`;
    if (r % 3 === 0) {
      lines.push({ text: word(r), x0: 50, x1: 120, y, size: 10 });
      lines.push({ text: `${word(r + 1)} ${word(r + 2)}`, x0: 136, x1: 250, y, size: 10 });
    } else lines.push({ text: left, x0: 50, x1: 250, y, size: 10 });
    lines.push({ text: `${word(r + 3)} ${word(r + 4)}`, x0: 268, x1: 468, y: y - 3, size: 10 });
  }

  it("finds the gutter from the x-projection and joins a justified line set wide again", () => {
    const cuts = findGutters(lines);
    expect(cuts).toEqual([[250, 268]]);
    const [leftColumn, rightColumn] = layoutPage(lines, cuts);
    expect(leftColumn?.text.split(" ")).toHaveLength(30);
    expect(leftColumn?.text.startsWith("Ҳукумат барои рушди барои рушди соҳа")).toBe(true);
    expect(rightColumn?.head).toBe(true);
  });

  it("reads a text layer spread absurdly wide as one column", () => {
    const wide = lines.map((l) => ({ ...l, x1: l.x1 * 1e6 }));
    expect(findGutters(wide)).toEqual([]);
  });
});

describe("running headers and footers", () => {
  it("drops lines repeated at page edges and page numbers, keeps numbered headings", () => {
    const pages = [1, 2, 3].map((n) => [
      para("Маҷаллаи илмӣ", 800),
      para(`Моддаи ${n * 4}.`, 780),
      para("Матни асосӣ", 500),
      para(`Саҳифаи ${n + 10}`, 40),
      para(String(n + 10), 20),
    ]);
    const kept = removeRunning(pages).map((p) => p.map((x) => x.text));
    expect(kept).toEqual([1, 2, 3].map((n) => [`Моддаи ${n * 4}.`, "Матни асосӣ"]));
  });

  it("folds every number: a grade or a year that stays the same is running too, left and right pages apart", () => {
    const pages = [1, 2, 3, 4, 5].map((n) => [
      para(n % 2 ? "Забони тоҷикӣ — Синфи 9" : "Душанбе — 2024", 800),
      para(`Машқи ${n * 3 + 1}`, 780),
      para("Матни асосӣ", 500),
      para(`Охири саҳифаи ${["якум", "дуюм", "сеюм", "чорум", "панҷум"][n - 1]}`, 300),
      para(`${n + 16}`, 20),
    ]);
    const kept = removeRunning(pages).map((p) => p.map((x) => x.text));
    expect(kept).toEqual(pages.map((p) => [p[1]?.text, "Матни асосӣ", p[3]?.text]));
    // Seen on one page only, a line is never a running header.
    expect(removeRunning([pages[0] ?? []])[0]?.map((x) => x.text)).toContain("Забони тоҷикӣ — Синфи 9");
  });
});

describe("legacy-font detection", async () => {
  const tajik = (await udhrParagraphs("tgk")).slice(0, 5).join("\n");
  const legacyA = tajik.replace(
    /[ҳҷқғӣӯ]/g,
    (c) => ({ ҳ: "њ", ҷ: "љ", қ: "ќ", ғ: "ѓ", ӣ: "ї", ӯ: "ў" })[c] ?? c,
  );

  it("finds the cp1251 Tj layout and repairs it exactly", () => {
    const v = detectLegacy(legacyA);
    expect(v?.mapping).toBe("tj-cp1251");
    expect(repairLegacy(legacyA, "tj-cp1251")).toBe(tajik);
  });

  it("leaves real Tajik, Russian and Ukrainian alone", async () => {
    expect(detectLegacy(tajik)).toBeUndefined();
    expect(detectLegacy((await udhrParagraphs("rus")).join("\n"))).toBeUndefined();
    const ukrainian =
      "Усі люди народжуються вільними і рівними у своїй гідності та правах. Вони наділені розумом і совістю і повинні діяти у відношенні один до одного в дусі братерства. Кожна людина повинна мати всі права і всі свободи, проголошені цією Декларацією, незалежно від раси, кольору шкіри, статі, мови, релігії, політичних або інших переконань, національного чи соціального походження, майнового, станового або іншого становища. Її права є.";
    expect(detectLegacy(ukrainian)).toBeUndefined();
  });

  it("takes a Tj font name as evidence on a page with few odd letters", () => {
    const sparse = `${tajik.replace(/[ҳҷқғӣӯ]/g, "")} њ њ њ`;
    expect(detectLegacy(sparse)).toBeUndefined();
    expect(detectLegacy(sparse, ["TimesNewRomanTj"])?.mapping).toBe("tj-cp1251");
  });
});
