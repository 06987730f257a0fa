import { DuckDBListValue } from "@duckdb/node-api";

/** Column types a stage may add to documents; each maps to one DuckDB/Parquet type. */
export type ColumnType =
  | "VARCHAR"
  | "DOUBLE"
  | "BIGINT"
  | "INTEGER"
  | "BOOLEAN"
  | "VARCHAR[]"
  | "DOUBLE[]"
  | "UBIGINT[]";

/** A named, typed document column. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** One line for `soro status --columns` and the data card. */
  doc: string;
}

/** Converts a value read back from DuckDB into the plain JS form stages work with (bigint counts become numbers). */
export function fromDuckValue(type: ColumnType | undefined, value: unknown): unknown {
  if (value instanceof DuckDBListValue) return value.items.map((v) => fromDuckValue(type, v));
  if (typeof value === "bigint" && type !== "UBIGINT[]" && type !== "BIGINT") return Number(value);
  if (type === "BIGINT" && typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  return value;
}

/** Merges column lists by name; later specs must agree with earlier ones on type. */
export function mergeColumns(...lists: ColumnSpec[][]): ColumnSpec[] {
  const byName = new Map<string, ColumnSpec>();
  for (const list of lists) {
    for (const col of list) {
      const prev = byName.get(col.name);
      if (prev && prev.type !== col.type) {
        throw new Error(`column ${col.name} declared as ${prev.type} and as ${col.type}`);
      }
      if (!prev) byName.set(col.name, col);
    }
  }
  return [...byName.values()];
}
