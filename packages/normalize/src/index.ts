export { type Analysis, analyseText } from "./analyse.js";
export { buildCatalogLexicon } from "./catalog-lexicon.js";
export {
  findWorkspaceModel,
  type LearnOptions,
  learnCatalogModel,
  workspaceModelPath,
} from "./catalog-model.js";
export type { Change } from "./changes.js";
export {
  charAccuracy,
  toChatLatin,
  toKoi8tAsCp1251,
  toKoi8tAsKoi8r,
  toLegacyA,
  toLegacyB,
  toMojibake,
  toPersianScript,
  toRussianKeyboard,
  wordAccuracy,
} from "./damage.js";
export { type FilterOptions, langidFilter, normalizeFilter } from "./filter.js";
export { TAJIK_FUNCTION_WORDS, TAJIK_FUNCTION_WORDS_FOLDED } from "./function-words.js";
export {
  identifyLanguage,
  identifyLineResults,
  identifyLines,
  LANGID_PARAMS,
  LANGS,
  type Lang,
  type LangResult,
  SHORT_LINE,
} from "./langid.js";
export { foldTajik, TAJIK_ALPHABET, TAJIK_SPECIAL } from "./letters.js";
export { countWords, defaultLexicon, Lexicon, loadLexicon } from "./lexicon.js";
export { buildLexicon } from "./lexicon-build.js";
export { defaultModel, loadModel, type ModelHeader, type ModelSource, TajikModel } from "./model.js";
export { ModelCounter } from "./model-build.js";
export { type NormalizeOptions, type NormalizeResult, normalizeText } from "./normalize.js";
export { RUSSIAN_FUNCTION_WORDS } from "./russian-words.js";
export { type Script, type ScriptShares, scriptShares } from "./script.js";
export { type NormalizeStageOptions, normalizeStage } from "./stage.js";
