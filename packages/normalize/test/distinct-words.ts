const ALPHABET = "абвгдеёжзийклмнопрстуфхчшъэюяғӣқӯҳҷ";

/** The `k`-th distinct four-letter word of the Tajik alphabet. */
function word(k: number): string {
  let w = "";
  for (let i = 0; i < 4; i++, k = Math.floor(k / ALPHABET.length)) w += ALPHABET[k % ALPHABET.length];
  return w;
}

/**
 * Distinct Cyrillic words for tests of what a word table drops for room: `short` four-letter words, then `long`
 * words of four letters and `-истон` `repeat` times (longer than a table keeps whole).
 */
export function distinctWords(short: number, long: number, repeat: number): string[] {
  return Array.from({ length: short + long }, (_, k) =>
    k < short ? word(k) : `${word(k)}${"истон".repeat(repeat)}`,
  );
}
