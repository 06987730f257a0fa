import { CHARS_PER_TOKEN, humanCount } from "@soro/core";
import type { TopLevelSpec } from "vega-lite";
import { barSpec, COLORS, columnSpec, histogramSpec, renderSvg, waterfallSpec } from "./charts.js";
import type { Histogram } from "./corpus.js";
import type { CorpusFigures } from "./figures.js";
import type { Waterfall } from "./pipeline.js";

/** Escapes text for HTML. */
export function esc(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const pct = (part: number, whole: number): string =>
  whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "–";

/** A number cell carrying its exact value and a name, so tests and scripts can read the figure back. */
function fig(name: string, value: number, shown = humanCount(value)): string {
  return `<span data-figure="${esc(name)}" data-value="${value}" title="${value.toLocaleString("en")}">${esc(shown)}</span>`;
}

async function plot(name: string, spec: TopLevelSpec): Promise<string> {
  return `<figure class="plot" data-plot="${esc(name)}">${await renderSvg(spec)}</figure>`;
}

function table(head: string[], rows: string[][], cls = ""): string {
  if (rows.length === 0) return "";
  const th = head.map((h) => `<th>${esc(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n");
  return `<table class="${cls}"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

function absent(text: string): string {
  return `<p class="absent">${esc(text)}</p>`;
}

function section(id: string, title: string, intro: string, body: string): string {
  return `<section id="${id}"><h2>${esc(title)}</h2><p class="intro">${intro}</p>${body}</section>`;
}

/** The waterfall as rows of floating bars: a level bar after each stage, a removal bar per rule. */
function waterfallRows(w: Waterfall, unit: "docs" | "tokens") {
  const rows = [{ label: "raw", from: 0, to: w.start[unit], kind: "level", amount: w.start[unit] }];
  let level = w.start[unit];
  for (const l of w.levels) {
    for (const s of w.steps.filter((x) => x.stage === l.label && x[unit] !== 0)) {
      rows.push({
        label: `${l.label} · ${s.rule}`,
        from: level - s[unit],
        to: level,
        kind: s.kind,
        amount: s[unit],
      });
      level -= s[unit];
    }
    rows.push({ label: `after ${l.label}`, from: 0, to: l[unit], kind: "level", amount: l[unit] });
    level = l[unit];
  }
  return rows;
}

function histogramPlots(hs: Histogram[], prefix: string): Promise<string[]> {
  return Promise.all(
    hs.map((h) =>
      plot(
        `${prefix}-${h.column}`,
        histogramSpec({
          title: h.rule ? `${h.column}  (rule ${h.rule})` : h.column,
          bins: h.bins,
          thresholds: h.thresholds,
          log: h.log,
        }),
      ),
    ),
  );
}

async function overview(f: CorpusFigures): Promise<string> {
  const w = f.waterfall;
  const fin = f.final;
  const quarantined = f.quarantine.reduce((n, q) => n + q.count, 0);
  const cards = [
    ["raw documents", fig("raw-docs", w.start.docs)],
    [
      "final documents",
      `${fig("final-docs", fin?.docs ?? 0)} <small>${pct(fin?.docs ?? 0, w.start.docs)} kept</small>`,
    ],
    ["raw tokens (est.)", fig("raw-tokens", w.start.tokens)],
    [
      fin?.tokensCounted ? "final tokens (counted)" : "final tokens (est.)",
      `${fig("final-tokens", fin?.tokens ?? 0)} <small>${pct(fin?.chars ?? 0, w.start.chars)} of characters</small>`,
    ],
    ["quarantined inputs", fig("quarantined", quarantined)],
  ];
  const stageRows = f.stages.map((s) => [
    esc(s.stage) + (s.stage === fin?.stage ? ' <span class="tag">final</span>' : ""),
    fig(`stage:${s.stage}:shards`, s.shards, String(s.shards)),
    fig(`stage:${s.stage}:docs`, s.docs),
    fig(`stage:${s.stage}:chars`, s.chars),
    fig(`stage:${s.stage}:bytes`, s.bytes, `${(s.bytes / 1e6).toFixed(2)} MB`),
    `${fig(`stage:${s.stage}:tokens`, s.tokens)}${s.tokensCounted ? "" : " <small>est.</small>"}`,
    `<code>${esc(s.configs.map((c) => c.slice(0, 12)).join(" "))}</code>`,
  ]);
  return `<div class="cards">${cards.map(([k, v]) => `<div class="card"><div class="k">${esc(k)}</div><div class="v">${v}</div></div>`).join("")}</div>
  ${table(["stage", "shards", "docs", "chars", "size", "tokens", "config"], stageRows, "num")}`;
}

async function waterfallSection(f: CorpusFigures): Promise<string> {
  const w = f.waterfall;
  if (w.levels.length === 0) return absent("Only source stages have run: there is no waterfall yet.");
  const plots = [
    await plot(
      "waterfall-docs",
      waterfallSpec({ title: "Documents", rows: waterfallRows(w, "docs"), xTitle: "documents" }),
    ),
    await plot(
      "waterfall-tokens",
      waterfallSpec({
        title: `Tokens (estimated, ${CHARS_PER_TOKEN} chars/token)`,
        rows: waterfallRows(w, "tokens"),
        xTitle: "tokens",
      }),
    ),
  ];
  const rows = w.steps.map((s, i) => [
    esc(s.stage),
    esc(s.rule),
    esc(s.kind),
    fig(`step:${i}:docs`, s.docs),
    fig(`step:${i}:chars`, s.chars),
    pct(s.chars, w.start.chars),
  ]);
  return `<div class="grid2">${plots.join("")}</div>
  <details><summary>every step</summary>${table(["stage", "rule", "kind", "docs", "chars", "of raw chars"], rows, "num")}</details>`;
}

async function sourcesSection(f: CorpusFigures): Promise<string> {
  if (f.sources.length === 0) return absent("No documents yet.");
  const docs = f.sources.flatMap((s) => [
    { key: s.key, value: s.rawDocs, series: "raw" },
    { key: s.key, value: s.docs, series: "final" },
  ]);
  const toks = f.sources.map((s) => ({ key: s.key, value: s.tokens }));
  const rows = f.sources.map((s) => [
    esc(s.key),
    fig(`source:${s.key}:raw-docs`, s.rawDocs),
    fig(`source:${s.key}:docs`, s.docs),
    pct(s.docs, s.rawDocs),
    fig(`source:${s.key}:tokens`, s.tokens),
  ]);
  return `<div class="grid2">
    ${await plot("sources-docs", barSpec({ title: "Documents by source", rows: docs, xTitle: "documents", colors: { raw: COLORS.raw, final: COLORS.kept } }))}
    ${await plot("sources-tokens", barSpec({ title: "Final tokens by source (est.)", rows: toks, xTitle: "tokens" }))}
  </div>${table(["source", "raw docs", "final docs", "kept", "final tokens (est.)"], rows, "num")}`;
}

function licencesSection(f: CorpusFigures): string {
  if (f.licences.length === 0) return absent("No documents yet.");
  const rows = f.licences.map((l) => [
    esc(l.key),
    fig(`licence:${l.key}:raw-docs`, l.rawDocs),
    fig(`licence:${l.key}:docs`, l.docs),
    fig(`licence:${l.key}:tokens`, l.tokens),
  ]);
  const takedowns = f.takedowns.map((t) => [
    esc(t.requested_at),
    esc(`${t.kind} ${t.value}`),
    esc(t.requested_by),
    esc(t.reason ?? ""),
    String(t.docs_removed ?? ""),
  ]);
  return `${table(["licence", "raw docs", "final docs", "final tokens (est.)"], rows, "num")}
  <h3>Takedowns</h3>${takedowns.length ? table(["when (UTC)", "what", "requested by", "reason", "documents"], takedowns) : "<p>None.</p>"}`;
}

async function languageSection(f: CorpusFigures): Promise<string> {
  const l = f.language;
  if (!l) return absent("The normalize stage has not run: no language or script columns yet.");
  const kr = (rows: Array<{ key: string; docs: number; kept: number }>) =>
    rows.flatMap((r) => [
      { key: r.key, value: r.kept, series: "kept" },
      { key: r.key, value: r.docs - r.kept, series: "removed" },
    ]);
  const colors = { kept: COLORS.kept, removed: COLORS.removed };
  const parts = [
    await plot(
      "script",
      barSpec({
        title: "Script of the original text",
        rows: kr(l.script),
        xTitle: "documents",
        colors,
        stack: true,
      }),
    ),
    await plot(
      "encoding",
      barSpec({
        title: "Repair applied by normalize",
        rows: kr(l.encoding),
        xTitle: "documents",
        colors,
        stack: true,
      }),
    ),
    await plot(
      "lang",
      barSpec({
        title: "Language after normalisation",
        rows: kr(l.lang),
        xTitle: "documents",
        colors,
        stack: true,
      }),
    ),
  ];
  if (l.langScore) parts.push(...(await histogramPlots([{ ...l.langScore, column: "lang_score" }], "hist")));
  const rows = l.lang.map((r) => [
    esc(r.key),
    fig(`lang:${r.key}:docs`, r.docs),
    fig(`lang:${r.key}:kept`, r.kept),
  ]);
  const converted = l.converted.length
    ? table(
        ["converted to Tajik from", "docs after normalize", "in final", "est. tokens in final"],
        l.converted.map((r) => [
          esc(r.key === "arab" ? "Persian script" : r.key === "latn" ? "Latin script" : r.key),
          fig(`converted:${r.key}:docs`, r.docs),
          fig(`converted:${r.key}:kept`, r.kept),
          fig(`converted:${r.key}:tokens`, r.tokens),
        ]),
        "num",
      )
    : "<p>No document was converted to Tajik from another script.</p>";
  return `<div class="grid2">${parts.join("")}</div>${table(["language", "docs after normalize", "in final"], rows, "num")}${converted}`;
}

async function signalsSection(f: CorpusFigures): Promise<string> {
  const h = f.histograms;
  if (!h.length) return absent("No text stage after the sources yet: no length or quality signals.");
  const length = await histogramPlots([h.length], "length");
  const signals = await histogramPlots(h.signals, "hist");
  const note = f.rules
    ? `Thresholds (dashed) are the default conditions of rule set <code>${esc(f.rules.name)}</code> (${esc(f.rules.configHash.slice(0, 12))}); per-source overrides are in the rules file.`
    : "No selection has run: no thresholds to draw.";
  return `<p class="note">${note} Measured on the <code>${esc(h.stage)}</code> stage; colours show whether a document reached the final corpus.</p>
  <div class="grid-wide">${length.join("")}</div>
  ${signals.length ? `<div class="grid3">${signals.join("")}</div>` : absent("The quality stage has not run: no signal columns.")}`;
}

async function dedupSection(f: CorpusFigures): Promise<string> {
  const d = f.dedup;
  if (!d) return absent("Dedup has not run: no dedup_clusters table or no dedup output.");
  const rows = d.members.map((m) => [esc(m.rule), fig(`dedup:${m.rule}`, m.docs)]);
  const sizes = d.sizes.length
    ? await plot(
        "dedup-sizes",
        columnSpec({
          title: "Duplicate clusters by size",
          rows: d.sizes.map((s) => ({ key: String(s.size), value: s.clusters })),
          xTitle: "documents in the cluster",
          yTitle: "clusters",
        }),
      )
    : absent("No duplicate clusters found.");
  return `<div class="grid2">${sizes}<div>
    <p>${fig("dedup-clusters", d.clusters)} clusters holding ${fig("dedup-docs", d.docsInClusters)} documents;
    ${fig("dedup-lines", d.repeatedLines)} repeated lines cut.</p>
    ${table(["member verdict", "documents"], rows, "num")}</div></div>`;
}

async function hostsSection(f: CorpusFigures): Promise<string> {
  if (f.hosts.length === 0) return absent("No documents with a URL.");
  const rows = f.hosts.flatMap((h) => [
    { key: h.key, value: h.rawDocs, series: "raw" },
    { key: h.key, value: h.docs, series: "final" },
  ]);
  const toks = f.hosts.map((h) => ({ key: h.key, value: h.tokens }));
  return `<div class="grid2">
    ${await plot("hosts-tokens", barSpec({ title: "Final tokens by host (est.)", rows: toks, xTitle: "tokens" }))}
    ${await plot("hosts-docs", barSpec({ title: "Documents by host", rows, xTitle: "documents", colors: { raw: COLORS.raw, final: COLORS.kept } }))}
  </div>`;
}

async function crawlSection(f: CorpusFigures): Promise<string> {
  const c = f.crawl;
  if (!c) return absent("No crawl in this workspace (no crawl_fetches table).");
  if (c.fetches === 0) return absent("The crawl has fetched nothing yet.");
  const g = (rows: Array<{ key: string; fetches: number }>) =>
    rows.map((r) => ({ key: r.key, value: r.fetches }));
  const errors = c.errors.map((e) => [esc(e.key), fig(`crawl-error:${e.key}`, e.fetches)]);
  return `<p>${fig("crawl-fetches", c.fetches)} fetches from ${fig("crawl-hosts", c.hosts)} hosts, ${fig("crawl-bytes", c.bytes, `${humanCount(c.bytes)}B`)}.</p>
  <div class="grid2">
    ${await plot("crawl-status", barSpec({ title: "HTTP status", rows: g(c.statuses), xTitle: "fetches" }))}
    ${await plot("crawl-outcome", barSpec({ title: "What the crawler did", rows: g(c.outcomes), xTitle: "fetches" }))}
    ${await plot("crawl-bytes", barSpec({ title: "Bytes by host", rows: c.topHosts.map((h) => ({ key: h.key, value: h.bytes })), xTitle: "bytes" }))}
    ${c.frontier.length ? await plot("crawl-frontier", barSpec({ title: "Frontier", rows: g(c.frontier), xTitle: "URLs" })) : ""}
  </div>${errors.length ? `<h3>Most frequent errors</h3>${table(["error", "fetches"], errors)}` : ""}`;
}

async function sftSection(f: CorpusFigures): Promise<string> {
  const s = f.sft;
  if (!s) return absent("No SFT samples yet (no sft_samples table).");
  if (s.samples === 0) return absent("The sft_samples table is empty.");
  const review = s.review
    ? s.review.agreement === null
      ? `<p>${fig("sft-reviews", s.review.reviews)} reviews in <code>${esc(s.review.table)}</code>; no sample has two reviewers yet.</p>`
      : `<p>${fig("sft-reviews", s.review.reviews)} reviews; ${fig("sft-twice", s.review.samplesReviewedTwice)} samples reviewed twice, reviewers agree on ${fig("sft-agreement", Math.round(1000 * s.review.agreement) / 10, `${(100 * s.review.agreement).toFixed(1)}%`)}.</p>`
    : absent("No review table yet: reviewer agreement appears once the review app records reviews.");
  return `<div class="grid2">${await plot("sft-status", barSpec({ title: "SFT samples by status", rows: s.statuses.map((r) => ({ key: r.key, value: r.samples })), xTitle: "samples" }))}<div><p>${fig("sft-samples", s.samples)} samples.</p>${review}</div></div>`;
}

async function teachingSection(f: CorpusFigures): Promise<string> {
  const t = f.teaching;
  if (!t)
    return absent("The quality stage has not run: no reading grade, educational value or safety columns.");
  const plots: string[] = [];
  if (t.edu) plots.push(...(await histogramPlots([t.edu], "teach")));
  else plots.push(absent("No edu_score column in the quality stage yet."));
  if (t.grade) plots.push(...(await histogramPlots([t.grade], "teach")));
  const sources = [...new Set(t.gradeBySource.map((r) => r.source))];
  const gradeRows = sources.map((src) => [
    esc(src),
    ...Array.from({ length: 12 }, (_, k) =>
      fig(
        `grade:${src}:${k + 1}`,
        t.gradeBySource.find((r) => r.source === src && r.grade === k + 1)?.docs ?? 0,
      ),
    ),
  ]);
  const heads = ["source", ...Array.from({ length: 12 }, (_, k) => String(k + 1))];
  return `<div class="grid2">${plots.join("")}</div>
  ${gradeRows.length ? `<h3>Final documents by estimated reading grade</h3>${table(heads, gradeRows, "num")}<p class="note">The grade is fitted on registers of real Tajik text, not on graded curriculum (see packages/quality/data/reading-grade.json); read it as an order, and refit when graded text is available.</p>` : ""}`;
}

async function safetySection(f: CorpusFigures): Promise<string> {
  const s = f.teaching?.safety;
  if (!s) return absent("No safety columns in the quality stage yet.");
  const rows = [...s.counts, s.hosts].map((c) => [
    esc(c.category),
    fig(`safety:${c.category}:review`, c.review),
    fig(`safety:${c.category}:high`, c.high),
    fig(`safety:${c.category}:kept`, c.kept),
  ]);
  const samples = s.samples.length
    ? s.samples
        .map(
          (
            x,
          ) => `<div class="sample"><div class="meta"><b>${esc(x.category)}</b> ${x.score.toFixed(2)} · <code>${esc(x.id.slice(0, 16))}</code> ${esc(x.source)} ${x.host ? `<span class="where">${esc(x.host)}</span>` : ""}</div>
          <div class="detail">${esc(x.terms.map((t) => t.replace(/^[a-z]+:/, "").replace(/^(.)[^×]*/u, "$1…")).join(", "))}</div><pre class="blur">${esc(x.excerpt)}</pre></div>`,
        )
        .join("")
    : absent("No document scores 0.5 or more in any category.");
  return `${table(["category", "score ≥ 0.5", "score > 0.9 (dropped by default)", "≥ 0.5 and in final"], rows, "num")}
  <h3>Highest-scoring documents (clipped, terms masked, blurred until hovered)</h3>${samples}`;
}

async function tokensSection(f: CorpusFigures): Promise<string> {
  const t = f.tokens;
  if (!t) return absent("No final stage yet: nothing to count.");
  const fert = t.fertility.map((r) => [
    esc(r.lang),
    esc(r.source === "*" ? "all" : r.source),
    fig(`fertility:${r.lang}:${r.source}:lines`, r.lines),
    fig(`fertility:${r.lang}:${r.source}:tpw`, r.tokensPerWord, r.tokensPerWord.toFixed(2)),
    fig(`fertility:${r.lang}:${r.source}:cpt`, r.charsPerToken, r.charsPerToken.toFixed(2)),
  ]);
  const src = t.sources.map((r) => [
    esc(r.source),
    fig(`tokens:${r.source}:docs`, r.docs),
    fig(`tokens:${r.source}:tokens`, r.tokens),
    fig(`tokens:${r.source}:tpw`, r.tokensPerWord, r.tokensPerWord.toFixed(2)),
    fig(`tokens:${r.source}:cpt`, r.charsPerToken, r.charsPerToken.toFixed(2)),
    fig(`tokens:${r.source}:tpd`, r.tokensPerDoc, r.tokensPerDoc.toFixed(0)),
    fig(`tokens:${r.source}:docs-at-mix`, r.docsAtMix),
    fig(`tokens:${r.source}:docs-alone`, r.docsAlone),
  ]);
  return `${fert.length ? `<h3>Gemma 3 fertility by language (sampled lines normalize labelled)</h3>${table(["language", "source", "lines", "tokens/word", "chars/token"], fert, "num")}` : absent("No fertility sample yet: run soro bridge count.")}
  <h3>The ${humanCount(t.goal)}-token goal in documents per source${t.counted ? "" : " (tokens partly estimated at 2.3 chars/token)"}</h3>
  ${table(["source", "final docs", "tokens", "tokens/word", "chars/token", "tokens/doc", "docs for the goal at this mix", "docs if this source alone"], src, "num")}`;
}

function overlapSection(f: CorpusFigures): string {
  const o = f.overlap;
  if (!o) return absent("No overlap measured yet: run soro sft overlap.");
  const rows = o.parts.map((p) => [
    esc(p.part),
    fig(`overlap:${p.part}:samples`, p.samples),
    `${fig(`overlap:${p.part}:hit`, p.samplesHit)} <small>${pct(p.samplesHit, p.samples)}</small>`,
    `${fig(`overlap:${p.part}:ngrams-hit`, p.ngramsHit)} <small>${pct(p.ngramsHit, p.ngrams)} of ${humanCount(p.ngrams)}</small>`,
  ]);
  return `<p class="note">Word ${o.ngram}-grams of the SFT samples (folded as dedup folds them) found in the <code>${esc(o.stage)}</code> shards. Extractive samples quote their seed passages, so their answers overlap by design; a trainer may drop overlapping samples or documents.</p>
  ${table(["part", "samples", "samples sharing an n-gram", "n-grams found"], rows, "num")}`;
}

function samplesSection(f: CorpusFigures): string {
  if (f.samples.length === 0) return absent("No removal rules with removed documents to show.");
  return f.samples
    .map((r) => {
      const items = r.samples.length
        ? r.samples
            .map(
              (
                s,
              ) => `<div class="sample"><div class="meta"><code>${esc(s.id.slice(0, 16))}</code> ${esc(s.source)} ${s.where ? `<span class="where">${esc(s.where)}</span>` : ""}</div>
          <div class="detail">${esc(s.detail)}</div><pre${s.unsafe ? ' class="blur"' : ""}>${esc(s.text)}</pre></div>`,
            )
            .join("")
        : absent("This rule removed no document.");
      return `<details class="rule"><summary><b>${esc(r.stage)} · ${esc(r.rule)}</b> <small>${r.samples.length} shown</small></summary><p class="why">${esc(r.why)}</p>${items}</details>`;
    })
    .join("\n");
}

function provenanceSection(f: CorpusFigures): string {
  const runs = f.configs.map((c) => [
    esc(c.stage),
    String(c.runId),
    `<code>${esc(c.configHash)}</code>`,
    esc(c.finishedAt ?? ""),
  ]);
  const q = f.quarantine.map((r) => [
    esc(r.stage),
    esc(r.reason),
    fig(`quarantine:${r.stage}:${r.reason}`, r.count),
  ]);
  return `${table(["stage", "run", "config hash", "finished"], runs)}
  ${q.length ? `<h3>Quarantined inputs</h3>${table(["stage", "reason", "inputs"], q)}` : ""}`;
}

const STYLE = `
body{font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;margin:0;background:#f6f7f9}
header{background:#1f2d3d;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#c9d3df}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid #e3e6ea;padding:8px 32px;z-index:1;font-size:13px}
nav a{margin-right:14px;color:#35608f;text-decoration:none}
main{max-width:1240px;margin:0 auto;padding:8px 32px 48px}
section{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:16px 22px;margin:18px 0}
h2{margin:0 0 4px;font-size:18px}h3{font-size:14px;margin:16px 0 6px}.intro{color:#555;margin:0 0 12px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:14px}
.card{flex:1 1 170px;border:1px solid #e3e6ea;border-radius:8px;padding:10px 14px;background:#fbfcfd}
.card .k{color:#666;font-size:12px;text-transform:uppercase;letter-spacing:.04em}.card .v{font-size:24px;font-weight:600}
.card small{font-size:12px;color:#666;font-weight:400;display:block}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:12px;align-items:start}
.grid3{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:8px}
figure.plot{margin:0;overflow-x:auto}figure.plot svg{max-width:100%;height:auto}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}
th{background:#f3f5f7;font-weight:600}table.num td:not(:first-child){text-align:right;font-variant-numeric:tabular-nums}
.absent{color:#8a6d3b;background:#fcf8e3;border:1px solid #faebcc;border-radius:6px;padding:8px 12px}
.note{color:#555;font-size:13px}.tag{background:#54a24b;color:#fff;border-radius:4px;padding:0 6px;font-size:11px}
details.rule{border-top:1px solid #eee;padding:6px 0}details.rule summary{cursor:pointer}.why{color:#555;font-size:13px}
.sample{border-left:3px solid ${COLORS.removed};padding:4px 10px;margin:8px 0;background:#fdf7f7}
.sample pre{white-space:pre-wrap;margin:4px 0 0;font-size:12.5px;max-height:9em;overflow:auto}
.sample .detail{font:12px ui-monospace,monospace;color:#7a2f2f}
.blur{filter:blur(3px)}.blur:hover{filter:none}.sample .where{color:#35608f}
code{font-size:12px}small{color:#666}`;

/** Renders the whole report: one HTML file with its plots as inline SVG, no script and no network at view time. */
export async function renderReport(f: CorpusFigures): Promise<string> {
  const sections: Array<[string, string, string, string]> = [
    [
      "overview",
      "Overview",
      "What each stage holds now (active shards). Tokens are Gemma 3 counts where the trainer bridge counted them, otherwise estimated at 2.3 characters per token.",
      await overview(f),
    ],
    [
      "waterfall",
      "Waterfall",
      "From the raw documents to the final corpus, stage by stage and rule by rule (each document is counted under the first rule that removed it).",
      await waterfallSection(f),
    ],
    ["sources", "Source mix", "Where the documents come from, raw and final.", await sourcesSection(f)],
    [
      "licences",
      "Licences",
      "The licence each document declared (SPDX ids; `unknown` where nothing declared one), raw and final, and the documents taken down on request.",
      licencesSection(f),
    ],
    [
      "language",
      "Language and script",
      "Script of the text as it arrived, the repair normalize applied, and the language after normalisation, split by whether the document reached the final corpus.",
      await languageSection(f),
    ],
    [
      "signals",
      "Length and quality signals",
      "Distributions of the signals the selection rules read.",
      await signalsSection(f),
    ],
    [
      "teaching",
      "Educational value and reading level",
      "The edu_score and the estimated reading grade of every document after the quality signals, split by whether it reached the final corpus.",
      await teachingSection(f),
    ],
    [
      "safety",
      "Safety",
      "Documents the adult, violence, extremism and hate term lists or the host list flag (packages/quality/data/safety); the default rules drop scores above 0.9.",
      await safetySection(f),
    ],
    [
      "tokens",
      "Token economics",
      "What text costs in Gemma 3 tokens by language and source, and what the token goal means in documents.",
      await tokensSection(f),
    ],
    [
      "dedup",
      "Duplicates",
      "Exact and MinHash near-duplicate clusters of the current dedup run.",
      await dedupSection(f),
    ],
    ["hosts", "Top hosts", "Web hosts with the most text in the final corpus.", await hostsSection(f)],
    [
      "crawl",
      "Crawl health",
      "HTTP status codes, outcomes, errors and bytes from the crawl's fetch log.",
      await crawlSection(f),
    ],
    [
      "sft",
      "SFT review",
      "Supervised fine-tuning samples by review status, and agreement between reviewers.",
      await sftSection(f),
    ],
    [
      "overlap",
      "SFT ↔ pretraining overlap",
      "How much of the SFT set's instructions and answers also sits in the pretraining shards.",
      overlapSection(f),
    ],
    [
      "removed",
      "Removed documents by rule",
      "A few removed documents per rule (clipped), chosen by id hash, to judge whether each rule does what it should.",
      samplesSection(f),
    ],
    [
      "provenance",
      "Provenance",
      "The latest finished run of every stage and its configuration hash; inputs kept aside with their reason.",
      provenanceSection(f),
    ],
  ];
  const nav = sections.map(([id, title]) => `<a href="#${id}">${esc(title)}</a>`).join("");
  const data = JSON.stringify(f).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>soro corpus report</title><style>${STYLE}</style></head>
<body><header><h1>soro corpus report</h1><p>workspace <code>${esc(f.workspace)}</code> · generated ${esc(f.generatedAt)} UTC · final stage <b>${esc(f.final?.stage ?? "none")}</b></p></header>
<nav>${nav}</nav><main>
${sections.map(([id, title, intro, body]) => section(id, title, intro, body)).join("\n")}
</main>
<script type="application/json" id="soro-figures">${data}</script>
</body></html>
`;
}
