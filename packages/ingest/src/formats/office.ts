import type { SourceItem } from "@soro/core";
import * as cheerio from "cheerio";
import mammoth from "mammoth";
import { docItem, inflateBudget, type ReaderContext, tidy } from "../context.js";
import { readAll, zipFiles } from "../input.js";

/** Whether bytes start like a zip archive (every DOCX, ODT and EPUB does). */
function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
}

/** One document from a DOCX: its paragraphs as mammoth reads them; the core title is kept when set. */
export async function* readDocx(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const bytes = await readAll(ctx.input, ctx.limits.maxFileBytes);
  if (!isZip(bytes)) throw new Error("not a DOCX (not a zip archive)");
  let core: Map<string, Buffer>;
  let raw: string;
  try {
    // mammoth inflates with no limit: every member is first inflated here against the budget, and dropped.
    core = await zipFiles(bytes, (n) => n === "docProps/core.xml" || "count", inflateBudget(ctx.limits));
    raw = (await mammoth.extractRawText({ buffer: bytes })).value;
  } catch (err) {
    throw new Error(`not a readable DOCX: ${(err as Error).message}`);
  }
  const text = tidy(raw);
  if (text === "") {
    yield { bad: { input: ctx.input.name, reason: "DOCX without text" } };
    return;
  }
  const coreXml = core.get("docProps/core.xml");
  const title = coreXml
    ? cheerio.load(coreXml.toString("utf8"), { xml: true })("dc\\:title").text().trim()
    : "";
  yield docItem(ctx, text, ctx.input.name, { format: "docx", ...(title ? { title } : {}) });
}

/** The paragraph text of an OpenDocument body: paragraphs and headings in order, spaces, tabs and breaks kept. */
export function odfText(contentXml: string): string {
  const $ = cheerio.load(contentXml, { xml: true });
  const paragraphs: string[] = [];
  type El = ReturnType<typeof $>[number];
  const inline = (el: El): string => {
    let s = "";
    for (const c of $(el).contents().toArray()) {
      if (c.type === "text") s += (c as unknown as { data: string }).data;
      else if ("name" in c) {
        const name = c.name as string;
        if (name === "text:s") s += " ".repeat(Number($(c).attr("text:c") ?? 1));
        else if (name === "text:tab") s += "\t";
        else if (name === "text:line-break") s += "\n";
        // Notes and frames hold their own paragraphs, read separately in document order.
        else if (name !== "text:note" && name !== "draw:frame" && name !== "office:annotation")
          s += inline(c as El);
      }
    }
    return s;
  };
  $("office\\:body text\\:p, office\\:body text\\:h").each((_, el) => {
    paragraphs.push(inline(el as El));
  });
  return tidy(paragraphs.join("\n\n"));
}

/** One document from an ODT: the text of content.xml; the title from meta.xml when set. */
export async function* readOdt(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const bytes = await readAll(ctx.input, ctx.limits.maxFileBytes);
  if (!isZip(bytes)) throw new Error("not an ODT (not a zip archive)");
  const files = await zipFiles(
    bytes,
    (n) => n === "content.xml" || n === "meta.xml",
    inflateBudget(ctx.limits),
  );
  const content = files.get("content.xml");
  if (!content) throw new Error("not an ODT (no content.xml)");
  const text = odfText(content.toString("utf8"));
  if (text === "") {
    yield { bad: { input: ctx.input.name, reason: "ODT without text" } };
    return;
  }
  const meta = files.get("meta.xml");
  const title = meta ? cheerio.load(meta.toString("utf8"), { xml: true })("dc\\:title").text().trim() : "";
  yield docItem(ctx, text, ctx.input.name, { format: "odt", ...(title ? { title } : {}) });
}
