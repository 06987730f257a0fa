import { unlink } from "node:fs/promises";
import { Catalog, readShard, verifyShards } from "@soro/core";
import { describe, expect, it } from "vitest";
import {
  explainDocument,
  judge,
  loadRules,
  REMOVED_STAGE,
  type RuleSet,
  runQualitySignals,
  runSelect,
  SELECT_STAGE,
} from "../src/index.js";
import { type Case, knownCases, seedNormalize, tempDir, texts } from "./helpers.js";

async function stageRows(catalog: Catalog, stage: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const shard of await catalog.activeShards([stage])) {
    for await (const batch of readShard(catalog.shardPath(shard))) rows.push(...batch);
  }
  return rows;
}

/** Checks that DuckDB's selection and the TypeScript evaluation of the same rules agree on every document. */
async function expectSqlAgreesWithTs(catalog: Catalog, rules: RuleSet): Promise<void> {
  const signals = await stageRows(catalog, "quality");
  const kept = new Set((await stageRows(catalog, SELECT_STAGE)).map((r) => r.id));
  const removed = new Map((await stageRows(catalog, REMOVED_STAGE)).map((r) => [r.id, r.removed_by]));
  expect(kept.size + removed.size).toBe(signals.length);
  for (const row of signals) {
    const ts = judge(rules, row).removedBy;
    expect({ id: row.id, sql: removed.get(row.id) ?? null }).toEqual({ id: row.id, sql: ts });
    expect(kept.has(row.id)).toBe(ts === null);
  }
}

describe("quality signals and selection over the catalog", () => {
  it("removes each known bad case by the rule meant for it and keeps the good ones", async () => {
    const dir = await tempDir();
    const byId = await seedNormalize(dir, await knownCases(), 5);
    const catalog = await Catalog.open(dir);
    try {
      const { summary, totals } = await runQualitySignals(catalog, undefined, {
        workers: 1,
        progress: "quiet",
      });
      expect(summary).toMatchObject({ docsIn: byId.size, docsOut: byId.size, quarantined: 0 });
      expect(totals).toMatchObject({ linesDroppedRus: 1, linesDroppedNav: 2, docsWithPii: 1 });
      expect(totals.pii).toEqual({ email: 1, phone: 1, ip: 0, id: 0 });
      const recorded = await catalog.rows("SELECT pii_phone, lines_dropped_nav FROM quality_signal_runs");
      expect(recorded).toEqual([{ pii_phone: 1, lines_dropped_nav: 2 }]);

      const rules = await loadRules();
      const sel = await runSelect(catalog, rules);
      const removed = await stageRows(catalog, REMOVED_STAGE);
      const kept = await stageRows(catalog, SELECT_STAGE);
      const fate = new Map<string, string | null>([
        ...kept.map((r): [string, null] => [byId.get(String(r.id))!.name, null]),
        ...removed.map((r): [string, string] => [byId.get(String(r.id))!.name, String(r.removed_by)]),
      ]);
      expect(Object.fromEntries(fate)).toEqual(
        Object.fromEntries([...byId.values()].map((c: Case) => [c.name, c.expect])),
      );
      // Cases built to break one thing only fail that one rule, even judged alone.
      for (const row of await stageRows(catalog, "quality")) {
        const c = byId.get(String(row.id))!;
        const failing = judge(rules, row)
          .rules.filter((r) => !r.pass)
          .map((r) => r.rule);
        if (["repeated-lines", "russian-tajik", "short-lines"].includes(c.name) || c.expect === null)
          expect(failing).toEqual(c.expect ? [c.expect] : []);
        else expect(failing).toContain(c.expect);
      }
      // The kept article lost its menu and Russian lines and its contact details.
      const cleaned = kept.find((r) => byId.get(String(r.id))!.name === "good-cleaned")!;
      expect(cleaned.text).toContain("<PHONE>");
      expect(cleaned.text).toContain("<EMAIL>");
      expect(String(cleaned.text)).not.toContain(" | ");
      expect(cleaned.text_original).toBe(byId.get(String(cleaned.id))!.text);
      expect((cleaned.q_dropped_lines as string[]).map((l) => l.slice(0, 4))).toEqual([
        "nav:",
        "rus:",
        "nav:",
      ]);

      // Per-rule statistics: alone and cumulative, in the summary, our table and core's rule_stats.
      expect(sel.docsIn).toBe(byId.size);
      expect(sel.docsKept).toBe(7);
      const nav = sel.rules.find((r) => r.rule === "navigation")!;
      expect(nav.removed.docs).toBe(1);
      const words = sel.rules.find((r) => r.rule === "word_stats")!;
      expect(words).toMatchObject({ removed: { docs: 0 } });
      expect(words.alone.docs).toBe(3);
      expect(words.alone.tokens).toBe(Math.round(words.alone.chars / 2.3));
      const core = await catalog.rows(
        `SELECT rule, sum(docs_removed)::INTEGER AS docs FROM rule_stats WHERE stage = 'select' GROUP BY rule ORDER BY rule`,
      );
      expect(core.map((r) => r.rule)).toEqual([
        "boilerplate",
        "language",
        "line_structure",
        "mixed_language",
        "navigation",
        "repetition",
      ]);
      await expectSqlAgreesWithTs(catalog, rules);

      // Explain agrees with the selection and names the failing condition.
      const menuId = [...byId].find(([, c]) => c.name === "menu-only")![0];
      const ex = await explainDocument(catalog, menuId, rules);
      expect(ex.removedBy).toBe("navigation");
      expect(ex.signals.q_nav_line_share).toBe(1);
      expect(ex.signals.text).toBeUndefined();
      expect(ex.rules.find((r) => r.rule === "navigation")!.conditions[0]!.pass).toBe(false);
      await expect(explainDocument(catalog, "0".repeat(32), rules)).rejects.toThrow(/no document/);
    } finally {
      catalog.close();
    }
  });

  it("re-runs only selection when a threshold changes, and resumes the same rules", async () => {
    const dir = await tempDir();
    await seedNormalize(dir, await knownCases(), 4);
    const catalog = await Catalog.open(dir);
    try {
      await runQualitySignals(catalog, undefined, { workers: 0, progress: "quiet" });
      const rules = await loadRules();
      const first = await runSelect(catalog, rules);
      expect(first.skipped).toBe(0);
      const again = await runSelect(catalog, rules);
      expect(again).toMatchObject({ skipped: first.inputs, docsKept: first.docsKept });
      expect(again.rules).toEqual(first.rules);
      // A deleted selection shard is rebuilt by the next run instead of being reported done.
      const [lost] = await catalog.activeShards([SELECT_STAGE]);
      await unlink(catalog.shardPath(lost!));
      const repaired = await runSelect(catalog, rules);
      expect(repaired.skipped).toBe(first.inputs - 1);
      expect(repaired.docsKept).toBe(first.docsKept);
      expect(await verifyShards(catalog)).toEqual([]);

      // Tighten one threshold: stopwords >= 40 now removes some good documents as well.
      const strict: RuleSet = structuredClone(rules);
      strict.rules
        .find((r) => r.name === "word_stats")!
        .all.find((c) => c.column === "q_stopwords")!.min = 40;
      const runsBefore = await catalog.rows(
        "SELECT count(*)::INTEGER AS n FROM stage_runs WHERE stage = 'quality'",
      );
      const tight = await runSelect(catalog, strict);
      expect(tight.configHash).not.toBe(first.configHash);
      expect(tight.skipped).toBe(0);
      expect(tight.docsKept).toBeLessThan(first.docsKept);
      expect(tight.rules.find((r) => r.rule === "word_stats")!.removed.docs).toBe(
        first.docsKept - tight.docsKept,
      );
      const runsAfter = await catalog.rows(
        "SELECT count(*)::INTEGER AS n FROM stage_runs WHERE stage = 'quality'",
      );
      expect(runsAfter).toEqual(runsBefore);
      expect((await stageRows(catalog, SELECT_STAGE)).length).toBe(tight.docsKept);
      await expectSqlAgreesWithTs(catalog, strict);

      // A rule on a column the shards lack is refused with the rule and column named.
      const bad: RuleSet = {
        ...rules,
        rules: [{ name: "toxicity", why: "test", all: [{ column: "toxicity_score", max: 0.5 }] }],
      };
      await expect(runSelect(catalog, bad)).rejects.toThrow(/rule toxicity reads column toxicity_score/);

      // Values that do not fit the column's type are a rules error naming the rule and column, not a DuckDB
      // conversion error quoting a document.
      for (const condition of [
        { column: "text", in: [1] },
        { column: "text", min: 3 },
        { column: "q_chars", in: ["many"] },
      ]) {
        const mistyped: RuleSet = { ...rules, rules: [{ name: "typed", why: "test", all: [condition] }] };
        const err = (await runSelect(catalog, mistyped).catch((e: unknown) => e)) as Error;
        expect(err.message).toMatch(new RegExp(`rules? typed is invalid: .*${condition.column} is`));
        expect(err.message).not.toMatch(/Conversion Error/);
        expect(err.message.split("\n")).toHaveLength(1);
      }
    } finally {
      catalog.close();
    }
  });

  it("agrees between SQL and TypeScript on varied real documents and sources", async () => {
    const { tg, ru, ui } = await texts();
    const sources = ["web", "pdf", "edu", "book"] as const;
    const cases: Case[] = Array.from({ length: 60 }, (_, k) => {
      const n = 1 + (k % 9);
      const parts = tg.slice(k % 40, (k % 40) + n);
      if (k % 5 === 0) parts.push(ru[k % ru.length]!);
      if (k % 7 === 0) parts.unshift(ui.slice(k % 30, (k % 30) + 4).join(" | "));
      if (k % 4 === 0) parts.push(parts[0]!);
      const text = k % 3 === 0 ? parts.join("\n").replace(/, /g, ",\n") : parts.join("\n\n");
      return {
        name: `v${k}`,
        text,
        source: sources[k % 4],
        langScore: 0.4 + (k % 7) * 0.1,
        expect: null,
      };
    });
    const dir = await tempDir();
    await seedNormalize(dir, cases, 20);
    const catalog = await Catalog.open(dir);
    try {
      await runQualitySignals(catalog, undefined, { workers: 0, progress: "quiet" });
      const rules = await loadRules();
      const sel = await runSelect(catalog, rules);
      expect(sel.docsKept).toBeGreaterThan(0);
      expect(sel.docsKept).toBeLessThan(60);
      await expectSqlAgreesWithTs(catalog, rules);
    } finally {
      catalog.close();
    }
  });
});
