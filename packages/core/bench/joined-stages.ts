// The stages joined-writer.bench.ts runs, by module and export as the runner loads them: both name `reads`, so
// only id and text come into JavaScript and the shard writer joins the rest of each input row back in DuckDB.
import { defineStage } from "../src/index.js";

/**
 * Like normalize: rewrites the text of 58% of the documents (the first run keeps `text_original`) and drops one
 * in fifty.
 */
export const rewriteStage = defineStage<null>({
  name: "bench-rewrite",
  version: "1",
  description: "rewrites some texts (bench stage)",
  inputs: ["ingest"],
  reads: ["id", "text"],
  rewritesText: true,
  columns: [{ name: "rw_changed", type: "BOOLEAN", doc: "whether the text was rewritten" }],
  setup() {
    let n = 0;
    return (doc) => {
      const k = n++;
      if (k % 50 === 7) return { drop: "bench" };
      const changed = k % 100 < 58;
      return { add: { rw_changed: changed }, text: changed ? `${doc.text}.` : doc.text };
    };
  },
});

/** Like quality's signals: twenty numbers and a list per document, a new text for 32% of them. */
export const signalsStage = defineStage<null>({
  name: "bench-signals",
  version: "1",
  description: "adds signal columns (bench stage)",
  inputs: ["bench-rewrite"],
  reads: ["id", "text"],
  rewritesText: true,
  columns: [
    ...Array.from({ length: 20 }, (_, k) => ({ name: `sig_${k}`, type: "DOUBLE" as const, doc: "a signal" })),
    { name: "sig_lines", type: "VARCHAR[]", doc: "lines of note" },
  ],
  setup() {
    let n = 0;
    return (doc) => {
      const k = n++;
      const add: Record<string, unknown> = { sig_lines: k % 9 === 0 ? [doc.text.slice(0, 40)] : null };
      for (let s = 0; s < 20; s++) add[`sig_${s}`] = (k * (s + 1)) / 7;
      return { add, text: k % 100 < 32 ? doc.text.slice(1) : doc.text };
    };
  },
});
