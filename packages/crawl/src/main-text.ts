import { blockFeatures, blockProbabilities, KEEP_THRESHOLD, mainContainers, WEIGHTS } from "./block-model.js";
import type { Block } from "./blocks.js";

/** The main text of a page and which pass of the fallback chain found it. */
export interface MainText {
  /** The blocks kept, in page order. */
  kept: Block[];
  method: "blocks" | "container" | "visible" | "none";
  confidence: number;
}

/** Feature vectors of a page's blocks (with the main container found first, as one of the features). */
export function pageFeatures(blocks: Block[]): number[][] {
  const containers = mainContainers(blocks);
  return blockFeatures(blocks, (b) => b.ancestors.some((a) => containers.has(a)));
}

const linkDense = (b: Block) => b.linkChars / b.text.length > 0.5;
// Blocks mostly made of links are menus whatever else the model sees in them.
const MAX_LINK_DENSITY = 0.6;
// The block model's answer stands when it keeps at least this much text; less is a sign it missed the article.
const MIN_KEPT_CHARS = 50;

/**
 * The fallback chain: the block model's kept blocks; failing that, the Readability-style container's blocks that
 * are not mostly links; failing that, all visible text that is not mostly links, then all visible text. Empty only
 * when the page shows no text at all.
 */
export function mainText(
  blocks: Block[],
  weights: readonly number[] = WEIGHTS,
  threshold = KEEP_THRESHOLD,
): MainText {
  if (blocks.length === 0) return { kept: [], method: "none", confidence: 0 };
  const containers = mainContainers(blocks);
  const inContainer = (b: Block) => b.ancestors.some((a) => containers.has(a));
  const p = blockProbabilities(blockFeatures(blocks, inContainer), weights);
  const keep = blocks.map(
    (b, i) => (p[i] ?? 0) >= threshold && b.linkChars / b.text.length <= MAX_LINK_DENSITY,
  );
  // A heading is kept with the text it heads (headings are short and carry no stop-words, so they score low alone).
  blocks.forEach((b, i) => {
    if (!b.heading || keep[i] || linkDense(b)) return;
    for (let j = i + 1; j < Math.min(blocks.length, i + 2); j++) {
      if (keep[j]) {
        keep[i] = true;
        break;
      }
    }
  });
  const kept: Block[] = [];
  let keptChars = 0;
  let sure = 0;
  blocks.forEach((b, i) => {
    if (!keep[i]) return;
    kept.push(b);
    keptChars += b.text.length;
    sure += p[i] ?? 0;
  });
  if (keptChars >= MIN_KEPT_CHARS) return { kept, method: "blocks", confidence: round(sure / kept.length) };
  const container = blocks.filter((b) => inContainer(b) && !linkDense(b));
  if (container.length > 0) return { kept: container, method: "container", confidence: 0.3 };
  const visible = blocks.filter((b) => !linkDense(b));
  return {
    kept: visible.length > 0 ? visible : blocks,
    method: "visible",
    confidence: 0.1,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
