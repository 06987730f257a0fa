import { createRequire } from "node:module";
import type * as DuckDB from "@duckdb/node-api";

/**
 * DuckDB's Node API, loaded with require. It is CommonJS, and an ESM `import` of it makes Node scan each of its ~60
 * files for named exports, about 140 ms of CPU at every start of a command that opens the catalog (`soro status`,
 * measured by `pnpm bench -- cli`). Types still come from `import type`.
 */
export const duckdb = createRequire(import.meta.url)("@duckdb/node-api") as typeof DuckDB;
