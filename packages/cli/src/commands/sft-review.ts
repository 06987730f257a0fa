import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { defaultWorkspaceDir, workspacePaths } from "@soro/core/base";
import type { Role } from "@soro/sft-builder";
import { EXPORT_FORMATS, type ExportFormat } from "@soro/sft-builder/defaults";
import type { Command } from "commander";
import { catalogWaitOptions, globals, intOption, withCatalog } from "../context.js";
import { formatTable } from "../table.js";

/** A password from a file, piped stdin (first line), or typed at a terminal without echo. */
async function readPassword(file?: string): Promise<string> {
  if (file) return (await readFile(file, "utf8")).split("\n")[0] ?? "";
  if (!process.stdin.isTTY) {
    let text = "";
    for await (const chunk of process.stdin) text += chunk;
    return text.split("\n")[0] ?? "";
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write("password: ");
  // Echo nothing while the password is typed.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  const answer = await new Promise<string>((resolve) => rl.question("", resolve));
  rl.close();
  process.stderr.write("\n");
  return answer;
}

/** The review subcommands of `soro sft`: review (the web app), load-edu, users add|list, export. */
export function registerSftReviewCommands(sft: Command): void {
  sft
    .command("review")
    .description(
      "serve the review web app; review state lives in review/catalog.duckdb and is published to the catalog every few seconds, so every other command keeps working",
    )
    .option("--port <n>", "port to listen on", "8080")
    .option("--host <addr>", "address to listen on (keep 127.0.0.1 behind an HTTPS proxy)", "127.0.0.1")
    .option("--overlap <k>", "reviews each sample needs before it is decided", "2")
    .option("--secure-cookie", "mark the session cookie Secure (when served over HTTPS)")
    .action(
      async (o: { port: string; host: string; overlap: string; secureCookie?: boolean }, cmd: Command) => {
        const { openReviewDb, startReviewServer } = await import("@soro/sft-builder");
        const dir = defaultWorkspaceDir(globals(cmd).workspace);
        const review = await openReviewDb(dir, catalogWaitOptions(cmd));
        try {
          const srv = await startReviewServer({
            catalog: review,
            publishTo: workspacePaths(dir).catalogPath,
            port: intOption("--port", o.port, 0),
            host: o.host,
            overlap: intOption("--overlap", o.overlap, 1),
            secureCookie: o.secureCookie,
          });
          console.log(`soro sft review: ${srv.url} (each sample needs ${o.overlap} reviews); Ctrl+C stops`);
          await new Promise<void>((resolve) => {
            process.once("SIGINT", resolve);
            process.once("SIGTERM", resolve);
          });
          if (!(await srv.close()))
            console.error(
              "soro sft review: the catalog was busy at the end; the last reviews are safe in review/catalog.duckdb and are merged by the next `soro sft review` or `soro sft export`",
            );
        } finally {
          review.close();
        }
      },
    );

  sft
    .command("load-edu")
    .description(
      "queue passages of a stage's documents for annotators to rate 0–5 for educational value, spread over sources and edu_score bands",
    )
    .option("--n <n>", "passages to add (documents queued before are skipped)", "200")
    .option("--stage <stage>", "stage to take documents from (default: the latest with active shards)")
    .option("--seed <n>", "sampling seed (the same seed picks the same documents)", "0")
    .action(async (o: { n: string; stage?: string; seed: string }, cmd: Command) => {
      const { loadEduPassages } = await import("@soro/sft-builder");
      await withCatalog(cmd, async (c) => {
        const r = await loadEduPassages(c, {
          n: intOption("--n", o.n, 1),
          stage: o.stage,
          seed: intOption("--seed", o.seed, 0),
        });
        const spread = Object.entries(r.strata)
          .map(([k, n]) => `${k}: ${n}`)
          .join(", ");
        console.log(
          `soro sft load-edu: ${r.added} passages from ${r.stage} queued for rating (${spread || "none left"})`,
        );
      });
    });

  const users = sft.command("users").description("review app accounts");
  users
    .command("add")
    .description("create an account; the password comes from --password-file, piped stdin, or a prompt")
    .argument("<username>", "sign-in name")
    .option("--role <role>", "annotator or lead", "annotator")
    .option("--name <display>", "name shown in the app")
    .option("--password-file <file>", "read the password from the first line of this file")
    .option("--replace", "reset an existing account's password, name and role")
    .action(
      async (
        username: string,
        o: { role: string; name?: string; passwordFile?: string; replace?: boolean },
        cmd: Command,
      ) => {
        const password = await readPassword(o.passwordFile);
        const { addUser } = await import("@soro/sft-builder");
        await withCatalog(cmd, async (c) => {
          const u = await addUser(c, {
            username,
            password,
            role: o.role as Role,
            displayName: o.name,
            replace: o.replace,
          });
          console.log(`soro sft users: ${u.username} (${u.role}) ready`);
        });
      },
    );
  users
    .command("list")
    .description("accounts and their roles")
    .action(async (_o, cmd: Command) => {
      const { listUsers } = await import("@soro/sft-builder");
      await withCatalog(cmd, async (c) =>
        console.log(formatTable((await listUsers(c)) as unknown as Record<string, unknown>[])),
      );
    });

  sft
    .command("export")
    .description(
      "write accepted samples (edited text where edited) as JSONL and Parquet, with Gemma 3 renderings",
    )
    .requiredOption("--out <dir>", "output folder")
    .option("--format <f>", EXPORT_FORMATS.join("|"), "messages")
    .action(async (o: { out: string; format: string }, cmd: Command) => {
      const { exportAccepted, mergeReviewDb } = await import("@soro/sft-builder");
      await withCatalog(cmd, async (c) => {
        // Reviews a server kept but had not published yet (it stopped while the catalog was busy) come first.
        await mergeReviewDb(c);
        const r = await exportAccepted(c, { format: o.format as ExportFormat, out: o.out });
        console.log(`soro sft export: ${r.examples} accepted examples -> ${r.files.join(", ")}`);
      });
    });
}
