import type { Catalog, InputStats, QuarantineEntry, ShardRecord } from "./catalog/catalog.js";
import { addRemoved, emptyInputStats } from "./catalog/input-stats.js";
import { type ColumnSpec, mergeColumns } from "./columns.js";
import { configHash } from "./config.js";
import { BASE_COLUMNS, type Document } from "./document.js";
import { StageRun } from "./runner/stage-run.js";
import { type ShardFile, ShardWriter } from "./shards/writer.js";
import { TakedownList } from "./takedown.js";

/** The fixed config hash of source stages: their shards accumulate, and re-adding a source key replaces its shards. */
export const SOURCE_CONFIG = "source";

/** What a source yields per input item: a document, or a bad input to quarantine with its reason. */
export type SourceItem = { doc: Document } | { bad: { input: string; reason: string; excerpt?: string } };

/** One source of a batch: its key and what it yields. */
export interface BatchSource {
  key: string;
  items: AsyncIterable<SourceItem> | Iterable<SourceItem>;
}

/** What a batch holds of one of its sources: `rows` documents written, and its statistics. */
export interface BatchPart {
  key: string;
  rows: number;
  stats: InputStats;
}

/**
 * A run of a source stage (ingest, crawl, pdf): documents made from outside inputs are written to shards and
 * committed per source key (a file, a crawl batch), so a rerun skips what is already in the catalog.
 */
export class SourceRun {
  private constructor(
    readonly catalog: Catalog,
    private readonly run: StageRun,
    private readonly columns: ColumnSpec[],
    /** Documents taken down earlier (`soro takedown`): never written again, counted under rule `takedown`. */
    readonly takedowns: TakedownList,
  ) {}

  get stage(): string {
    return this.run.spec.stage;
  }

  get runId(): number {
    return this.run.runId;
  }

  /** Starts a source run; `columns` are added to the base document columns. */
  static async begin(
    catalog: Catalog,
    stage: string,
    config: unknown,
    columns: ColumnSpec[] = [],
  ): Promise<SourceRun> {
    const run = await StageRun.start(catalog, {
      stage,
      configHash: SOURCE_CONFIG,
      config,
      outputs: "accumulate",
    });
    const takedowns = await TakedownList.load(catalog);
    return new SourceRun(catalog, run, mergeColumns(BASE_COLUMNS, columns), takedowns);
  }

  /** The columns of the run's shards, in order. */
  get shardColumns(): ColumnSpec[] {
    return this.columns;
  }

  /** The run's scratch folder, where shard files wait until they are committed. */
  get tmpDir(): string {
    return this.run.tmpDir;
  }

  /** The shard name prefix for one source (relative to the shards folder; parts add `-00000.parquet`). */
  shardPrefix(sourceKey: string, name: string): string {
    // The key's hash keeps two inputs with the same name (a.txt in two folders) from sharing a file.
    return `${this.stage}/${name.replace(/[^\p{L}\p{N}._-]+/gu, "_").slice(0, 80) || "source"}-${configHash(sourceKey).slice(0, 8)}`;
  }

  /**
   * Commits shard files a source wrote itself (as ingest has DuckDB turn a JSONL or Parquet file into shards in one
   * statement), with their statistics; the caller has already left out taken-down documents.
   */
  async addFiles(
    sourceKey: string,
    files: ShardFile[],
    stats: InputStats,
    within?: () => Promise<void>,
  ): Promise<ShardRecord[]> {
    return this.run.commit({ sourceKey, files: stats.docsOut > 0 ? files : [], stats, within });
  }

  /** Whether a source key is already committed (skip it unless replacing). */
  has(sourceKey: string): boolean {
    return this.run.has(sourceKey);
  }

  /** Writes one source's documents to shards named after `name` and commits them with their statistics. */
  async add(
    sourceKey: string,
    name: string,
    items: AsyncIterable<SourceItem> | Iterable<SourceItem>,
  ): Promise<ShardRecord[]> {
    const writer = await ShardWriter.open({
      tmpDir: this.run.tmpDir,
      prefix: this.shardPrefix(sourceKey, name),
      columns: this.columns,
    });
    const stats: InputStats = emptyInputStats();
    const bad: QuarantineEntry[] = [];
    try {
      await this.writeItems(items, writer, stats, bad);
    } catch (err) {
      writer.abort();
      throw err;
    }
    const files = await writer.close();
    const records = await this.run.commit({ sourceKey, files: stats.docsOut > 0 ? files : [], stats });
    await this.catalog.quarantine(bad);
    return records;
  }

  /**
   * Writes many small sources (a folder of DOCX files) into one shard committed once under `batchKey`: a commit
   * per source costs far more than reading one. `within` runs inside the commit's transaction with what each source
   * gave, so a source's own record of what it committed (ingest's file versions) lands with the shard or not at all.
   */
  async addBatch(
    batchKey: string,
    name: string,
    sources: BatchSource[],
    within: (parts: BatchPart[]) => Promise<void>,
  ): Promise<BatchPart[]> {
    const writer = await ShardWriter.open({
      tmpDir: this.run.tmpDir,
      prefix: this.shardPrefix(batchKey, name),
      columns: this.columns,
    });
    const total: InputStats = emptyInputStats();
    const parts: BatchPart[] = [];
    const bad: QuarantineEntry[] = [];
    try {
      for (const source of sources) {
        const stats: InputStats = {
          docsIn: 0,
          charsIn: 0,
          docsOut: 0,
          charsOut: 0,
          quarantined: 0,
          removed: {},
        };
        await this.writeItems(source.items, writer, stats, bad);
        parts.push({ key: source.key, rows: stats.docsOut, stats });
        addStats(total, stats);
      }
    } catch (err) {
      writer.abort();
      throw err;
    }
    const files = await writer.close();
    await this.run.commit({
      sourceKey: batchKey,
      files: total.docsOut > 0 ? files : [],
      stats: total,
      within: () => within(parts),
    });
    await this.catalog.quarantine(bad);
    return parts;
  }

  /** Writes a source's documents (taken-down ones counted, not written) and gathers its quarantine entries. */
  private async writeItems(
    items: AsyncIterable<SourceItem> | Iterable<SourceItem>,
    writer: ShardWriter,
    stats: InputStats,
    bad: QuarantineEntry[],
  ): Promise<void> {
    for await (const item of items) {
      stats.docsIn++;
      if ("bad" in item) {
        stats.quarantined++;
        bad.push({ runId: this.runId, stage: this.stage, ...item.bad });
        continue;
      }
      const chars = item.doc.text.length;
      stats.charsIn += chars;
      if (this.takedowns.has(item.doc)) {
        const r = stats.removed.takedown ?? { docs: 0, chars: 0 };
        r.docs++;
        r.chars += chars;
        stats.removed.takedown = r;
        continue;
      }
      stats.docsOut++;
      stats.charsOut += chars;
      await writer.write(item.doc);
    }
  }

  /** Records the end of the run. */
  async finish(error?: Error): Promise<void> {
    await this.run.finish(error);
  }
}

/** Adds one source's statistics to a batch's. */
function addStats(total: InputStats, s: InputStats): void {
  total.docsIn += s.docsIn;
  total.charsIn += s.charsIn;
  total.docsOut += s.docsOut;
  total.charsOut += s.charsOut;
  total.quarantined += s.quarantined;
  addRemoved(total.removed, s.removed);
}
