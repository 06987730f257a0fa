import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Catalog, defaultWorkspaceDir } from "../src/index.js";
import { tempDir } from "./helpers.js";

const saved = process.env.SORO_WORKSPACE;
afterEach(() => {
  if (saved === undefined) delete process.env.SORO_WORKSPACE;
  else process.env.SORO_WORKSPACE = saved;
});

describe("defaultWorkspaceDir", () => {
  it("resolves --workspace against the current folder, not the process's first one", async () => {
    const dir = await tempDir();
    expect(defaultWorkspaceDir("../ws", path.join(dir, "sub"))).toBe(path.join(dir, "ws"));
    expect(defaultWorkspaceDir("/abs/ws", dir)).toBe("/abs/ws");
  });

  it("finds the workspace from any folder inside it, as git finds its repository", async () => {
    const ws = path.join(await tempDir(), "ws");
    (await Catalog.open(ws, { create: true })).close();
    const deep = path.join(ws, "shards", "ingest");
    await mkdir(deep, { recursive: true });
    process.env.SORO_WORKSPACE = "/elsewhere"; // the folder found upward comes first
    expect(defaultWorkspaceDir(undefined, deep)).toBe(ws);
    expect(defaultWorkspaceDir(undefined, ws)).toBe(ws);
  });

  it("falls back to $SORO_WORKSPACE, then ./workspace, when no folder upward holds a catalog", async () => {
    const dir = await tempDir();
    process.env.SORO_WORKSPACE = "corpus";
    expect(defaultWorkspaceDir(undefined, dir)).toBe(path.join(dir, "corpus"));
    delete process.env.SORO_WORKSPACE;
    expect(defaultWorkspaceDir(undefined, dir)).toBe(path.join(dir, "workspace"));
  });
});
