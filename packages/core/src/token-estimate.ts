/**
 * Gemma 3 characters per token on Tajik (TAJIK.md): the estimate wherever tokens are not counted yet (selection's
 * removals, the report, the token goal, job plans); `soro bridge count` replaces it with exact counts.
 */
export const CHARS_PER_TOKEN = 2.3;

/** The estimated Gemma 3 tokens of `chars` Tajik characters. */
export function estimateTokens(chars: number): number {
  return Math.round(chars / CHARS_PER_TOKEN);
}
