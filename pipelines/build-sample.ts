// Writes the demo's bundled sample (real offline text, see @soro/samples) as JSON Lines into the given folder.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { toLegacyA, toPersianScript, toRussianKeyboard } from "@soro/normalize";
import { demoSample } from "@soro/samples";

const outDir = process.argv[2] ?? "out/demo/sample";
await mkdir(outDir, { recursive: true });
const records = await demoSample({
  russianKeyboard: toRussianKeyboard,
  legacyFontA: toLegacyA,
  persianScript: toPersianScript,
});
const file = path.join(outDir, "sample.jsonl");
await writeFile(file, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
console.log(
  `sample: ${records.length} documents, ${records.reduce((n, r) => n + r.text.length, 0)} characters -> ${file}`,
);
