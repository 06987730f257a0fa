import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { CHROMIUM_ARGS, CHROMIUM_PATH, SORO_BIN } from "@soro/core/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EDU_TASK,
  krippendorffAlpha,
  loadEduPassages,
  type RunningReviewServer,
  readEduRatings,
  startReviewServer,
} from "../src/index.js";
import { IMG_PROBE, PASSWORDS, qualityShard, reviewWorkspace, SCRIPT_PROBE } from "./review-fixtures.js";

// Page-side callbacks run in the browser; the repo compiles without DOM types, so name the two globals they use.
declare const document: {
  querySelector(s: string): { getAttribute(a: string): string | null; textContent: string | null } | null;
};
declare const window: { __soroPwned?: string };

const SHOTS = new URL("../out/", import.meta.url).pathname;
const ROOT = new URL("../../../", import.meta.url).pathname;

let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    // playwright starts Chromium headless with a fresh temporary profile (its own --user-data-dir) every launch.
    args: [...CHROMIUM_ARGS],
  });
});
afterAll(async () => {
  await browser?.close();
});

async function signIn(page: Page, url: string, name: keyof typeof PASSWORDS): Promise<void> {
  await page.goto(url);
  await page.fill("input[name=username]", name);
  await page.fill("input[name=password]", PASSWORDS[name]);
  await page.keyboard.press("Enter");
  await page.waitForSelector("section.sample[data-sample]");
}

const current = (page: Page) => page.getAttribute("section.sample", "data-sample");

async function nextLoaded(page: Page, previous: string | null): Promise<string> {
  await page.waitForFunction(
    (prev) => document.querySelector("section.sample")?.getAttribute("data-sample") !== prev,
    previous,
  );
  return (await current(page))!;
}

describe.skipIf(!existsSync(CHROMIUM_PATH))("review app in Chromium", () => {
  // The export at the end runs the CLI, which takes a while to start on a busy machine.
  it("reviews three samples by keyboard (accept, reject with a reason, edit) and the edit reaches the export", {
    timeout: 120_000,
  }, async () => {
    const { catalog, dir } = await reviewWorkspace(4);
    let server: RunningReviewServer | undefined = await startReviewServer({ catalog, overlap: 1 });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(server.url);
      await page.screenshot({ path: `${SHOTS}review-login.png` });
      await signIn(page, server.url, "rustam");
      await page.screenshot({ path: `${SHOTS}review-main.png` });
      const first = (await current(page))!;
      await page.keyboard.press("4");
      await page.keyboard.press("a");
      const second = await nextLoaded(page, first);
      await page.keyboard.press("r");
      await page.waitForSelector("#reasons");
      await page.screenshot({ path: `${SHOTS}review-reject-reasons.png` });
      await page.keyboard.press("2");
      const third = await nextLoaded(page, second);
      await page.keyboard.press("e");
      await page.waitForSelector(".turn.assistant textarea:focus");
      await page.keyboard.press("Control+End");
      await page.keyboard.type(" Илова аз муҳаррир.");
      await page.screenshot({ path: `${SHOTS}review-edit.png` });
      await page.keyboard.press("Control+Enter");
      await nextLoaded(page, third);
      // Back to the edited sample: the diff shows the addition.
      await page.keyboard.press("k");
      await page.waitForSelector(`section.sample[data-sample="${third}"] .diff .added`);
      expect(await page.textContent(".diff .added")).toContain("Илова аз муҳаррир.");
      await page.screenshot({ path: `${SHOTS}review-diff.png`, fullPage: true });

      const reviews = await server.serial.run((c) =>
        c.rows(
          "SELECT sample_id, decision, reason, rating, edited FROM sft_review_reviews WHERE username = 'rustam'",
        ),
      );
      const by = Object.fromEntries(reviews.map((r) => [r.sample_id, r]));
      expect(by[first]).toMatchObject({ decision: "accept", rating: 4, edited: false });
      expect(by[second]).toMatchObject({ decision: "reject", reason: "language_error" });
      expect(by[third]).toMatchObject({ decision: "accept", edited: true });
      await page.close();
      await server.close();
      server = undefined;
      catalog.close();
      // The export runs as the CLI does, once the server has let go of the catalog.
      const out = path.join(dir, "export");
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [SORO_BIN, "-w", dir, "sft", "export", "--format", "messages", "--out", out],
        { cwd: ROOT },
      );
      expect(stdout).toContain("2 accepted examples");
      const lines = (await readFile(path.join(out, "sft-messages.jsonl"), "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      const edited = lines.find((l) => l.id === third);
      expect(edited.messages[1].content.endsWith("Илова аз муҳаррир.")).toBe(true);
      expect(lines.map((l) => l.id)).not.toContain(second);
    } finally {
      await server?.close();
      try {
        catalog.close();
      } catch {
        // already closed before the export
      }
    }
  });

  it("shows markup in samples as text without running it, and two editors of one sample get a conflict losing nothing", async () => {
    const { catalog } = await reviewWorkspace(2);
    const server = await startReviewServer({ catalog, overlap: 2 });
    try {
      const rustam = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
      const parvina = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
      const dialogs: string[] = [];
      rustam.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await signIn(rustam, server.url, "rustam");
      await signIn(parvina, server.url, "parvina");
      const shared = (await current(rustam))!;
      expect(await current(parvina)).toBe(shared);

      for (const [probe, word] of [
        [IMG_PROBE, "onerror"],
        [SCRIPT_PROBE, "script"],
      ] as const) {
        await rustam.keyboard.press("/");
        await rustam.fill("#search", word);
        await rustam.keyboard.press("Enter");
        await rustam.click(`ul.items li button:has-text("${word}")`);
        // The probe shows up as the sample's literal text.
        await rustam.waitForFunction(
          (p) => document.querySelector(".turn.user .text")?.textContent?.includes(p),
          probe,
        );
        await rustam.screenshot({ path: `${SHOTS}review-markup-${word}.png` });
      }
      expect(await rustam.evaluate(() => window.__soroPwned)).toBeUndefined();
      expect(await rustam.locator("section.sample img, section.sample script").count()).toBe(0);
      expect(dialogs).toEqual([]);

      // Back to the shared sample in both browsers, both editing it.
      await rustam.fill("#search", "");
      await rustam.keyboard.press("Enter");
      await rustam.click(`text=${(await parvina.textContent(".turn.user .text"))!.slice(0, 30)}`);
      await rustam.waitForSelector(`section.sample[data-sample="${shared}"]`);
      for (const page of [rustam, parvina]) {
        await page.keyboard.press("Escape");
        await page.keyboard.press("e");
        await page.waitForSelector(".turn.assistant textarea:focus");
        await page.keyboard.press("Control+End");
      }
      await rustam.keyboard.type(" Рустам илова кард.");
      await parvina.keyboard.type(" Парвина илова кард.");
      await rustam.keyboard.press("Control+Enter");
      await nextLoaded(rustam, shared);
      await parvina.keyboard.press("Control+Enter");
      await parvina.waitForSelector("#conflict");
      await parvina.screenshot({ path: `${SHOTS}review-conflict.png`, fullPage: true });
      // Her unsaved text is still in the editor; his saved text is shown beside it.
      expect(await parvina.inputValue(".turn.assistant textarea")).toMatch(/Парвина илова кард\.$/);
      expect(await parvina.textContent("#their-version")).toContain("Рустам илова кард.");
      const stored = async () =>
        JSON.parse(
          String(
            (
              await server.serial.run((c) =>
                c.rows("SELECT messages FROM sft_samples WHERE sample_id = $1", [shared]),
              )
            )[0]!.messages,
          ),
        )[1].content as string;
      expect(await stored()).toMatch(/Рустам илова кард\.$/);
      // She merges: his version plus her sentence, saved against the new version.
      await parvina.click("#conflict button");
      const merged = `${(await stored()).trimEnd()} Парвина илова кард.`;
      await parvina.fill(".turn.assistant textarea", merged);
      await parvina.keyboard.press("Control+Enter");
      await parvina.waitForSelector("#conflict", { state: "detached" });
      await parvina.waitForFunction(() => !document.querySelector(".turn textarea"));
      expect(await stored()).toBe(merged);
      const actions = await server.serial.run((c) =>
        c.rows(
          "SELECT username, action FROM sft_review_audit WHERE sample_id = $1 AND action IN ('edit', 'conflict') ORDER BY audit_id",
          [shared],
        ),
      );
      expect(actions).toEqual([
        { username: "rustam", action: "edit" },
        { username: "parvina", action: "conflict" },
        { username: "parvina", action: "edit" },
      ]);
    } finally {
      await server.close();
      catalog.close();
    }
  });

  it("rates passages loaded from shards with keys 0–5 as two annotators; agreement and readEduRatings follow", async () => {
    const { catalog } = await reviewWorkspace(1);
    await qualityShard(catalog, 3);
    expect((await loadEduPassages(catalog, { n: 4 })).added).toBe(4);
    const server = await startReviewServer({ catalog, overlap: 2 });
    try {
      // Textbook-like UDHR articles rate high, interface strings low; the two annotators differ by one point.
      const plan = { rustam: { udhr: 4, lo: 0 }, parvina: { udhr: 5, lo: 1 } } as const;
      for (const name of ["rustam", "parvina"] as const) {
        const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
        await signIn(page, server.url, name);
        await page.selectOption("select[name=task]", EDU_TASK);
        const sft = await current(page);
        await page.keyboard.press("n");
        let id: string | null = await nextLoaded(page, sft);
        for (let rated = 0; id; rated++) {
          expect(rated).toBeLessThan(4);
          const doc = (await page.getAttribute("section.passage", "data-doc"))!;
          expect(await page.textContent("section.passage .passage-text .text")).not.toBe("");
          if (name === "rustam" && rated === 0) {
            await page.waitForSelector("#guidelines .gloss");
            await page.screenshot({ path: `${SHOTS}review-edu-rate.png` });
          }
          await page.keyboard.press(String(plan[name][doc.startsWith("udhr") ? "udhr" : "lo"]));
          id = (await nextLoaded(page, id).catch(() => null)) ?? null;
          if (await page.locator("section.sample .empty").count()) break;
        }
        await page.close();
      }
      const lead = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
      await signIn(lead, server.url, "dilnoza");
      await lead.click("button[data-tab=agreement]");
      await lead.waitForSelector(`#agreement tr[data-task="${EDU_TASK}"]`);
      await lead.screenshot({ path: `${SHOTS}review-edu-agreement.png`, fullPage: true });
      const cells = await lead.locator(`#agreement tr[data-task="${EDU_TASK}"] td`).allTextContents();
      const units = [
        [4, 5],
        [4, 5],
        [0, 1],
        [0, 1],
      ];
      // Samples with two reviews, reviews, α of decisions (all accept), α of ratings (interval).
      expect(cells.slice(1, 3)).toEqual(["4", "8"]);
      expect(cells[4]).toBe(krippendorffAlpha(units, "interval").toFixed(3));
      const ratings = await readEduRatings(catalog);
      expect(ratings.map((r) => [r.doc_id.split("-")[0], r.mean, r.n]).sort()).toEqual([
        ["lo", 0.5, 2],
        ["lo", 0.5, 2],
        ["udhr", 4.5, 2],
        ["udhr", 4.5, 2],
      ]);
    } finally {
      await server.close();
      catalog.close();
    }
  });
});
