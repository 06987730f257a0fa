import { libreofficeTajikStrings, udhrSections } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { extractHtml, type PageInput, readPage, SiteTemplates } from "../src/index.js";

const ui = libreofficeTajikStrings()
  .map((x) => x.tg)
  .filter((t) => t.length > 4 && t.length < 30 && !/[%$~&<]/.test(t))
  .slice(200, 240);

describe("main-text extraction from block features", () => {
  it("keeps a Tajik article and drops menus, a cookie notice, share links, comments and related headlines", async () => {
    const s = (await udhrSections("tgk"))[3]!;
    const html = `<html lang="tg"><head><title>${s.heading}</title></head><body>
      <header><ul>${ui
        .slice(0, 6)
        .map((u) => `<li><a href="/c">${u}</a></li>`)
        .join("")}</ul></header>
      <div class="cookie-bar">${ui[6]} ва ${ui[7]}</div>
      <div id="wrap"><div class="col"><h1>${s.heading}</h1>${s.paragraphs.map((p) => `<p>${p}</p>`).join("")}
      <div class="share">${ui
        .slice(8, 11)
        .map((u) => `<a href="#">${u}</a>`)
        .join(" ")}</div></div>
      <div class="comments"><p>${ui[11]}</p><p>${ui[12]}</p></div>
      <div class="col2"><ul>${ui
        .slice(13, 20)
        .map((u) => `<li><a href="/n">${u}</a></li>`)
        .join("")}</ul></div></div>
      <footer>© 2024 ${ui[20]}</footer></body></html>`;
    const e = extractHtml(html);
    expect(e.lines).toEqual([s.heading, ...s.paragraphs]);
    expect(e.method).toBe("blocks");
    expect(e.confidence).toBeGreaterThan(0.5);
  });

  it("reads a page with no <body> whose text follows a <noscript> in the head (it came out empty)", () => {
    const text =
      "Ҳамаи одамон озод ва аз лиҳози шарафу ҳуқуқ ба ҳам баробар ба дунё меоянд ва бояд бо якдигар муносибати бародарона дошта бошанд.";
    const html = `<!DOCTYPE html><html><head><title>t</title><noscript><div><img src="x"></div></noscript>
      <div class="article"><p>${text}</p><p>${text}</p></div></html>`;
    const e = extractHtml(html);
    expect(e.lines).toEqual([text, text]);
  });

  it("keeps text inside a page-wide <form> and a content div whose class also names a sidebar", () => {
    const text =
      "Дар ин мақола дар бораи таърихи шаҳр ва мардуми он, ки дар соҳили дарё зиндагӣ мекунанд, нақл карда мешавад.";
    const html = `<html><body><form id="aspnetForm"><div class="content-with-sidebar"><p>${text}</p><p>${text}</p></div></form></body></html>`;
    expect(extractHtml(html).lines).toEqual([text, text]);
  });

  it("never leaves out script or style text and is empty only when the page shows no text", () => {
    const e = extractHtml(
      `<html><body><script>var x = "матн";</script><style>p{}</style><div hidden>пинҳон</div></body></html>`,
    );
    expect(e).toMatchObject({ lines: [], method: "none", confidence: 0 });
  });

  it("falls back to the visible text when the page is only a list of links, with a low confidence", () => {
    const html = `<html><body><ul>${ui
      .slice(0, 5)
      .map((u) => `<li><a href="/x">${u}</a></li>`)
      .join("")}</ul></body></html>`;
    const e = extractHtml(html);
    expect(e.lines).toEqual(ui.slice(0, 5));
    expect(e.method).toBe("visible");
    expect(e.confidence).toBeLessThan(0.5);
  });

  it("records the pass and its confidence in the document's meta", async () => {
    const s = (await udhrSections("tgk"))[5]!;
    const html = `<html><body><article><h1>${s.heading}</h1>${s.paragraphs.map((p) => `<p>${p}</p>`).join("")}</article></body></html>`;
    const read = readPage({
      url: "http://127.0.0.1/a",
      status: 200,
      contentType: "text/html; charset=utf-8",
      body: Buffer.from(html),
      truncated: null,
      fetchedAt: "2024-01-01T00:00:00Z",
      depth: 0,
    });
    const meta = JSON.parse(read.doc!.meta!);
    expect(meta.extract_method).toBe("blocks");
    expect(meta.extract_confidence).toBeGreaterThan(0.5);
  });

  it("cuts the blocks two pages of a host show at the same DOM path (later pages in a crawl, all on re-extraction), naming the rule", async () => {
    const sections = await udhrSections("tgk");
    const box =
      "Инчунин хонед: дар бораи ҳуқуқҳои инсон дар ҷаҳони имрӯза ва дар кишварҳои гуногун, ки ҳар рӯз навишта мешавад.";
    const page = (i: number, host: string): PageInput => ({
      url: `http://${host}/a/${i}`,
      status: 200,
      contentType: "text/html; charset=utf-8",
      body: Buffer.from(
        `<html><body><div class="post"><h1>${sections[i]!.heading}</h1>${sections[i]!.paragraphs.map(
          (p) => `<p>${p}</p>`,
        ).join("")}<div class="box"><p>${box}</p></div></div></body></html>`,
      ),
      truncated: null,
      fetchedAt: "2024-01-01T00:00:00Z",
      depth: 0,
    });
    const templates = new SiteTemplates();
    const first = readPage(page(1, "127.0.0.1:8001"), templates);
    const second = readPage(page(2, "127.0.0.1:8001"), templates);
    const elsewhere = readPage(page(3, "127.0.0.1:8002"), templates);
    expect(first.doc!.text).toContain(box);
    expect(elsewhere.doc!.text).toContain(box);
    expect(second.doc!.text).not.toContain(box);
    expect(second.doc!.text).toContain(sections[2]!.paragraphs[0]!);
    expect(JSON.parse(second.doc!.meta!)).toMatchObject({
      boilerplate_removed: [{ rule: "site_template", line: box }],
      boilerplate_removed_lines: 1,
    });
    // Re-extraction counts every stored page first, so the host's first page loses the box too.
    const known = new SiteTemplates();
    for (const i of [1, 2])
      known.observe("127.0.0.1:8001", readPage(page(i, "127.0.0.1:8001")).extracted.pageKeys);
    known.prime();
    expect(readPage(page(1, "127.0.0.1:8001"), known).doc!.text).not.toContain(box);
    expect(readPage(page(3, "127.0.0.1:8002"), known).doc!.text).toContain(box);
  });
});
