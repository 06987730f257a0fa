import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, sqlString } from "@soro/core";
import { commitQueryShard } from "@soro/core/testing";
import { libreofficeTajikStrings, udhrParagraphs } from "@soro/samples";
import { addSamples, addUser, type SftSample } from "../src/index.js";
import { queuedSample } from "../src/testing.js";

/** Passwords of the test accounts. */
export const PASSWORDS = { dilnoza: "сарвар-парол-1", rustam: "rustam-parol-2", parvina: "parvina-parol-3" };

/** Marks the planted samples whose text is markup that must never run. */
export const SCRIPT_PROBE = "<script>window.__soroPwned = 'script'</script>";
export const IMG_PROBE = `<img src="x" onerror="window.__soroPwned = 'img'">`;

/** Real Tajik samples: UDHR paragraphs to explain, LibreOffice strings to translate, and two holding markup. */
export async function tajikSamples(count = 12): Promise<Array<Omit<SftSample, "version">>> {
  const paras = (await udhrParagraphs("tgk")).filter((p) => p.length > 80);
  const ui = libreofficeTajikStrings().filter((s) => s.tg.length > 20 && s.en.length > 10);
  const out: Array<Omit<SftSample, "version">> = [];
  for (let i = 0; i < count; i++) {
    const p = paras[i % paras.length]!;
    out.push(
      queuedSample("explain", i % 2 ? "huquq" : "tarikh", 5 + (i % 5), [
        {
          role: "user",
          content: `Ин матнро барои хонандаи синфи ${5 + (i % 5)} шарҳ диҳед:\n${p.slice(0, 300)}`,
        },
        { role: "assistant", content: `Маънои асосии матн ин аст: ${p}` },
      ]),
    );
    const s = ui[(i * 37) % ui.length]!;
    out.push(
      queuedSample("translate", "zabon", 7, [
        { role: "user", content: `Ин ибораро ба забони англисӣ тарҷума кунед: «${s.tg}»` },
        { role: "assistant", content: s.en },
      ]),
    );
  }
  out.push(
    queuedSample("explain", "informatika", 9, [
      { role: "user", content: `Ин сатр дар саҳифаи веб чӣ кор мекунад? ${SCRIPT_PROBE}` },
      { role: "assistant", content: `Сатри ${SCRIPT_PROBE} скрипт аст; браузер онро иҷро мекунад.` },
    ]),
    queuedSample("explain", "informatika", 9, [
      { role: "user", content: `Тасвир бо хато: ${IMG_PROBE}` },
      { role: "assistant", content: `Аломати ${IMG_PROBE} ҳангоми хато кодро иҷро мекунад.` },
    ]),
  );
  return out;
}

/** A fresh workspace with Tajik samples queued for review and three accounts (one lead). */
export async function reviewWorkspace(
  count = 12,
): Promise<{ catalog: Catalog; dir: string; samples: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), "soro-review-"));
  const catalog = await Catalog.open(dir, { create: true });
  const samples = await addSamples(catalog, await tajikSamples(count));
  await addUser(catalog, {
    username: "dilnoza",
    password: PASSWORDS.dilnoza,
    role: "lead",
    displayName: "Дилноза",
  });
  await addUser(catalog, {
    username: "rustam",
    password: PASSWORDS.rustam,
    role: "annotator",
    displayName: "Рустам",
  });
  await addUser(catalog, {
    username: "parvina",
    password: PASSWORDS.parvina,
    role: "annotator",
    displayName: "Парвина",
  });
  return { catalog, dir, samples };
}

/** A signed-in HTTP client of the review API (cookie and CSRF token kept). */
export class Client {
  cookie = "";
  csrf = "";
  constructor(readonly base: string) {}

  async login(username: string, password: string): Promise<Response> {
    const res = await fetch(`${this.base}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (res.ok) {
      this.cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
      this.csrf = ((await res.clone().json()) as { csrf: string }).csrf;
    }
    return res;
  }

  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely
  async call<T = any>(method: string, url: string, body?: unknown): Promise<{ status: number; data: T }> {
    const res = await fetch(`${this.base}${url}`, {
      method,
      headers: { "content-type": "application/json", cookie: this.cookie, "x-csrf-token": this.csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, data: (await res.json()) as T };
  }
}

/**
 * Adds a committed `quality` shard of real Tajik documents with an `edu_score` column to a workspace: UDHR
 * articles (source edu, scored high) and LibreOffice interface strings (source web, scored low), `each` of both.
 */
export async function qualityShard(catalog: Catalog, each = 6): Promise<{ edu: string[]; web: string[] }> {
  const paras = (await udhrParagraphs("tgk")).filter((p) => p.length > 200);
  const ui = libreofficeTajikStrings().filter((s) => s.tg.length > 20);
  const rows: string[] = [];
  const ids = { edu: [] as string[], web: [] as string[] };
  for (let i = 0; i < each; i++) {
    const edu = `udhr-${i}`;
    const web = `lo-${i}`;
    ids.edu.push(edu);
    ids.web.push(web);
    const text = [paras[2 * i]!, paras[2 * i + 1]!].join("\n");
    const strings = ui
      .slice(i * 5, i * 5 + 5)
      .map((s) => s.tg)
      .join("\n");
    rows.push(`(${sqlString(edu)}, ${sqlString(text)}, 'edu', ${4 + (i % 2) * 0.5})`);
    rows.push(`(${sqlString(web)}, ${sqlString(strings)}, 'web', ${(i % 3) * 0.4})`);
  }
  const runId = await catalog.beginRun("quality", "test", null, 1);
  await commitQueryShard(
    catalog,
    catalog.conn,
    `SELECT * FROM (VALUES ${rows.join(", ")}) AS t(id, text, source, edu_score)`,
    { runId, stage: "quality", configHash: "test", sourceKey: "tajik", status: "active" },
  );
  return ids;
}
