/**
 * The educational-value classifier on held-out passages only (whole UDHR sections, the last fifth of the
 * Presidential Addresses, dictionary blocks, LibreOffice modules and word forms the shipped model never saw):
 * accuracy of the rounded band, MAE and Spearman against the weak labels, beside two trivial peers fitted on the
 * training split in the same run (the majority band; a least-squares line on length alone), and its speed against
 * the signals stage's own per-document work on the same passages. `--edu-labels FILE.jsonl` (lines
 * `{"text", "score"}`) and `--edu-ws DIR` (the accepted ratings of a workspace's review app: annotator means) add
 * the same table against those labels.
 * Run: node --import tsx packages/quality/bench/edu.bench.ts [--edu-labels FILE.jsonl] [--edu-ws DIR]
 */
import path from "node:path";
import { workspacePaths } from "@soro/core";
import { identifyLines } from "@soro/normalize";
import { readEduRatings } from "@soro/sft-builder";
import {
  analyzeText,
  type EduMetrics,
  eduMetrics,
  eduScore,
  fitLengthBaseline,
  hasReferenceText,
  majorityBand,
  readLabelsFile,
  shippedEduModel,
  weakLabels,
} from "../src/index.js";

const fmt = (m: EduMetrics) =>
  `accuracy ${m.accuracy.toFixed(3)}  MAE ${m.mae.toFixed(3)}  Spearman ${m.spearman.toFixed(3)}`;

/** Scores of the model and both peers on labelled texts, printed as one table. */
function compare(
  title: string,
  texts: string[],
  labels: number[],
  peers: { majority: number; length: (t: string) => number },
) {
  const model = shippedEduModel();
  const row = (name: string, scores: number[]) =>
    console.log(`  ${name.padEnd(26)} ${fmt(eduMetrics(scores, labels))}`);
  console.log(`${title} (${texts.length} passages)`);
  row(
    `edu model ${model.version}`,
    texts.map((t) => eduScore(model, t)),
  );
  row(
    `majority band (${peers.majority})`,
    texts.map(() => peers.majority),
  );
  row("length only", texts.map(peers.length));
}

/** CPU seconds of one call over every text (after a warm-up pass over a few). */
function cpuSeconds(texts: string[], f: (t: string, k: number) => unknown): number {
  for (const [k, t] of texts.slice(0, 50).entries()) f(t, k);
  const c0 = process.cpuUsage();
  for (const [k, t] of texts.entries()) f(t, k);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

export async function benchEdu(labelsFile?: string, workspace?: string): Promise<void> {
  if (!hasReferenceText())
    console.log("edu: ../shared/tajik-text is absent: held-out prose is UDHR only (set SORO_TAJIK_TEXT)");
  const train = await weakLabels("train");
  const test = await weakLabels("test");
  const peers = {
    majority: majorityBand(train.map((d) => d.score)),
    length: fitLengthBaseline(
      train.map((d) => d.text),
      train.map((d) => d.score),
    ),
  };
  const texts = test.map((d) => d.text);
  compare(
    "edu held-out weak labels",
    texts,
    test.map((d) => d.score),
    peers,
  );
  const model = shippedEduModel();
  const bySource = new Map<string, number[]>();
  for (const d of test) bySource.set(d.source, [...(bySource.get(d.source) ?? []), eduScore(model, d.text)]);
  console.log(
    `  mean edu_score by source: ${[...bySource]
      .map(([s, v]) => `${s} ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(2)} (${v.length})`)
      .join(", ")}`,
  );
  if (labelsFile) {
    const { ratings, rejected } = await readLabelsFile(labelsFile);
    if (rejected.length)
      console.log(
        `  ${rejected.length} lines of ${labelsFile} left out (first: ${rejected[0]!.where}: ${rejected[0]!.reason})`,
      );
    compare(
      `edu against ${labelsFile}`,
      ratings.map((r) => r.text),
      ratings.map((r) => r.mean),
      peers,
    );
  }
  if (workspace) {
    const ratings = await readEduRatings(workspacePaths(path.resolve(workspace)));
    if (ratings.length === 0) console.log(`edu: no accepted ratings in ${workspace} yet`);
    else
      compare(
        `edu against annotator means of ${workspace}`,
        ratings.map((r) => r.text),
        ratings.map((r) => r.mean),
        peers,
      );
  }
  // Speed: the same passages through edu_score alone and through the whole signals stage (which includes it).
  const corpus = [...texts, ...texts, ...texts];
  const mb = corpus.reduce((n, t) => n + Buffer.byteLength(t), 0) / 2 ** 20;
  const labels = corpus.map((t) => identifyLines(t, "tgk"));
  const edu = cpuSeconds(corpus, (t) => eduScore(model, t));
  const stage = cpuSeconds(corpus, (t, k) => analyzeText(t, labels[k]));
  console.log(
    `edu speed: ${(corpus.length / edu).toFixed(0)} docs/s, ${(mb / edu).toFixed(2)} MB/s per core of CPU time; ` +
      `the signals stage with it: ${(corpus.length / stage).toFixed(0)} docs/s (edu_score is ${((100 * edu) / stage).toFixed(0)}% of its CPU time)`,
  );
}

/** The value of `--name V` or `--name=V` on the command line. */
function arg(name: string): string | undefined {
  const i = process.argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const a = process.argv[i]!;
  return a.includes("=") ? a.slice(a.indexOf("=") + 1) : process.argv[i + 1];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchEdu(arg("--edu-labels"), arg("--edu-ws"));
}
