import { type ColumnSpec, defineStage, type StageDefinition } from "@soro/core";
import { DEFAULT_SIGNATURE } from "./defaults.js";
import { lineHashes } from "./lines.js";
import { bandKeys, MinHasher, type MinHashParams, xxhashApi } from "./minhash.js";

/** Options of the signature stage; `input` is part of them so that each input stage has its own configuration. */
export interface SignatureOptions extends MinHashParams {
  /** The stage whose active shards are signed (default `select`). */
  input: string;
  /** Lines whose key is shorter than this are never treated as repeated (default 4 characters). */
  lineMinChars: number;
}

export { DEFAULT_SIGNATURE };

/** The columns the signature stage adds. */
export const SIGNATURE_COLUMNS: ColumnSpec[] = [
  {
    name: "dedup_exact",
    type: "VARCHAR",
    doc: "xxhash64 of the folded text (case, punctuation, Tajik letters)",
  },
  {
    name: "minhash",
    type: "UBIGINT[]",
    doc: "MinHash signature over word n-gram shingles of the folded text (bands × rows 32-bit minima)",
  },
  {
    name: "minhash_bands",
    type: "UBIGINT[]",
    doc: "LSH band keys: xxhash64 of each band of the MinHash signature",
  },
  {
    name: "line_hashes",
    type: "UBIGINT[]",
    doc: "xxhash64 of each folded line, 0 for lines too short to count",
  },
];

/** The input stages a signature stage can read; each has its own export because a stage's inputs are fixed. */
export const SIGNATURE_INPUTS = ["select", "quality", "normalize", "ingest", "crawl", "pdf"] as const;

function signatureStage(input: string): StageDefinition<SignatureOptions> {
  return defineStage<SignatureOptions>({
    name: "minhash",
    version: "5",
    description: `exact key, MinHash signature and line hashes of each document of ${input}`,
    inputs: [input],
    columns: SIGNATURE_COLUMNS,
    // Only the text is hashed: the documents' other columns are joined back in DuckDB, not copied through JS.
    reads: ["id", "text"],
    async setup(options) {
      const opts = { ...DEFAULT_SIGNATURE, ...options };
      const hasher = await MinHasher.create(opts);
      const xx = await xxhashApi();
      return (doc) => {
        const { exact, signature: sig } = hasher.keys(doc.text);
        return {
          add: {
            dedup_exact: exact,
            minhash: sig ? Array.from(sig) : null,
            minhash_bands: sig ? bandKeys(xx, sig, opts.bands, opts.rows) : null,
            line_hashes: lineHashes(xx, doc.text, opts.lineMinChars),
          },
        };
      };
    },
  });
}

export const minhashFromSelect = signatureStage("select");
export const minhashFromQuality = signatureStage("quality");
export const minhashFromNormalize = signatureStage("normalize");
export const minhashFromIngest = signatureStage("ingest");
export const minhashFromCrawl = signatureStage("crawl");
export const minhashFromPdf = signatureStage("pdf");

/** The export name of the signature stage for an input stage. */
export function signatureExport(input: (typeof SIGNATURE_INPUTS)[number]): string {
  return `minhashFrom${input.charAt(0).toUpperCase()}${input.slice(1)}`;
}
