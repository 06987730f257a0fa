// The part of @soro/core that loads no library (no DuckDB, zod, yaml or worker pool), as `@soro/core/base`: errors,
// workspace paths, the catalog holder's description and the source kinds. The CLI imports only this at start-up,
// so `soro --help` stays fast; a command's action imports the rest of core when it runs.
export { describeHolder, type LockHolder } from "./catalog/lock.js";
export * from "./errors.js";
export { humanCount, humanDuration } from "./human.js";
export { SOURCES, type SourceKind } from "./source-kinds.js";
export { CHARS_PER_TOKEN, estimateTokens } from "./token-estimate.js";
export { defaultWorkspaceDir, resolveWorkspace, type Workspace, workspacePaths } from "./workspace.js";
