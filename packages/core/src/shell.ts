/**
 * Quotes one word for a POSIX shell: words of safe characters stay as they are, anything else goes in single
 * quotes (so `$SLURM_JOB_ID` stays unexpanded unless the caller writes it outside a quoted word).
 */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
