import { type CurriculumVocab, curriculumSignals, loadCurriculumVocab, NO_CURRICULUM } from "./curriculum.js";
import type { DocContext } from "./doc-context.js";
import { eduModule } from "./edu/columns.js";
import { READING_COLUMNS, readingSignals } from "./reading-level.js";
import { SAFETY_COLUMNS, safetySignals } from "./safety.js";
import type { SignalModule } from "./signal-module.js";
import { baseSignalsModule } from "./signals.js";

/** Reading level: sentence and word lengths, syllables, rare words, the grade they give, and curriculum words. */
export const readingModule: SignalModule = {
  name: "reading",
  version: "2",
  columns: READING_COLUMNS,
  setup: (options) => {
    const measure = (vocab: CurriculumVocab | null) => (ctx: DocContext) => {
      const words = ctx.letters;
      return {
        ...readingSignals(ctx.text, words, ctx.chars.sentences),
        ...(vocab ? curriculumSignals(words, vocab) : NO_CURRICULUM),
      };
    };
    // Synchronous without a vocabulary, so analyzeText can run the module on its own.
    const file = options?.curriculum?.file;
    return file ? loadCurriculumVocab(file).then(measure) : measure(null);
  },
};

/** Safety: unsafe term scores per category and the host's category. */
export const safetyModule: SignalModule = {
  name: "safety",
  version: "1",
  columns: SAFETY_COLUMNS,
  setup: () => (ctx) => safetySignals(ctx.letters, ctx.doc.url),
};

/**
 * The signal modules the quality signals stage runs, in column order. A new group of signals is a module file
 * exporting a `SignalModule`, added to this list (its columns then appear in the stage's output).
 */
export const SIGNAL_MODULES: readonly SignalModule[] = [
  baseSignalsModule,
  readingModule,
  safetyModule,
  eduModule,
];
