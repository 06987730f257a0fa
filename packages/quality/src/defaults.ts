// The defaults the `soro quality` help shows, from modules that load no library (`@soro/quality/defaults`).
export { DEFAULT_LINE_CLEAN } from "./lines.js";
