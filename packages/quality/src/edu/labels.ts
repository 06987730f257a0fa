/**
 * Annotator labels for the educational-value model: a JSON Lines file (`{"text": ..., "score": 0-5}`, optionally
 * `"n"` raters and `"doc_id"`), or the review app's accepted ratings (`{doc_id, text, mean, n}`), as weighted
 * training passages. A line that cannot be used is returned with its reason, never dropped silently.
 */
import { readFile } from "node:fs/promises";
import type { LabelledText } from "./train.js";

/** One accepted rating as the review app reports it: a passage, the annotators' mean score and how many rated it. */
export interface EduRating {
  doc_id: string;
  text: string;
  mean: number;
  n: number;
}

/** A labels-file line that was not used, and why. */
export interface RejectedLabel {
  where: string;
  reason: string;
}

/**
 * How much one annotator label counts against one weak label: weak labels are guesses from a passage's source, a
 * rating is a person reading it. More raters count more, with diminishing returns (sqrt).
 */
export const ANNOTATOR_WEIGHT = 4;

/** Ratings as training passages, weighted by ANNOTATOR_WEIGHT × sqrt(raters). */
export function ratingsToLabels(ratings: readonly EduRating[], source = "review"): LabelledText[] {
  return ratings.map((r) => ({
    text: r.text,
    score: r.mean,
    weight: ANNOTATOR_WEIGHT * Math.sqrt(Math.max(1, r.n)),
    source,
    group: `${source}:${r.doc_id}`,
  }));
}

/** Reads a labels file: the usable ratings and the lines left out with their reasons. */
export async function readLabelsFile(
  file: string,
): Promise<{ ratings: EduRating[]; rejected: RejectedLabel[] }> {
  const ratings: EduRating[] = [];
  const rejected: RejectedLabel[] = [];
  const lines = (await readFile(file, "utf8")).split("\n");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const where = `${file}:${i + 1}`;
    let rec: { text?: unknown; score?: unknown; n?: unknown; doc_id?: unknown };
    try {
      rec = JSON.parse(line);
    } catch {
      rejected.push({ where, reason: "not JSON" });
      continue;
    }
    if (typeof rec.text !== "string" || rec.text.trim() === "") {
      rejected.push({ where, reason: "no text" });
      continue;
    }
    const score = Number(rec.score);
    if (typeof rec.score !== "number" || !(score >= 0 && score <= 5)) {
      rejected.push({ where, reason: `score ${JSON.stringify(rec.score)} is not a number from 0 to 5` });
      continue;
    }
    ratings.push({
      doc_id: typeof rec.doc_id === "string" ? rec.doc_id : `line-${i + 1}`,
      text: rec.text,
      mean: score,
      n: typeof rec.n === "number" && rec.n >= 1 ? rec.n : 1,
    });
  }
  return { ratings, rejected };
}
