// The rows and characters a COPY writes, counted in the statement that writes them: reading every written part
// back for `sum(length(text))` decompressed the whole text column a second time (a fifth of a JSONL ingest's CPU).
// A JavaScript scalar function sits in the query's last filter; DuckDB calls it once per chunk of rows (2048),
// so it costs a few callbacks, not a pass over the text.
import { BOOLEAN, type DuckDBConnection, DuckDBScalarFunction, INTEGER } from "@duckdb/node-api";
import { sqlString } from "../duck.js";

/** What one statement wrote and dropped: each written row's length in characters, in the order DuckDB saw them. */
export interface CopyTally {
  lengths: number[];
  dropped: { docs: number; chars: number };
}

/** The SQL name of the tally function, registered once per connection. */
const TALLY = "soro_copy_tally";

/** Per connection: the tally its running statement feeds (a connection runs one statement at a time). */
const current = new WeakMap<DuckDBConnection, { tally: CopyTally | null }>();

function register(conn: DuckDBConnection): { tally: CopyTally | null } {
  const known = current.get(conn);
  if (known) return known;
  const slot: { tally: CopyTally | null } = { tally: null };
  conn.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: TALLY,
      // Volatile: DuckDB must call it for every row, never fold or skip it.
      volatile: true,
      returnType: BOOLEAN,
      parameterTypes: [INTEGER, BOOLEAN],
      mainFunction: (info, input, output) => {
        const t = slot.tally;
        if (!t) {
          info.setError(`${TALLY} called outside a counted COPY (a bug: report it)`);
          return;
        }
        const chars = input.getColumnVector(0);
        const drop = input.getColumnVector(1);
        for (let i = 0; i < input.rowCount; i++) {
          const n = chars.getItem(i) as number;
          const gone = drop.getItem(i) === true;
          if (gone) {
            t.dropped.docs++;
            t.dropped.chars += n;
          } else t.lengths.push(n);
          output.setItem(i, !gone);
        }
        output.flush();
      },
    }),
  );
  current.set(conn, slot);
  return slot;
}

/**
 * Runs `COPY (<query>) TO <target> (<options>, RETURN_STATS)` with each row of `query` (alias `d`, a `text`
 * column) counted as it is written; rows for which `drop` (SQL over `d`) is true are counted, not written.
 * Returns the per-file row counts DuckDB reports beside the tally.
 */
export async function countedCopy(
  conn: DuckDBConnection,
  query: string,
  target: string,
  options: string,
  drop = "false",
): Promise<{ tally: CopyTally; files: Map<string, number> }> {
  const slot = register(conn);
  const tally: CopyTally = { lengths: [], dropped: { docs: 0, chars: 0 } };
  slot.tally = tally;
  try {
    const stats = await conn.runAndReadAll(
      `COPY (SELECT * FROM (${query}) d WHERE ${TALLY}(coalesce(length(d.text), 0)::INTEGER, coalesce(${drop}, false)))
       TO ${sqlString(target)} (${options}, RETURN_STATS)`,
    );
    const files = new Map(stats.getRowObjectsJS().map((r) => [String(r.filename), Number(r.count)]));
    return { tally, files };
  } finally {
    slot.tally = null;
  }
}
