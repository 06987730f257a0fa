import path from "node:path";

/**
 * The URL of the module `name` beside the module at `metaUrl`, with that module's own extension: `name.ts` run from
 * the sources (tsx, vitest), `name.js` in the built dist/. For modules a worker or a child process loads by URL
 * (stage modules, task entries), which the build's import rewriting does not reach.
 */
export function siblingModule(metaUrl: string, name: string): URL {
  return new URL(`./${name}${path.extname(new URL(metaUrl).pathname) || ".js"}`, metaUrl);
}
