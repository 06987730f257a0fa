import type { ChatMessage, SampleStatus } from "../samples/schema.js";
import { EDU_MAX, EDU_MIN, EDU_TASK } from "./edu-ratings.js";
import { REJECT_REASONS } from "./guidelines.js";
import { ReviewError } from "./serial.js";

// A reviewer's verdict on one item, the rules it must follow, and what the verdicts of `overlap` reviewers decide.

/** A reviewer's verdict on one sample; `messages` carries an edit (which counts as accepting). */
export interface ReviewInput {
  version: number;
  decision: "accept" | "reject";
  reason?: string | null;
  rating?: number | null;
  comment?: string | null;
  messages?: ChatMessage[];
}

/** A stored review. */
export interface StoredReview {
  username: string;
  decision: string;
  reason: string | null;
  rating: number | null;
  comment: string | null;
  edited: boolean;
  sample_version: number;
}

const REASONS = new Set(REJECT_REASONS.map((r) => r.code));

/** Refuses a malformed review before anything is written. */
export function validate(input: ReviewInput, current: ChatMessage[], task?: string): void {
  if (input.decision !== "accept" && input.decision !== "reject")
    throw new ReviewError(400, "decision must be accept or reject");
  if (!Number.isInteger(input.version)) throw new ReviewError(400, "version is required");
  if (task === EDU_TASK) {
    // A passage is rated, not judged: the rating is the review, and a worthless passage is rated 0.
    if (input.decision !== "accept" || input.messages !== undefined)
      throw new ReviewError(
        400,
        "a passage is rated (decision accept with a rating), not rejected or edited",
      );
    if (
      input.rating == null ||
      !Number.isInteger(input.rating) ||
      input.rating < EDU_MIN ||
      input.rating > EDU_MAX
    )
      throw new ReviewError(400, `a passage needs a rating from ${EDU_MIN} to ${EDU_MAX}`);
  }
  if (input.decision === "reject" && !REASONS.has(input.reason ?? ""))
    throw new ReviewError(400, `a rejection needs a reason: ${[...REASONS].join(", ")}`);
  if (task !== EDU_TASK && input.rating !== undefined && input.rating !== null) {
    if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5)
      throw new ReviewError(400, "rating must be 1 to 5");
  }
  if (
    input.comment &&
    (typeof input.comment !== "string" || input.comment.length > 4000 || input.comment.includes("\0"))
  )
    throw new ReviewError(400, "comment must be text of at most 4000 characters");
  if (input.messages !== undefined) {
    if (input.decision === "reject") throw new ReviewError(400, "an edited sample is accepted, not rejected");
    const m = input.messages;
    const ok =
      Array.isArray(m) &&
      m.length === current.length &&
      m.every(
        (x, i) =>
          x?.role === current[i]?.role &&
          typeof x.content === "string" &&
          x.content.trim().length > 0 &&
          x.content.length <= 20_000,
      );
    if (!ok) throw new ReviewError(400, "an edit keeps every turn and its role, each with non-empty text");
  }
}

/** Whether an edit changes the text of any turn. */
export function changed(a: ChatMessage[], b: ChatMessage[] | undefined): b is ChatMessage[] {
  return (
    b !== undefined && JSON.stringify(a.map((m) => m.content)) !== JSON.stringify(b.map((m) => m.content))
  );
}

/** Ratings of one passage further apart than this go to a lead instead of being averaged. */
export const EDU_MAX_SPREAD = 2;

/**
 * What `overlap` reviews decide: a sample is accepted or rejected when all agree, else a lead adjudicates; a
 * passage's ratings are accepted (and averaged by readers) unless they lie more than EDU_MAX_SPREAD apart.
 */
export function outcome(task: string, reviews: StoredReview[]): SampleStatus {
  if (task === EDU_TASK) {
    const ratings = reviews.map((r) => r.rating ?? 0);
    return Math.max(...ratings) - Math.min(...ratings) > EDU_MAX_SPREAD ? "needs_adjudication" : "accepted";
  }
  const all = new Set(reviews.map((r) => r.decision));
  const [first] = reviews;
  if (all.size > 1 || !first) return "needs_adjudication";
  return first.decision === "accept" ? "accepted" : "rejected";
}
