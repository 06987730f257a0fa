// `pnpm build`: compiles every package's src/ to JavaScript in the package's dist/, file by file, with source maps.
//
// Why file by file with esbuild, and not one bundle or tsc: each package finds its data, rules, templates, review UI,
// worker entries and stage modules beside its own files (`new URL("../data/…", import.meta.url)`), so dist/ keeps
// src/'s layout and every such path stays valid; the command modules' dynamic imports stay lazy, so `soro --help`
// loads no stage library. esbuild compiles the whole repository in about a second on two cores, where tsc's emit
// takes most of a minute; types are checked by `pnpm typecheck` either way.
//
// Workspace imports (`@soro/core`, `import.meta.resolve("@soro/normalize/stage")`) are rewritten to the relative
// path of the other package's dist/ file, so the built tree runs on plain Node without the sources or tsx, while
// the packages' `exports` keep pointing at src/ for tsx, vitest and the type checker. Files that are not
// TypeScript (worker entries, JSON, the review UI) are copied as they are.
//
// `node tools/build.mjs --if-stale` builds only when a source is newer than the last build (the test setup uses it).
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const packagesDir = path.join(root, "packages");
/** Written last by a build: the fingerprint of the sources it compiled. */
const STAMP = path.join(packagesDir, "cli", "dist", ".build-stamp");

const COMPILED = /\.ts$/;
const SKIPPED = /(\.test\.ts|\.d\.ts)$/;

/** Every file under dir, as paths relative to it. */
function walk(dir, rel = "") {
  const out = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...walk(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** The packages that have a src/ folder, with their files and package.json. */
function packages() {
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const dir = path.join(packagesDir, e.name);
      try {
        const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
        return [{ name: manifest.name, dir, manifest, files: walk(path.join(dir, "src")) }];
      } catch {
        return [];
      }
    });
}

/** The fingerprint of the sources: every file's path, size and mtime, and every package.json. */
function fingerprint(pkgs) {
  const h = createHash("sha256");
  for (const p of pkgs) {
    h.update(JSON.stringify(p.manifest));
    for (const f of p.files) {
      const s = statSync(path.join(p.dir, "src", f));
      h.update(`${p.name}/${f}\0${s.size}\0${s.mtimeMs}\n`);
    }
  }
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  return h.digest("hex");
}

/** The dist/ path of a src/ path inside a package (`./src/a/b.ts` → `./dist/a/b.js`). */
export function distPath(srcPath) {
  return srcPath.replace(/^(\.\/)?src\//, "$1dist/").replace(/\.ts$/, ".js");
}

/** Resolves `@soro/pkg[/sub]` to the absolute dist/ file it runs as once built, or null for any other specifier. */
function workspaceTarget(pkgs, specifier) {
  const m = /^(@soro\/[^/]+)(\/.+)?$/.exec(specifier);
  if (!m) return null;
  const pkg = pkgs.find((p) => p.name === m[1]);
  if (!pkg) throw new Error(`build: ${specifier}: no package ${m[1]} under packages/`);
  const exportsMap =
    typeof pkg.manifest.exports === "string" ? { ".": pkg.manifest.exports } : pkg.manifest.exports;
  const target = exportsMap?.[`.${m[2] ?? ""}`];
  if (typeof target !== "string")
    throw new Error(
      `build: ${specifier}: ${pkg.name} exports no "${`.${m[2] ?? ""}`}" (see its package.json)`,
    );
  return path.join(pkg.dir, distPath(target));
}

/** `target` relative to the folder of `fromFile`, as an import specifier (`./x.js`, `../../core/dist/index.js`). */
function relativeSpecifier(fromFile, target) {
  const rel = path.relative(path.dirname(fromFile), target).split(path.sep).join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

/** The output file of a source file. */
function outputOf(pkgs, srcFile) {
  const pkg = pkgs.find((p) => srcFile.startsWith(`${p.dir}${path.sep}`));
  return path.join(pkg.dir, distPath(path.relative(pkg.dir, srcFile)));
}

/**
 * Compiles every package's src/ to dist/. Returns the number of files written. Each package's output is written to
 * a fresh folder beside dist/ and then renamed over it, so a `soro` started meanwhile (a test, a second shell) finds
 * the old tree or the new one, never half of one.
 */
export async function build() {
  const { build: esbuild } = await import("esbuild");
  const pkgs = packages();
  const stamp = fingerprint(pkgs);
  const staging = (p) => path.join(p.dir, `.dist-${process.pid}`);
  const entryPoints = [];
  let copied = 0;
  for (const p of pkgs) {
    rmSync(staging(p), { recursive: true, force: true });
    mkdirSync(staging(p), { recursive: true });
    for (const f of p.files) {
      const src = path.join(p.dir, "src", f);
      if (SKIPPED.test(f)) continue;
      if (COMPILED.test(f)) {
        // Written to the staging folder; the imports are computed for the file's place in dist/, at the same depth.
        const out = path.join(staging(p), path.relative(path.join(p.dir, "dist"), outputOf(pkgs, src)));
        entryPoints.push({ in: src, out: path.relative(root, out).replace(/\.js$/, "") });
      } else {
        const out = path.join(staging(p), f);
        mkdirSync(path.dirname(out), { recursive: true });
        copyFileSync(src, out);
        copied++;
      }
    }
  }
  /** Keeps every import as it is (one output file per source file), except workspace packages, rewritten to dist/. */
  const workspaceImports = {
    name: "workspace-imports",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        // JSON a module imports is inlined: esbuild drops the import attribute (`with { type: "json" }`) that Node
        // needs for an external one.
        if (args.kind === "entry-point" || args.path.endsWith(".json")) return undefined;
        const target = workspaceTarget(pkgs, args.path);
        if (!target) return { path: args.path, external: true };
        return { path: relativeSpecifier(outputOf(pkgs, args.importer), target), external: true };
      });
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = readFileSync(args.path, "utf8");
        // import.meta.resolve("@soro/…") names a module for a worker to load: the built file, relative to this one.
        const contents = text.replace(/import\.meta\.resolve\(\s*"(@soro\/[^"]+)"\s*\)/g, (_all, spec) => {
          const rel = relativeSpecifier(outputOf(pkgs, args.path), workspaceTarget(pkgs, spec));
          return `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
        });
        return { contents, loader: "ts" };
      });
    },
  };
  await esbuild({
    entryPoints,
    outdir: root,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    plugins: [workspaceImports],
  });
  for (const p of pkgs) {
    const dist = path.join(p.dir, "dist");
    const old = path.join(p.dir, `.dist-old-${process.pid}`);
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(staging(p), dist);
    rmSync(old, { recursive: true, force: true });
  }
  writeFileSync(STAMP, stamp);
  return entryPoints.length + copied;
}

/** True when a source changed since the last build (or there was none). */
export function isStale() {
  try {
    return readFileSync(STAMP, "utf8") !== fingerprint(packages());
  } catch {
    return true;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--if-stale") && !isStale()) process.exit(0);
  const t0 = performance.now();
  const files = await build();
  console.log(
    `built ${files} files into packages/*/dist in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
