import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { SoroError } from "@soro/core";

/** The MDS column encodings the bridge writes: UTF-8 text or a 1-D int32 token array. */
export type MdsEncoding = "str" | "ndarray:int32";

/** One sample: column name to a string or token ids. */
export type MdsSample = Record<string, string | Int32Array>;

/** Python's `json.dumps(obj, sort_keys=True)` (", " and ": " separators), which MDS shards embed and index.json uses. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}: ${pythonJson(obj[k])}`)
      .join(", ")}}`;
  }
  // Python escapes non-ASCII by default (ensure_ascii).
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The index entry of one finished shard, as streaming's `JointWriter.flush_shard` records it. */
interface ShardEntry {
  column_encodings: string[];
  column_names: string[];
  column_sizes: Array<number | null>;
  compression: null;
  format: "mds";
  hashes: string[];
  raw_data: { basename: string; bytes: number; hashes: Record<string, string> };
  samples: number;
  size_limit: number;
  version: 2;
  zip_data: null;
}

/**
 * Writes a MosaicML streaming dataset: `shard.NNNNN.mds` files (sample count, uint32 offsets, the writer config as
 * JSON, then samples, each a uint32 size per variable column followed by the column bytes) and `index.json`.
 */
export class MdsWriter {
  private readonly names: string[];
  private readonly encodings: MdsEncoding[];
  private readonly config: Buffer;
  private samples: Buffer[] = [];
  private size: number;
  private readonly shards: ShardEntry[] = [];

  /** Columns are stored in name order, as MDSWriter does. */
  constructor(
    readonly dir: string,
    columns: Record<string, MdsEncoding>,
    readonly sizeLimit = 1 << 26,
  ) {
    // Sorted by name (code units, as Object.keys().sort() orders them).
    const sorted = Object.entries(columns).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.names = sorted.map(([name]) => name);
    this.encodings = sorted.map(([, encoding]) => encoding);
    this.config = Buffer.from(pythonJson(this.writerConfig()), "utf8");
    this.size = this.emptySize();
  }

  private writerConfig() {
    return {
      column_encodings: this.encodings,
      column_names: this.names,
      column_sizes: this.names.map(() => null),
      compression: null,
      format: "mds",
      hashes: [],
      size_limit: this.sizeLimit,
      version: 2,
    };
  }

  private emptySize(): number {
    return 4 + 4 + this.config.length;
  }

  /** Adds one sample, starting a new shard first when this one would pass the size limit. */
  async write(sample: MdsSample): Promise<void> {
    const parts: Buffer[] = [];
    const sizes = new Uint32Array(this.names.length);
    this.names.forEach((name, i) => {
      const v = sample[name];
      const bytes =
        this.encodings[i] === "str" ? Buffer.from(String(v), "utf8") : encodeInt32Array(v as Int32Array);
      sizes[i] = bytes.length;
      parts.push(bytes);
    });
    const encoded = Buffer.concat([Buffer.from(sizes.buffer), ...parts]);
    if (this.samples.length > 0 && this.size + encoded.length + 4 > this.sizeLimit) await this.flush();
    this.samples.push(encoded);
    this.size += encoded.length + 4;
  }

  /** Writes the last shard and index.json; returns the shard file names. */
  async finish(): Promise<string[]> {
    if (this.samples.length > 0) await this.flush();
    await writeFile(path.join(this.dir, "index.json"), pythonJson({ shards: this.shards, version: 2 }));
    return this.shards.map((s) => s.raw_data.basename);
  }

  private async flush(): Promise<void> {
    const n = this.samples.length;
    const offsets = new Uint32Array(n + 1);
    let at = 4 + (n + 1) * 4 + this.config.length;
    for (const [i, sample] of this.samples.entries()) {
      offsets[i] = at;
      at += sample.length;
    }
    offsets[n] = at;
    const count = Buffer.alloc(4);
    count.writeUInt32LE(n);
    const data = Buffer.concat([count, Buffer.from(offsets.buffer), this.config, ...this.samples]);
    const basename = `shard.${String(this.shards.length).padStart(5, "0")}.mds`;
    await writeFile(path.join(this.dir, basename), data);
    this.shards.push({
      ...(this.writerConfig() as Omit<ShardEntry, "raw_data" | "samples" | "zip_data">),
      raw_data: { basename, bytes: data.length, hashes: {} },
      samples: n,
      zip_data: null,
    });
    this.samples = [];
    this.size = this.emptySize();
  }
}

/** streaming's NDArray encoding with the dtype fixed and the shape dynamic: (ndim << 2 | shape dtype), shape, values. */
function encodeInt32Array(a: Int32Array): Buffer {
  if (a.length === 0) throw new Error("MDS cannot store an empty array (shape dimensions must be > 0)");
  const [code, shape] =
    a.length < 1 << 8
      ? [0, Buffer.from([a.length])]
      : a.length < 1 << 16
        ? [1, Buffer.from(Uint16Array.of(a.length).buffer)]
        : [2, Buffer.from(Uint32Array.of(a.length).buffer)];
  return Buffer.concat([
    Buffer.from([(1 << 2) | code]),
    shape,
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
  ]);
}

function decodeInt32Array(b: Buffer): Int32Array {
  const head = b[0] ?? 0;
  const ndim = head >> 2;
  const width = 2 ** (head & 3);
  const start = 1 + ndim * width;
  return new Int32Array(b.buffer.slice(b.byteOffset + start, b.byteOffset + b.length));
}

/** Reads every sample of an MDS dataset (for checks and tests), verifying each shard's size against index.json. */
export async function readMds(dir: string): Promise<MdsSample[]> {
  const index = JSON.parse(await readFile(path.join(dir, "index.json"), "utf8")) as { shards: ShardEntry[] };
  const out: MdsSample[] = [];
  for (const shard of index.shards) {
    const file = path.join(dir, shard.raw_data.basename);
    const data = await readFile(file);
    if (data.length !== shard.raw_data.bytes) {
      throw new SoroError(
        `soro: ${file} has ${data.length} bytes, index.json says ${shard.raw_data.bytes}`,
        "re-export it",
        5,
      );
    }
    const n = data.readUInt32LE(0);
    for (let i = 0; i < n; i++) {
      const begin = data.readUInt32LE(4 + i * 4);
      const end = data.readUInt32LE(8 + i * 4);
      const sample = data.subarray(begin, end);
      const cols = shard.column_names.length;
      let at = cols * 4;
      const row: MdsSample = {};
      shard.column_names.forEach((name, c) => {
        const size = sample.readUInt32LE(c * 4);
        const bytes = sample.subarray(at, at + size);
        at += size;
        row[name] = shard.column_encodings[c] === "str" ? bytes.toString("utf8") : decodeInt32Array(bytes);
      });
      out.push(row);
    }
  }
  return out;
}
