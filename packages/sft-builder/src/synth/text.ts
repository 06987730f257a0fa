/** Sentence and chunk helpers for Tajik curriculum text. */

/** Splits a paragraph into sentences at . ! ? … followed by a space and a capital or a quote. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+(?=[«"(\p{Lu}\d])/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Words of a text as written (letters, with inner hyphens), for picking blanks and terms. */
export function words(text: string): string[] {
  return text.match(/\p{L}+(?:-\p{L}+)*/gu) ?? [];
}

/** Whether a block reads as a heading: short, one line, no sentence-ending punctuation except a final dot. */
export function isHeading(block: string): boolean {
  const w = words(block).length;
  return !block.includes("\n") && w > 0 && w <= 8 && block.length <= 80 && !/[,;:?!]\s*$/.test(block);
}
