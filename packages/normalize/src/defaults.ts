// The defaults the `soro normalize` help shows, in a module that loads no library (`@soro/normalize/defaults`).

/** Which documents and words `soro normalize learn` and `lexicon build` count from the workspace. */
export const DEFAULT_CORPUS_COUNTS = {
  /** Least `lang_score` of a Tajik document to count. */
  minScore: 0.9,
  /** Least count of a word (or bigram) to keep. */
  minCount: 2,
} as const;
