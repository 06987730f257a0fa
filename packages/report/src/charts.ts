import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** Colours shared by every plot: kept text, removed text, edits, not yet processed, neutral levels. */
export const COLORS = {
  kept: "#4c78a8",
  removed: "#e45756",
  edit: "#f58518",
  pending: "#bab0ac",
  level: "#54a24b",
  raw: "#9ecae9",
  threshold: "#b5179e",
};

const CONFIG = {
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  background: "white",
  view: { stroke: null },
  axis: { labelColor: "#444", titleColor: "#333", gridColor: "#eee", domainColor: "#bbb", tickColor: "#bbb" },
  legend: { orient: "top", labelColor: "#444", titleColor: "#333" },
  title: { anchor: "start", fontSize: 13, fontWeight: 600, color: "#222" },
};

/**
 * Renders a Vega-Lite spec to a static SVG string in Node (no script at view time), so the report stays one
 * self-contained file that opens offline.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const full = { ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** One horizontal bar per category; `series` splits a bar into side-by-side bars (e.g. raw and final). */
export function barSpec(opts: {
  title: string;
  rows: Array<{ key: string; value: number; series?: string }>;
  xTitle: string;
  colors?: Record<string, string>;
  color?: string;
  width?: number;
  /** Stack the series in one bar (parts of a whole) instead of side by side. */
  stack?: boolean;
}): TopLevelSpec {
  const series = opts.colors ? Object.keys(opts.colors) : null;
  const range = opts.colors ? Object.values(opts.colors) : [];
  return {
    title: opts.title,
    width: opts.width ?? 360,
    height: { step: series && !opts.stack ? 12 : 18 },
    data: { values: opts.rows },
    mark: { type: "bar", tooltip: true, ...(series ? {} : { color: opts.color ?? COLORS.kept }) },
    encoding: {
      y: { field: "key", type: "nominal", sort: null, title: null, axis: { labelLimit: 220 } },
      x: { field: "value", type: "quantitative", title: opts.xTitle, axis: { format: "~s", tickMinStep: 1 } },
      ...(series
        ? {
            ...(opts.stack ? {} : { yOffset: { field: "series", sort: series } }),
            color: {
              field: "series",
              title: null,
              scale: { domain: series, range },
            },
          }
        : {}),
    },
  } as TopLevelSpec;
}

/** A waterfall drawn as horizontal floating bars, top (raw) to bottom (final). */
export function waterfallSpec(opts: {
  title: string;
  rows: Array<{ label: string; from: number; to: number; kind: string; amount: number }>;
  xTitle: string;
}): TopLevelSpec {
  const kinds = ["level", "rule", "quarantine", "edit", "pending"];
  const colors = [COLORS.level, COLORS.removed, COLORS.removed, COLORS.edit, COLORS.pending];
  return {
    title: opts.title,
    width: 380,
    data: { values: opts.rows.map((r, i) => ({ ...r, order: i })) },
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: {
        field: "label",
        type: "nominal",
        sort: { field: "order", order: "ascending" },
        title: null,
        axis: { labelLimit: 240 },
      },
      x: { field: "from", type: "quantitative", title: opts.xTitle, axis: { format: "~s" } },
      x2: { field: "to" },
      color: {
        field: "kind",
        title: null,
        scale: { domain: kinds, range: colors },
        legend: {
          labelExpr:
            "{level: 'left after stage', rule: 'removed by rule', quarantine: 'quarantined', edit: 'text edits', pending: 'not processed yet'}[datum.label]",
        },
      },
    },
  } as TopLevelSpec;
}

/** A histogram of kept and removed documents with the rule thresholds as dashed lines. */
export function histogramSpec(opts: {
  title: string;
  bins: Array<{ lo: number; hi: number; kept: number; removed: number }>;
  thresholds: number[];
  log: boolean;
  width?: number;
  xTitle?: string;
}): TopLevelSpec {
  // Stacked here rather than by Vega-Lite, which does not stack bars that span x..x2.
  const values = opts.bins.flatMap((b) => [
    { lo: b.lo, hi: b.hi, fate: "kept", n: b.kept, y0: 0, y1: b.kept },
    { lo: b.lo, hi: b.hi, fate: "removed", n: b.removed, y0: b.kept, y1: b.kept + b.removed },
  ]);
  const top = Math.max(...opts.bins.map((b) => b.hi), ...opts.thresholds);
  const x = {
    field: "lo",
    type: "quantitative",
    title: opts.xTitle ?? null,
    scale: opts.log ? { type: "log" } : { zero: false, nice: false },
    axis: { format: opts.log || top >= 1000 ? "~s" : "~r", tickCount: 5 },
  };
  return {
    title: opts.title,
    width: opts.width ?? 230,
    height: 110,
    layer: [
      {
        data: { values },
        mark: { type: "bar", tooltip: true },
        encoding: {
          x,
          x2: { field: "hi" },
          y: { field: "y1", type: "quantitative", title: "docs", axis: { format: "~s", tickCount: 4 } },
          y2: { field: "y0" },
          color: {
            field: "fate",
            title: null,
            scale: { domain: ["kept", "removed"], range: [COLORS.kept, COLORS.removed] },
          },
        },
      },
      {
        data: { values: opts.thresholds.map((v) => ({ v })) },
        mark: { type: "rule", color: COLORS.threshold, strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x: { field: "v", type: "quantitative" } },
      },
    ],
  } as TopLevelSpec;
}

/** Vertical bars of counts over a discrete numeric axis (e.g. clusters per cluster size). */
export function columnSpec(opts: {
  title: string;
  rows: Array<{ key: string; value: number }>;
  xTitle: string;
  yTitle: string;
}): TopLevelSpec {
  return {
    title: opts.title,
    width: 360,
    height: 160,
    data: { values: opts.rows },
    mark: { type: "bar", color: COLORS.kept, tooltip: true },
    encoding: {
      x: { field: "key", type: "ordinal", sort: null, title: opts.xTitle, axis: { labelAngle: 0 } },
      y: { field: "value", type: "quantitative", title: opts.yTitle, axis: { format: "~s", tickMinStep: 1 } },
    },
  } as TopLevelSpec;
}
