import { createWriteStream, type WriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { SoroError } from "@soro/core";

/** The magic at the start of a Megatron-LM IndexedDataset index (`megatron/core/datasets/indexed_dataset.py`). */
export const MEGATRON_MAGIC = Buffer.from("MMIDIDX\x00\x00", "latin1");
/** Megatron's DType codes for the token arrays we write or read. */
export const MEGATRON_DTYPES = { uint16: 8, int32: 4 } as const;

/**
 * Writes one Megatron-LM IndexedDataset (`PREFIX.bin` token ids, `PREFIX.idx` index). Each document is one
 * sequence; ids are int32 since Gemma 3's vocabulary (262,144) does not fit Megatron's uint16 choice (< 65,500).
 */
export class MegatronWriter {
  private readonly bin: WriteStream;
  private readonly lengths: number[] = [];
  private finished = false;

  /** Opens `prefix.bin` for writing. */
  constructor(readonly prefix: string) {
    this.bin = createWriteStream(`${prefix}.bin`);
  }

  /** Number of tokens written. */
  tokens = 0;

  /** Appends one document's ids (already framed with BOS/EOS when wanted). */
  async add(ids: Int32Array): Promise<void> {
    this.lengths.push(ids.length);
    this.tokens += ids.length;
    // Little-endian int32, as numpy writes on every platform Megatron runs on.
    const buf = Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength);
    if (!this.bin.write(buf)) await new Promise<void>((r) => this.bin.once("drain", () => r()));
  }

  /** Closes the .bin and writes the .idx: header, counts, lengths (int32), byte pointers (int64), document indices (int64). */
  async finish(): Promise<{ docs: number; tokens: number }> {
    if (this.finished) throw new Error("MegatronWriter.finish called twice");
    this.finished = true;
    await new Promise<void>((resolve, reject) =>
      this.bin.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    const n = this.lengths.length;
    const head = Buffer.alloc(9 + 8 + 1 + 8 + 8);
    MEGATRON_MAGIC.copy(head, 0);
    head.writeBigUInt64LE(1n, 9);
    head.writeUInt8(MEGATRON_DTYPES.int32, 17);
    head.writeBigUInt64LE(BigInt(n), 18);
    // One sequence per document: document_indices is 0, 1, ..., n (n + 1 entries).
    head.writeBigUInt64LE(BigInt(n + 1), 26);
    const lengths = Int32Array.from(this.lengths);
    const pointers = new BigInt64Array(n);
    let at = 0n;
    for (let i = 0; i < n; i++) {
      pointers[i] = at;
      at += BigInt(this.lengths[i] ?? 0) * 4n;
    }
    const docs = new BigInt64Array(n + 1);
    for (let i = 0; i <= n; i++) docs[i] = BigInt(i);
    await writeFile(`${this.prefix}.idx`, Buffer.concat([head, view(lengths), view(pointers), view(docs)]));
    return { docs: n, tokens: this.tokens };
  }
}

function view(a: Int32Array | BigInt64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** A Megatron IndexedDataset read back: every sequence's token ids and the document boundaries. */
export interface MegatronDataset {
  dtypeCode: number;
  lengths: Int32Array;
  pointers: BigInt64Array;
  documentIndices: BigInt64Array;
  /** Token ids of sequence i. */
  sequence(i: number): Int32Array | Uint16Array;
}

/** Reads `prefix.idx` and `prefix.bin` whole (for checks and tests; trainers memory-map them). */
export async function readMegatron(prefix: string): Promise<MegatronDataset> {
  const idx = await readFile(`${prefix}.idx`);
  const bin = await readFile(`${prefix}.bin`);
  if (!idx.subarray(0, 9).equals(MEGATRON_MAGIC) || idx.readBigUInt64LE(9) !== 1n) {
    throw new SoroError(`soro: ${prefix}.idx is not a Megatron IndexedDataset index`, "re-export it", 5);
  }
  const dtypeCode = idx.readUInt8(17);
  const size = dtypeCode === MEGATRON_DTYPES.int32 ? 4 : dtypeCode === MEGATRON_DTYPES.uint16 ? 2 : 0;
  if (size === 0)
    throw new SoroError(`soro: ${prefix}.idx has unsupported dtype code ${dtypeCode}`, "re-export it", 5);
  const seqs = Number(idx.readBigUInt64LE(18));
  const docs = Number(idx.readBigUInt64LE(26));
  const copy = (start: number, bytes: number) =>
    idx.buffer.slice(idx.byteOffset + start, idx.byteOffset + start + bytes);
  let at = 34;
  const lengths = new Int32Array(copy(at, seqs * 4));
  at += seqs * 4;
  const pointers = new BigInt64Array(copy(at, seqs * 8));
  at += seqs * 8;
  const documentIndices = new BigInt64Array(copy(at, docs * 8));
  const data = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return {
    dtypeCode,
    lengths,
    pointers,
    documentIndices,
    sequence(i) {
      const start = Number(pointers[i] ?? 0n);
      const n = lengths[i] ?? 0;
      return size === 4
        ? new Int32Array(data.slice(start, start + n * 4))
        : new Uint16Array(data.slice(start, start + n * 2));
    },
  };
}
