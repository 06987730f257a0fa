// vitest global setup: one temp folder for the whole run, the TMPDIR of every test process and of the commands they
// spawn, removed when the run ends. Tests make their workspaces, models and payload outputs under os.tmpdir(), and
// many never removed theirs: a run left ~0.5 GB behind (the torch payload test another 2 GB until it cleaned up), and
// repeated runs filled a machine's disk. SORO_KEEP_TEST_TMP=1 keeps the folder to look into.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), "soro-vitest-"));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    if (process.env.SORO_KEEP_TEST_TMP === "1") console.log(`test temp folder kept: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}
