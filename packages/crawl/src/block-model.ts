import { type Block, type DomNode, punctShare, wordShares } from "./blocks.js";

/** Class/id words that Readability-style container scoring rewards or penalises. */
const GOOD_CONTAINER = /article|body|content|entry|main|page|post|text|blog|story/i;
const BAD_CONTAINER =
  /comment|meta|footer|footnote|sidebar|widget|menu|nav|share|social|related|sponsor|ad-|promo|banner|header|masthead|combx|community|cover-wrap|disqus|extra|foot|remark|rss|shoutbox|skyscraper|tags|tool|popup|cookie/i;

/**
 * The Readability-style main container: every paragraph-like block of some length adds a score (one, plus its
 * commas, plus a point per 100 characters up to three) to its parent, half to its grandparent and a third to the
 * element above; each candidate's score is then scaled down by its own link density and moved by its class.
 * Returns the elements of the winning container and its high-scoring siblings, or none.
 */
export function mainContainers(blocks: Block[]): Set<DomNode> {
  const score = new Map<DomNode, number>();
  const chars = new Map<DomNode, number>();
  const links = new Map<DomNode, number>();
  for (const b of blocks) {
    for (const a of b.ancestors) {
      chars.set(a, (chars.get(a) ?? 0) + b.text.length);
      links.set(a, (links.get(a) ?? 0) + b.linkChars);
    }
    if (b.text.length < 25 || b.linkChars / b.text.length > 0.5) continue;
    const s = 1 + (b.text.match(/[,،]/g)?.length ?? 0) + Math.min(3, Math.floor(b.text.length / 100));
    const n = b.ancestors.length;
    // The block's own element is the last ancestor when it is a paragraph; a text run in a div scores that div.
    const first = b.tag === "body" ? n - 1 : n - 2;
    for (let level = 0; level < 3 && first - level >= 0; level++) {
      const el = b.ancestors[first - level];
      if (el === undefined) break;
      score.set(el, (score.get(el) ?? 0) + s / (level === 0 ? 1 : level === 1 ? 2 : level * 3));
    }
  }
  let best: DomNode | null = null;
  let bestScore = 0;
  const final = new Map<DomNode, number>();
  for (const [el, s] of score) {
    const a = el.attribs ?? {};
    const cls = `${a.class ?? ""} ${a.id ?? ""}`;
    let w = 0;
    if (GOOD_CONTAINER.test(cls)) w += 25;
    if (BAD_CONTAINER.test(cls)) w -= 25;
    const f = (s + w) * (1 - (links.get(el) ?? 0) / (chars.get(el) || 1));
    final.set(el, f);
    if (f > bestScore) {
      bestScore = f;
      best = el;
    }
  }
  const out = new Set<DomNode>();
  if (!best) return out;
  out.add(best);
  // Siblings that score well belong to the article too (a lead paragraph outside the body's div, a second column).
  for (const sib of best.parent?.children ?? []) {
    if (sib !== best && (final.get(sib) ?? 0) >= Math.max(10, bestScore * 0.2)) out.add(sib);
  }
  return out;
}

/** Names of the features, in the order of the model's weights. */
export const FEATURES = [
  "bias",
  "log_len",
  "link_density",
  "punct_share",
  "stop_share",
  "short_word_share",
  "depth",
  "position",
  "chrome_tag",
  "chrome_class",
  "content_hint",
  "in_container",
  "heading",
  "list_item",
  "table_cell",
  "ends_sentence",
  "digit_share",
  "prev_log_len",
  "next_log_len",
  "prev_link_density",
  "next_link_density",
] as const;

/** One block's feature vector (same order as FEATURES). */
export function blockFeatures(blocks: Block[], inContainer: (b: Block) => boolean): number[][] {
  const n = blocks.length;
  const ld = (b: Block | undefined) => (b ? b.linkChars / b.text.length : 1);
  const ll = (b: Block | undefined) => (b ? Math.log1p(b.text.length) : 0);
  return blocks.map((b, i) => {
    const w = wordShares(b.text);
    return [
      1,
      ll(b),
      ld(b),
      punctShare(b.text),
      // Word shares say little about a block of a few words (a menu entry can be all stop-words).
      w.stop * Math.min(1, w.words / 10),
      w.short * Math.min(1, w.words / 10),
      Math.min(b.depth, 40) / 20,
      n > 1 ? i / (n - 1) : 0,
      b.chromeTag ? 1 : 0,
      b.chromeClass ? 1 : 0,
      b.contentHint ? 1 : 0,
      inContainer(b) ? 1 : 0,
      b.heading ? 1 : 0,
      b.tag === "li" || b.tag === "dd" || b.tag === "dt" ? 1 : 0,
      b.tag === "td" || b.tag === "th" || b.tag === "tr" ? 1 : 0,
      /[.!?…:;»"”)]$/.test(b.text) ? 1 : 0,
      (b.text.match(/\p{N}/gu)?.length ?? 0) / b.text.length,
      ll(blocks[i - 1]),
      ll(blocks[i + 1]),
      ld(blocks[i - 1]),
      ld(blocks[i + 1]),
    ];
  });
}

/**
 * Logistic-regression weights over FEATURES, fitted by packages/crawl/scripts/train-extractor.ts on the tuning half
 * of trafilatura's evaluation pages (blocks holding an expected snippet are positives, blocks holding an unwanted one
 * negatives); the held-out half was not seen.
 */
export const WEIGHTS: readonly number[] = [
  -4.3025, 0.8523, -2.1528, -2.2157, 15.8661, 0.304, 1.0314, -1.2778, -1.3962, -1.4471, 0.3272, 1.3298,
  0.1976, 1.8306, 3.2316, 0.3522, -2.2089, 0.022, 0.1096, -0.9741, -0.6225,
];

/** A block is kept when its smoothed probability reaches this (tuned with the weights). */
export const KEEP_THRESHOLD = 0.45;

/** Each block's probability of being main text, smoothed with its neighbours' (text runs are contiguous). */
export function blockProbabilities(features: number[][], weights: readonly number[] = WEIGHTS): number[] {
  const p = features.map((f) => {
    let z = 0;
    for (let k = 0; k < f.length; k++) z += (f[k] ?? 0) * (weights[k] ?? 0);
    return 1 / (1 + Math.exp(-z));
  });
  return p.map((x, i) => {
    const prev = p[i - 1] ?? x;
    const next = p[i + 1] ?? x;
    return 0.6 * x + 0.2 * prev + 0.2 * next;
  });
}
