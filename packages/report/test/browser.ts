import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "@soro/core/testing";
import { chromium } from "playwright-core";

/** What opening the report in Chromium showed. */
export interface PageCheck {
  consoleErrors: string[];
  /** Every request the page made other than the report file itself. */
  requests: string[];
  /** Drawn marks (bars, lines, rules) per plot name. */
  marks: Record<string, number>;
  /** data-figure name to exact value. */
  figures: Record<string, number>;
}

/** Opens a report in Debian's headless Chromium (a fresh profile folder), checks it and saves a full-page screenshot. */
export async function openReport(file: string, screenshot: string): Promise<PageCheck> {
  const profile = await mkdtemp(path.join(tmpdir(), "soro-report-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    viewport: { width: 1280, height: 900 },
    executablePath: CHROMIUM_PATH,
    args: ["--headless", ...CHROMIUM_ARGS],
  });
  try {
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(file).href;
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    page.on("request", (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: "load" });
    const marks = await page.$$eval("figure.plot", (figs) =>
      Object.fromEntries(
        figs.map((f) => [
          f.getAttribute("data-plot") ?? "",
          // Vega draws data bars as paths and rules as lines inside its `role-mark` groups (axes are other roles);
          // a zero-size bar draws nothing.
          [...f.querySelectorAll(".mark-rect.role-mark path, .mark-rule.role-mark line")].filter((el) => {
            const box = (el as unknown as { getBBox(): { width: number; height: number } }).getBBox();
            return el.tagName === "line" ? box.width > 0 || box.height > 0 : box.width > 0 && box.height > 0;
          }).length,
        ]),
      ),
    );
    const figures = await page.$$eval("[data-figure]", (els) =>
      Object.fromEntries(
        els.map((e) => [e.getAttribute("data-figure") ?? "", Number(e.getAttribute("data-value"))]),
      ),
    );
    // The removed-document samples are folded; open them for the picture.
    await page.$$eval("details", (ds) => {
      for (const d of ds) (d as unknown as { open: boolean }).open = true;
    });
    await page.screenshot({ path: screenshot, fullPage: true });
    return { consoleErrors, requests, marks, figures };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}
