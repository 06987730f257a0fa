import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SORO_BIN } from "@soro/core/testing";
import { udhrSections } from "@soro/samples";
import { expect, it } from "vitest";
import { encodeSingleByte, withoutTajikLetters } from "./site.js";

it("`soro extract PAGE.html` and `soro extract -` print the main text, one block a line", async () => {
  const s = (await udhrSections("tgk"))[9]!;
  const text = [s.heading, ...s.paragraphs].map(withoutTajikLetters);
  const html = `<html><head><meta charset="windows-1251"></head><body><nav><a href="/">Асоси</a></nav><main><h1>${text[0]}</h1>${text
    .slice(1)
    .map((p) => `<p>${p}</p>`)
    .join("")}</main><footer>© 2024</footer></body></html>`;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "soro-extract-")), "page.html");
  writeFileSync(file, encodeSingleByte(html, "windows-1251"));
  const fromFile = spawnSync(process.execPath, [SORO_BIN, "extract", file], {
    encoding: "utf8",
  });
  expect(fromFile.status, fromFile.stderr).toBe(0);
  expect(fromFile.stdout).toBe(`${text.join("\n")}\n`);
  const fromStdin = spawnSync(process.execPath, [SORO_BIN, "extract", "-"], {
    input: encodeSingleByte(html, "windows-1251"),
    encoding: "utf8",
  });
  expect(fromStdin.stdout).toBe(fromFile.stdout);
});
