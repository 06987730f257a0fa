import { defineStage } from "@soro/core";
import { analyseText } from "./analyse.js";
import { defaultLexicon, loadLexicon } from "./lexicon.js";
import { defaultModel, loadModel } from "./model.js";

/** Options of the normalize stage (part of its config hash). */
export interface NormalizeStageOptions {
  /** Persian-script and Latin Tajik to Cyrillic (default true). */
  scriptMapping?: boolean;
  /** Restore Tajik letters typed without them (default true). */
  restore?: boolean;
  /** Lexicon file (`soro normalize lexicon build`); default: the one shipped with the package. */
  lexicon?: string;
  /** Word model file (`soro normalize learn`); default: the one shipped with the package. */
  model?: string;
  /** Version recorded in the model file (part of the config hash, so a relearned model reruns the stage). */
  modelVersion?: string;
}

/** Unicode and encoding repair, script mapping and language ID per document; the repaired text replaces `text`. */
export const normalizeStage = defineStage<NormalizeStageOptions>({
  name: "normalize",
  version: "6",
  description:
    "Unicode and legacy-encoding repair, Persian/Latin to Cyrillic, Tajik letters restored, language ID",
  inputs: ["ingest", "crawl", "pdf"],
  rewritesText: true,
  reads: ["id", "text"],
  columns: [
    {
      name: "lang",
      type: "VARCHAR",
      doc: "document language after repair, ISO 639-3 (tgk rus uzn kaz kir tat pes prs eng ukr bul srp ... und)",
    },
    {
      name: "lang_score",
      type: "DOUBLE",
      doc: "calibrated probability 0..1 that the document is Tajik (trigrams, letters, function words)",
    },
    {
      name: "script",
      type: "VARCHAR",
      doc: "dominant script of the original text: cyrl, arab, latn or mixed",
    },
    {
      name: "converted",
      type: "VARCHAR",
      doc: "script a document was converted from when it reads as Tajik after conversion (arab, latn; '' otherwise): lang is then tgk, and a mixture can weight it",
    },
    { name: "cyrl_share", type: "DOUBLE", doc: "share of the original text's letters that are Cyrillic" },
    {
      name: "arab_share",
      type: "DOUBLE",
      doc: "share of the original text's letters that are Arabic-script",
    },
    { name: "latn_share", type: "DOUBLE", doc: "share of the original text's letters that are Latin" },
    { name: "tgk_line_share", type: "DOUBLE", doc: "share of lines with letters identified as Tajik" },
    { name: "rus_line_share", type: "DOUBLE", doc: "share of lines with letters identified as Russian" },
    {
      name: "line_langs",
      type: "VARCHAR[]",
      doc: "ISO 639-3 language of each line of the normalized text (und: no letters); short lines follow the document",
    },
    {
      name: "line_tgk",
      type: "DOUBLE[]",
      doc: "calibrated probability that each line of the normalized text is Tajik",
    },
    {
      name: "encoding",
      type: "VARCHAR",
      doc: "main repair applied: none, legacy_a, legacy_b, koi8t, persian_script, ...",
    },
    {
      name: "repairs",
      type: "INTEGER",
      doc: "characters changed by repair (cleanup of spaces and Unicode not counted)",
    },
    { name: "normalize_steps", type: "VARCHAR", doc: "JSON object: characters changed per normalize rule" },
  ],
  setup(options) {
    const lexicon = options?.lexicon ? loadLexicon(options.lexicon) : defaultLexicon();
    const model = options?.model ? loadModel(options.model) : defaultModel();
    const opts = { lexicon, model, scriptMapping: options?.scriptMapping, restore: options?.restore };
    return (doc) => {
      const a = analyseText(doc.text, opts);
      return {
        text: a.text,
        add: {
          lang: a.lang,
          lang_score: a.langScore,
          script: a.original.script,
          converted: a.converted,
          cyrl_share: a.original.cyrl,
          arab_share: a.original.arab,
          latn_share: a.original.latn,
          tgk_line_share: a.tgkLineShare,
          rus_line_share: a.rusLineShare,
          line_langs: a.lineLangs,
          line_tgk: a.lineTgk,
          encoding: a.encoding,
          repairs: a.repairs,
          normalize_steps: JSON.stringify(a.steps),
        },
      };
    };
  },
});
