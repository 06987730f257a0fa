// The names the `soro sft` help lists, in a module that loads no library (`@soro/sft-builder/defaults`), so the
// command's help does not load the review server or the engines.

/** The tasks a teacher-style example can be (issue 9). */
export const TASKS = [
  "explain",
  "worked_solution",
  "quiz",
  "summary",
  "correct_mistakes",
  "followup",
  "ru_to_tg",
] as const;
/** One task name. */
export type Task = (typeof TASKS)[number];

/** Tasks the offline extractive engine can mine from curriculum text (worked solutions and translation need a model). */
export const EXTRACTIVE_TASKS: Task[] = ["explain", "quiz", "summary", "correct_mistakes", "followup"];

/** Trainer forms an export can take: the trainer bridge's SFT forms, which its writer produces. */
export {
  SFT_FORMATS as EXPORT_FORMATS,
  type SftFormat as ExportFormat,
} from "@soro/trainer-bridge/defaults";
