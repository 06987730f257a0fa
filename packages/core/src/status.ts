import type { Catalog } from "./catalog/catalog.js";

/** Per-stage totals of active shards. */
export interface StageStatus {
  stage: string;
  shards: number;
  docs: number;
  chars: number;
  bytes: number;
  tokens: number | null;
}

/** A stage run as `soro status` shows it. */
export interface RunStatus {
  run_id: number;
  stage: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

/** What a workspace holds: stages and their shards, recent runs, quarantine counts. */
export interface WorkspaceStatus {
  workspace: string;
  schemaVersion: number;
  stages: StageStatus[];
  runs: RunStatus[];
  quarantine: Array<{ stage: string; count: number }>;
  pendingShards: number;
}

/** Reads the workspace status from the catalog. */
export async function workspaceStatus(catalog: Catalog, recentRuns = 10): Promise<WorkspaceStatus> {
  const stages = (await catalog.rows(
    `SELECT stage, count(*) AS shards, sum(rows) AS docs, sum(chars) AS chars, sum(bytes) AS bytes,
            CASE WHEN count(tokens) = count(*) THEN sum(tokens) END AS tokens
     FROM shards WHERE status = 'active' GROUP BY stage ORDER BY min(created_at)`,
  )) as unknown as StageStatus[];
  const runs = (await catalog.rows(
    `SELECT run_id, stage, status, strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started_at,
            strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_at, error
     FROM stage_runs ORDER BY run_id DESC LIMIT ${Math.max(1, Math.floor(recentRuns))}`,
  )) as unknown as RunStatus[];
  const quarantine = (await catalog.rows(
    `SELECT stage, count(*) AS count FROM quarantine_open GROUP BY stage ORDER BY stage`,
  )) as unknown as WorkspaceStatus["quarantine"];
  const pending = await catalog.rows(`SELECT count(*) AS n FROM shards WHERE status = 'pending'`);
  return {
    workspace: catalog.ws.dir,
    schemaVersion: await catalog.version(),
    stages,
    runs,
    quarantine,
    pendingShards: Number(pending[0]?.n ?? 0),
  };
}
