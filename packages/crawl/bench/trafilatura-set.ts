// trafilatura's evaluation pages as the extraction bench and the extractor's trainer read them: from the folder
// packages/crawl/scripts/trafilatura-eval.ts writes, split into a tuning half and a held-out half by a hash of each
// page's file name (the trainer sees only the tuning half).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { decodeBody } from "../src/index.js";

/** One annotated page: its decoded HTML, the snippets its main text holds and those it must not hold. */
export interface SnippetPage {
  file: string;
  html: string;
  with: string[];
  without: string[];
}

/** The held-out half: pages whose file-name hash starts with an odd byte. */
export function isHeldOut(file: string): boolean {
  return (createHash("sha256").update(file).digest()[0]! & 1) === 1;
}

/** Why a data folder cannot be read, or null when it can. */
export function trafilaturaSetProblem(dir: string): string | null {
  return existsSync(path.join(dir, "gold.json"))
    ? null
    : `${path.join(dir, "gold.json")} does not exist; build the folder with ` +
        "`node --import tsx packages/crawl/scripts/trafilatura-eval.ts <trafilatura mirror.git> DIR`";
}

/** Both halves of the set in a data folder. */
export function loadTrafilaturaSet(dir: string): Record<"tuning" | "heldout", SnippetPage[]> {
  const gold = JSON.parse(readFileSync(path.join(dir, "gold.json"), "utf8")) as {
    pages: { file: string; with: string[]; without: string[] }[];
  };
  const halves: Record<"tuning" | "heldout", SnippetPage[]> = { tuning: [], heldout: [] };
  for (const p of gold.pages) {
    const html = decodeBody(readFileSync(path.join(dir, "pages", p.file)), null).text;
    halves[isHeldOut(p.file) ? "heldout" : "tuning"].push({
      file: p.file,
      html,
      with: p.with,
      without: p.without,
    });
  }
  return halves;
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/** Trafilatura's snippet scorer: expected snippets found (tp) or missing (fn), unwanted snippets found (fp). */
export function snippetScore(page: Pick<SnippetPage, "with" | "without">, out: string) {
  const o = squash(out);
  let tp = 0;
  let fn = 0;
  let fp = 0;
  for (const w of page.with) o.includes(squash(w)) ? tp++ : fn++;
  for (const u of page.without) if (o.includes(squash(u))) fp++;
  return { tp, fp, fn };
}

/** Micro-averaged precision, recall and F1 of summed counts. */
export function prf(t: { tp: number; fp: number; fn: number }) {
  const precision = t.tp / (t.tp + t.fp || 1);
  const recall = t.tp / (t.tp + t.fn || 1);
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1) };
}
