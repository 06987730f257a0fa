/** Renders rows as an aligned text table; long cells are cut to `maxWidth` characters. */
export function formatTable(rows: Record<string, unknown>[], maxWidth = 60): string {
  const [first] = rows;
  if (!first) return "(no rows)";
  const cols = Object.keys(first);
  const cell = (v: unknown): string => {
    const s =
      v === null || v === undefined
        ? ""
        : v instanceof Date
          ? v.toISOString()
          : typeof v === "object"
            ? JSON.stringify(v, bigintSafe)
            : String(v);
    const flat = s.replace(/\s+/g, " ");
    return flat.length > maxWidth ? `${flat.slice(0, maxWidth - 1)}…` : flat;
  };
  const body = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...body.map((r) => r[i]?.length ?? 0)));
  const numeric = cols.map((c) => rows.every((r) => typeof r[c] === "number" || r[c] === null));
  const line = (cells: string[]) =>
    cells
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(cols), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** JSON replacer that writes bigints as numbers where safe, else as strings. */
export function bigintSafe(_key: string, v: unknown): unknown {
  if (typeof v !== "bigint") return v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}
