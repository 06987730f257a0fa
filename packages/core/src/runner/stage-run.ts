import { rm } from "node:fs/promises";
import path from "node:path";
import type { Catalog, InputStats, QuarantineEntry, ShardRecord } from "../catalog/catalog.js";
import { SoroError } from "../errors.js";
import { quickCheckShards, repairShards } from "../repair.js";
import type { ShardFile } from "../shards/writer.js";

/** What a stage run writes and how its outputs become current. */
export interface StageRunSpec {
  /** The stage whose committed inputs mark what is done (and whose run row this is). */
  stage: string;
  /** Further stages the run writes beside it (select writes select_removed), activated with it. */
  alsoWrites?: string[];
  configHash: string;
  /** The options as recorded in the run row. */
  config: unknown;
  /**
   * `replace` (a shard-to-shard or global stage): outputs are committed pending and become the stage's current
   * output, superseding other configurations, when the run finishes. `accumulate` (a source stage): each commit
   * is active at once and the stage's shards add up across runs.
   */
  outputs: "replace" | "accumulate";
  /**
   * The run outlives this process (tasks on a cluster, registered later by `soro collect`): runs still marked
   * running are not taken for crashed ones, and files not yet registered are not taken for orphans.
   */
  detached?: boolean;
  /**
   * The stages the run reads: with this set, missing or damaged shards of the stage (and of `alsoWrites`) are
   * turned back into work and broken inputs stop the run (`repairBeforeRun`) before what is done is read.
   */
  repair?: string[];
}

/** One input's outputs as a run commits them. */
export interface StageCommit {
  sourceKey: string;
  /** The run that made the outputs, when several were attached (default: this run). */
  runId?: number;
  /** Defaults to the spec's stage; one of `alsoWrites` otherwise. */
  stage?: string;
  /** Parent shards (default: the source key itself, the input shard; none for a source stage). */
  parents?: string[];
  files: ShardFile[];
  stats: InputStats;
  /** Further catalog writes that must land in the commit's transaction. */
  within?: () => Promise<void>;
}

/**
 * A stage's check at start: its own shards or its inputs' that are missing or changed in size are turned back into
 * work (repairShards). Broken own shards are rebuilt by this run (returns how many inputs that is); broken inputs
 * must be rebuilt by their own stage first, so the run stops, naming the shard and the commands to run.
 */
export async function repairBeforeRun(catalog: Catalog, stage: string, inputs: string[]): Promise<number> {
  const problems = await quickCheckShards(catalog, [stage, ...inputs]);
  const [first] = problems;
  if (!first) return 0;
  const repair = await repairShards(catalog, problems);
  if (problems.some((p) => repair.uncommitted.some((u) => u.shards.includes(p.shard) && u.stage !== stage))) {
    throw new SoroError(
      `soro: ${stage}: input shard ${first.path} is broken (${first.problem})${problems.length > 1 ? ` and ${problems.length - 1} more` : ""}; the inputs that produced them are uncommitted and what was built from them is marked stale`,
      `run ${repair.rerun.join(", then ")}`,
      5,
    );
  }
  return repair.uncommitted.filter((u) => u.stage === stage).length;
}

/**
 * The lifecycle every stage run shares: runs left "running" by a dead process are marked interrupted, files a crash
 * left unregistered are removed, inputs committed under the same configuration are skipped (resume), the run is
 * recorded, each input is committed on its own, and at the end the outputs are activated and the run finished
 * (or recorded as failed). The runner, source stages, quality's select, dedup's clustering and the scale
 * coordinator all go through it.
 */
export class StageRun {
  private runIdValue: number | null = null;
  /** Earlier runs this one finishes too (the plans of a cluster stage, registered together). */
  private attached: number[] = [];

  private constructor(
    readonly catalog: Catalog,
    readonly spec: StageRunSpec,
    /** Inputs (source keys) already committed under this configuration. */
    readonly done: Set<string>,
    /** Inputs of this stage whose outputs were broken at the start, to be built again by this run. */
    readonly repaired: number,
  ) {}

  /** Cleans up after crashed runs and reads what is already done; the run itself starts with `begin`. */
  static async open(catalog: Catalog, spec: StageRunSpec): Promise<StageRun> {
    if (!spec.detached) {
      for (const stage of [spec.stage, ...(spec.alsoWrites ?? [])]) {
        await catalog.markStaleRuns(stage);
        await catalog.removeOrphans(stage);
      }
    }
    let repaired = 0;
    if (spec.repair) {
      repaired = await repairBeforeRun(catalog, spec.stage, spec.repair);
      for (const stage of spec.alsoWrites ?? []) await repairBeforeRun(catalog, stage, []);
    }
    const done = await catalog.committedSourceKeys(spec.stage, spec.configHash);
    return new StageRun(catalog, spec, done, repaired);
  }

  /** `open` and `begin` in one. */
  static async start(catalog: Catalog, spec: StageRunSpec, workers = 1): Promise<StageRun> {
    const run = await StageRun.open(catalog, spec);
    await run.begin(workers);
    return run;
  }

  /**
   * Takes over runs recorded earlier by other processes (the plans of a cluster stage), to commit their inputs
   * and finish them all together; the last one is this run's id.
   */
  static async attach(catalog: Catalog, spec: StageRunSpec, runIds: number[]): Promise<StageRun> {
    const run = await StageRun.open(catalog, { ...spec, detached: true });
    run.attached = runIds.slice(0, -1);
    run.runIdValue = runIds.at(-1) ?? null;
    return run;
  }

  /** Records the run's start (with `workers` for the status view). */
  async begin(workers = 1): Promise<number> {
    const { stage, configHash, config } = this.spec;
    this.runIdValue = await this.catalog.beginRun(stage, configHash, config ?? null, workers);
    return this.runIdValue;
  }

  get runId(): number {
    if (this.runIdValue === null) throw new Error(`${this.spec.stage}: the run was not begun`);
    return this.runIdValue;
  }

  /** The run's scratch folder (removed when it finishes). */
  get tmpDir(): string {
    return path.join(this.catalog.ws.tmpDir, `run-${this.runId}`);
  }

  /** Whether an input is already committed under this configuration. */
  has(sourceKey: string): boolean {
    return this.done.has(sourceKey);
  }

  /** The inputs still to do, in their order. */
  pending<T extends Pick<ShardRecord, "shard_id">>(inputs: T[]): T[] {
    return inputs.filter((s) => !this.done.has(s.shard_id));
  }

  /** Whether every one of `inputs` is committed. */
  covers(inputs: Array<Pick<ShardRecord, "shard_id">>): boolean {
    return inputs.every((s) => this.done.has(s.shard_id));
  }

  /** Registers one input's output files and statistics in one transaction; a rerun then skips the input. */
  async commit(c: StageCommit): Promise<ShardRecord[]> {
    const stage = c.stage ?? this.spec.stage;
    const accumulate = this.spec.outputs === "accumulate";
    const records = await this.catalog.commitShards({
      runId: c.runId ?? this.runId,
      stage,
      configHash: this.spec.configHash,
      sourceKey: c.sourceKey,
      parents: c.parents ?? (accumulate ? [] : [c.sourceKey]),
      files: c.files,
      stats: c.stats,
      status: accumulate ? "active" : "pending",
      within: c.within,
    });
    if (stage === this.spec.stage) this.done.add(c.sourceKey);
    return records;
  }

  /** Records bad inputs with their reasons under this run. */
  async quarantine(
    entries: Array<Omit<QuarantineEntry, "runId" | "stage"> & { stage?: string; runId?: number }>,
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.catalog.quarantine(
      entries.map((e) => ({ ...e, stage: e.stage ?? this.spec.stage, runId: e.runId ?? this.runId })),
    );
  }

  /** Makes this configuration's outputs the current ones (a `replace` run; nothing to do for `accumulate`). */
  async activate(): Promise<void> {
    if (this.spec.outputs === "accumulate") return;
    for (const stage of [this.spec.stage, ...(this.spec.alsoWrites ?? [])])
      await this.catalog.activateRun(stage, this.spec.configHash);
  }

  /**
   * Ends the run: without `error` the outputs are activated and the run recorded done; with one it is recorded
   * failed (a failure to record that, as on a full disk, is swallowed: `error` is what the caller throws). The
   * scratch folder is removed either way.
   */
  async finish(error?: Error): Promise<void> {
    const runs = [...this.attached, this.runId];
    try {
      if (error) {
        for (const id of runs)
          await this.catalog.finishRun(id, "failed", error.message).catch(() => undefined);
      } else {
        await this.activate();
        for (const id of runs) await this.catalog.finishRun(id, "done");
      }
    } finally {
      if (this.runIdValue !== null) await rm(this.tmpDir, { recursive: true, force: true });
    }
  }

  /** Runs `body` as the run's work and finishes the run after it: done and activated, or failed with its error. */
  async complete<T>(body: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await body();
    } catch (err) {
      await this.finish(err as Error);
      throw err;
    }
    await this.finish();
    return result;
  }
}
