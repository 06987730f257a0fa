import { describe, expect, it } from "vitest";
import { categoryScores, hostCategory, letterWords, safetySignals, termHits } from "../src/index.js";

/** Terms found in a string, as `category:term`. */
const found = (text: string) =>
  [...termHits(letterWords(text)).keys()].map((t) => `${t.category}:${t.label}`);

describe("safety terms (invented short strings)", () => {
  it("matches Tajik terms with their suffixes and Russian terms by stem", () => {
    expect(found("Дар он ҷо фоҳишаҳоро диданд.")).toEqual(["adult:фоҳиша"]);
    expect(found("Фоҳишаи кӯча")).toEqual(["adult:фоҳиша"]);
    // порнографии is порнографӣ with the ezafe -и: the same term.
    expect(found("Сайти порнографӣ ва порнографии дигар")).toEqual(["adult:порнографӣ"]);
    expect(found("Там продают проституток")).toEqual(["adult:проститут*"]);
    expect(found("Ба ҷанги муқаддас даъват мекунанд")).toEqual(["extremism:ҷанги муқаддас"]);
  });

  it("matches whole words only: a term inside another word is not a hit", () => {
    // секстант, педикюр and казна share letters with terms but are innocent words.
    expect(found("Секстант асбоби киштирон аст. Педикюр. Казна пуста.")).toEqual([]);
    expect(found("Ман ба мактаб рафтам ва китоб хондам.")).toEqual([]);
    // A word that only starts like a Tajik term, with an ending that is not a Tajik suffix, is no hit.
    expect(found("урёнбек")).toEqual([]);
  });

  it("scores one mention low and dense unambiguous terms high, scaled by length", () => {
    const one = safetySignals(letterWords("Дар бораи хилофати Аббосиён китоб хондем."));
    expect(one.unsafe_extremism as number).toBeGreaterThan(0);
    expect(one.unsafe_extremism as number).toBeLessThan(0.5);
    const spam = safetySignals(letterWords("порно порно порно секс эротика фоҳиша xxx порнография"));
    expect(spam.unsafe_adult as number).toBeGreaterThan(0.9);
    expect(spam.unsafe_violence).toBe(0);
    expect(spam.unsafe_terms as string[]).toContain("adult:порно*×3");
    // The same hits inside a long text count for less.
    const hits = termHits(letterWords("порно порно фоҳиша"));
    expect(categoryScores(hits, 3000).adult).toBeLessThan(categoryScores(hits, 30).adult);
  });

  it("names the category of listed hosts, their subdomains and adult host labels", () => {
    expect(hostCategory("https://www.pornhub.com/x")).toBe("adult");
    expect(hostCategory("https://ru.xhamster.com/")).toBe("adult");
    expect(hostCategory("http://best-porn-tube.example/")).toBe("adult");
    expect(hostCategory("https://sussex.ac.uk/")).toBeNull();
    expect(hostCategory("https://khovar.tj/2024/")).toBeNull();
    expect(hostCategory("not a url")).toBeNull();
    expect(safetySignals(letterWords(""), "https://xnxx.com/").unsafe_host).toBe(1);
    expect(safetySignals(letterWords(""), null).unsafe_host).toBe(0);
  });
});
