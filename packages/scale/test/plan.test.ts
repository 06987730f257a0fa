import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileSha256 } from "@soro/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStorage, resultKey, type Storage, splitIntoTasks, splitUri } from "../src/index.js";
import { startS3 } from "../src/testing.js";
import { tempDir } from "./helpers.js";

describe("splitIntoTasks", () => {
  it("balances rows over at most n tasks, deterministically", () => {
    const inputs = [{ rows: 100 }, { rows: 10 }, { rows: 60 }, { rows: 50 }];
    expect(splitIntoTasks(inputs, 2)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(splitIntoTasks(inputs, 9)).toHaveLength(4);
    expect(splitIntoTasks(inputs, 1)).toEqual([[0, 1, 2, 3]]);
  });
});

describe("plan keys", () => {
  it("keeps one result per input, whatever its shard id contains", () => {
    expect(resultKey("length", "abc", "ingest/part-0/x.parquet")).toBe(
      "stages/length/abc/results/ingest%2Fpart-0%2Fx.parquet.json",
    );
    expect(splitUri("s3://b/p/plan.json")).toEqual({ root: "s3://b/p", key: "plan.json" });
  });
});

/** The same contract for both kinds of storage. */
function storageContract(name: string, open: () => Promise<Storage>): void {
  describe(name, () => {
    it("round-trips files (multipart on S3) and JSON, lists and checks keys", async () => {
      const storage = await open();
      const dir = await tempDir();
      const big = path.join(dir, "big.bin");
      // Above the 16 MiB part size, so S3 takes a multipart upload.
      await writeFile(big, Buffer.alloc(17 * 2 ** 20, "шаҳр"));
      await storage.putFile("inputs/big.bin", big);
      await storage.getFile("inputs/big.bin", path.join(dir, "back.bin"));
      expect(await fileSha256(path.join(dir, "back.bin"))).toBe(await fileSha256(big));
      await storage.putJson("stages/x/results/a.json", { ok: "ҳа" });
      expect(await storage.getJson("stages/x/results/a.json")).toEqual({ ok: "ҳа" });
      expect(await storage.getJson("stages/x/results/none.json")).toBeNull();
      expect(await storage.exists("inputs/big.bin")).toBe(true);
      expect(await storage.exists("inputs/none.bin")).toBe(false);
      expect(await storage.list("stages/x/")).toEqual(["stages/x/results/a.json"]);
      expect(await storage.list("nothing/")).toEqual([]);
      await storage.remove("stages/x/results/a.json");
      await storage.remove("stages/x/results/a.json");
      expect(await storage.list("stages/x/")).toEqual([]);
    });
  });
}

storageContract("LocalStorage", async () => openStorage(await tempDir()));

let s3: Awaited<ReturnType<typeof startS3>>;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(() => s3?.close());
storageContract("S3Storage (s3rver on 127.0.0.1)", async () => openStorage(`${s3.uri}/contract`));
