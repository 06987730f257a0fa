import { humanCount } from "@soro/core/base";
import type { Command } from "commander";
import { withCatalog } from "../context.js";
import { bigintSafe, formatTable } from "../table.js";

/** `soro init`, `soro status`, `soro sql`, `soro verify`: the workspace and its catalog. */
export function registerWorkspaceCommands(program: Command): void {
  program
    .command("init")
    .description("create a workspace folder with an empty catalog")
    .action(async (_o, cmd: Command) => {
      await withCatalog(cmd, async (c) => console.log(`workspace ready: ${c.ws.dir}`), { create: true });
    });

  program
    .command("status")
    .description("what the catalog holds: stages, shards, docs, chars, tokens, recent runs and their errors")
    .option("--json", "print JSON instead of tables")
    .option("--runs <n>", "how many recent runs to show", "10")
    .option("--summary", "the corpus report's key figures: raw to final, largest removals, sources")
    .action(async (o: { json?: boolean; runs: string; summary?: boolean }, cmd: Command) => {
      await withCatalog(cmd, async (c) => {
        if (o.summary) return console.log(await (await import("@soro/report")).statusSummary(c));
        const { workspaceStatus } = await import("@soro/core/status");
        const s = await workspaceStatus(c, Number(o.runs));
        if (o.json) {
          console.log(JSON.stringify(s, bigintSafe, 2));
          return;
        }
        console.log(`workspace ${s.workspace} (catalog schema v${s.schemaVersion})\n`);
        console.log(
          formatTable(
            s.stages.map((st) => ({
              stage: st.stage,
              shards: st.shards,
              docs: st.docs,
              chars: humanCount(st.chars),
              MB: Number((st.bytes / 1e6).toFixed(2)),
              tokens: st.tokens === null ? "" : humanCount(st.tokens),
            })),
          ),
        );
        if (s.pendingShards > 0)
          console.log(`\n${s.pendingShards} shards pending (an unfinished run: rerun it to finish)`);
        console.log(`\nrecent runs:\n${formatTable(s.runs as unknown as Record<string, unknown>[], 80)}`);
        if (s.quarantine.length > 0) {
          console.log(
            `\nquarantined inputs (see \`soro sql "select * from quarantine"\`):\n${formatTable(s.quarantine)}`,
          );
        }
      });
    });

  program
    .command("sql")
    .description(
      "one read-only SQL statement over the catalog; each stage's active shards are the view docs_<stage> (no writes, ATTACH or files outside the workspace)",
    )
    .argument("<query>", "the SQL query")
    .option("--json", "print JSON lines instead of a table")
    .option("--max-width <n>", "cut cells to this many characters", "60")
    .action(async (query: string, o: { json?: boolean; maxWidth: string }, cmd: Command) => {
      await withCatalog(
        cmd,
        async (c) => {
          const { lockDownForQueries, runUserQuery } = await import("@soro/core");
          await lockDownForQueries(c);
          const rows = await runUserQuery(c, query);
          if (o.json) for (const r of rows) console.log(JSON.stringify(r, bigintSafe));
          else console.log(formatTable(rows, Number(o.maxWidth)));
        },
        { readOnly: true },
      );
    });

  program
    .command("verify")
    .description("check every registered shard: present, unchanged (sha256), readable Parquet, row count")
    .option(
      "--repair",
      "turn broken shards back into work: uncommit their inputs, mark what was built from them stale",
    )
    .action(async (o: { repair?: boolean }, cmd: Command) => {
      await withCatalog(cmd, async (c) => {
        const { repairShards, verifyShards } = await import("@soro/core");
        const problems = await verifyShards(c);
        if (problems.length === 0) {
          console.log("all shards verified");
          return;
        }
        console.log(formatTable(problems as unknown as Record<string, unknown>[], 100));
        if (!o.repair) {
          console.error(
            `soro verify: ${problems.length} broken shards: run \`soro verify --repair\` to turn them back into work`,
          );
          process.exitCode = 5;
          return;
        }
        const r = await repairShards(c, problems);
        console.log(
          `\nuncommitted (rebuilt by the next run of their stage):\n${formatTable(
            r.uncommitted.map((u) => ({
              stage: u.stage,
              input: u.sourceKey,
              shards: u.shards.length,
              why: u.reason,
            })),
            100,
          )}`,
        );
        console.log(`\nnow run: ${r.rerun.join(", then ")}`);
      });
    });
}
