import type { TakedownKind } from "@soro/core";
import { UsageError } from "@soro/core/base";
import type { Command } from "commander";
import { withCatalog } from "../context.js";

/** `soro takedown`: removes documents from every shard, keeps them out of later runs and names the stale exports. */
export function registerTakedownCommand(program: Command): void {
  program
    .command("takedown")
    .description(
      "remove documents (a URL, a host with its subdomains, or a document id) from every stage's shards, keep them out of every later ingest, crawl and export, record who/when/why, and list the exports made before that the trainer must rebuild",
    )
    .option("--url <url>", "the URL as crawled")
    .option("--host <host>", "every URL of this host and its subdomains")
    .option("--doc-id <id>", "one document id (32 hex digits)")
    .option("--reason <text>", "why (kept with the request)")
    .option("--by <name>", "who asked (default $SORO_USER, else the login name)")
    .option("--list", "list the takedowns recorded so far")
    .action(
      async (
        o: { url?: string; host?: string; docId?: string; reason?: string; by?: string; list?: boolean },
        cmd: Command,
      ) => {
        const { listTakedowns, TAKEDOWN_KINDS, takedown } = await import("@soro/core");
        const given = (
          [
            ["url", o.url],
            ["host", o.host],
            ["doc_id", o.docId],
          ] as Array<[TakedownKind, string | undefined]>
        ).filter((g): g is [TakedownKind, string] => g[1] !== undefined);
        if (o.list) {
          await withCatalog(cmd, async (c) => {
            for (const t of await listTakedowns(c))
              console.log(
                `${t.takedown_id}\t${t.requested_at}\t${t.kind}=${t.value}\tby ${t.requested_by}\t${t.docs_removed ?? "?"} docs\t${t.reason ?? ""}`,
              );
          });
          return;
        }
        const [named] = given;
        if (given.length !== 1 || !named)
          throw new UsageError(
            "soro takedown: name exactly one of --url, --host, --doc-id",
            `e.g. soro takedown --url https://example.tj/page --reason "author's request" (kinds: ${TAKEDOWN_KINDS.join(", ")})`,
          );
        const [kind, value] = named;
        const { exportsToRebuild } = await import("@soro/trainer-bridge");
        await withCatalog(cmd, async (c) => {
          const r = await takedown(c, { kind, value, reason: o.reason, by: o.by });
          const where = Object.entries(r.shards)
            .map(([stage, n]) => `${stage} ${n}`)
            .join(", ");
          console.log(
            `takedown ${r.takedownId}: ${r.docs} documents (${r.rows} copies) removed; shards rewritten: ${where || "none"}`,
          );
          const stale = await exportsToRebuild(c, r.takedownId);
          for (const e of stale)
            console.log(
              `rebuild export ${e.out_dir} (${e.format}, ${e.created_at})${e.holds === null ? ": made before provenance lists, may hold it" : e.holds ? ": holds taken-down documents" : ": does not hold them"}`,
            );
          if (stale.length === 0) console.log("no earlier exports to rebuild");
        });
      },
    );
}
