// Two of language ID's per-word loops compiled to WebAssembly, for wasm-kernel.bench.ts, which times them beside the
// same loops in JavaScript. AssemblyScript; the bench's --rebuild compiles it to kernel.wasm.

// For each word, adds its record's trigram gains (sparse: language ids and gains, padded to groups of 4) into the
// line's sums; at each line's end adds the sums into the total in language order and zeroes them.
export function gains(
  words: i32, lineEnds: i32, lines: i32, recAt: i32, recLen: i32, g: i32, ids: i32, sums: i32, langs: i32,
): f64 {
  let total: f64 = 0;
  let w = 0;
  for (let line = 0; line < lines; line++) {
    const end = load<i32>(lineEnds + (line << 2));
    for (; w < end; w++) {
      const r = load<i32>(words + (w << 2));
      const at = load<i32>(recAt + (r << 2));
      const n = load<i32>(recLen + (r << 2));
      for (let j = 0; j < n; j += 4) {
        const k = at + j;
        const a0 = sums + (load<i32>(ids + (k << 2)) << 3);
        store<f64>(a0, load<f64>(a0) + load<f64>(g + (k << 3)));
        const a1 = sums + (load<i32>(ids + ((k + 1) << 2)) << 3);
        store<f64>(a1, load<f64>(a1) + load<f64>(g + ((k + 1) << 3)));
        const a2 = sums + (load<i32>(ids + ((k + 2) << 2)) << 3);
        store<f64>(a2, load<f64>(a2) + load<f64>(g + ((k + 2) << 3)));
        const a3 = sums + (load<i32>(ids + ((k + 3) << 2)) << 3);
        store<f64>(a3, load<f64>(a3) + load<f64>(g + ((k + 3) << 3)));
      }
    }
    for (let l = 0; l < langs; l++) {
      total += load<f64>(sums + (l << 3));
      store<f64>(sums + (l << 3), 0);
    }
  }
  return total;
}

// The Cyrillic words (runs of U+0400..U+04FF) of a UTF-16 text, each hashed two ways on the way to its end (from
// `start` and 0, its letters lower-cased by the u16 table at `lower`, indexed by code - 0x400, as the stage's word
// hash does) and probed in an open-addressing table of (hashA, hashB, length, record) slots; returns the sum of the
// records found.
export function walk(text: i32, n: i32, table: i32, mask: i32, lower: i32, start: i32, prime: i32): i32 {
  let found = 0;
  let i = 0;
  while (i < n) {
    let c = <i32>load<u16>(text + (i << 1));
    if (c < 0x400 || c > 0x4ff) {
      i++;
      continue;
    }
    const from = i;
    let ha: i32 = start;
    let hb: i32 = 0;
    do {
      const l = <i32>load<u16>(lower + ((c - 0x400) << 1));
      ha = (ha ^ l) * prime;
      hb = hb * 31 + l;
      i++;
      c = i < n ? <i32>load<u16>(text + (i << 1)) : 0;
    } while (c >= 0x400 && c <= 0x4ff);
    const len = i - from;
    let s = ha & mask;
    while (true) {
      const p = table + (s << 4);
      const ka = load<i32>(p);
      if (ka == 0) break;
      if (ka == ha && load<i32>(p + 4) == hb && load<i32>(p + 8) == len) {
        found += load<i32>(p + 12);
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return found;
}
