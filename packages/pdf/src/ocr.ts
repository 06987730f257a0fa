import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { SoroError } from "@soro/core";
import { joinWrapped } from "./layout.js";

const run = promisify(execFile);

/** Checks that Poppler's pdftoppm and Tesseract with its Tajik model are installed; throws a SoroError saying how to get them. */
export function checkOcrTools(): void {
  const hint =
    "install Debian's tesseract-ocr, tesseract-ocr-tgk and poppler-utils (apt-get install -y tesseract-ocr tesseract-ocr-tgk poppler-utils), or leave OCR off";
  let langs: string;
  try {
    langs = execFileSync("tesseract", ["--list-langs"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    execFileSync("pdftoppm", ["-v"], { stdio: "ignore" });
  } catch {
    throw new SoroError("pdf OCR: tesseract or pdftoppm is not installed", hint, 2);
  }
  if (!/^tgk$/m.test(langs)) throw new SoroError("pdf OCR: Tesseract has no Tajik model (tgk)", hint, 2);
}

/** Unwraps Tesseract's output: lines of a paragraph joined (line-end hyphens removed), paragraphs on their own lines. */
export function unwrapOcr(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((para) =>
      para
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .reduce((acc, l) => (acc ? joinWrapped(acc, l) : l), ""),
    )
    .filter(Boolean)
    .join("\n");
}

/** OCRs one page (1-based) of a PDF file: rendered at 300 dpi in grey by pdftoppm, read by Tesseract's Tajik model. */
export async function ocrPage(file: string, page: number, timeoutMs: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "soro-ocr-"));
  try {
    const image = path.join(dir, "page");
    const n = String(page);
    await run("pdftoppm", ["-r", "300", "-gray", "-png", "-f", n, "-l", n, "-singlefile", file, image], {
      timeout: timeoutMs,
    });
    const { stdout } = await run("tesseract", [`${image}.png`, "stdout", "-l", "tgk"], {
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
      timeout: timeoutMs,
    });
    return unwrapOcr(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
