/**
 * Small zeroed typed arrays carved out of shared buffers. Language ID makes several arrays of one number per
 * candidate language (35) for every line, and each `new Float64Array(n)` over 64 bytes gets a buffer of its own
 * outside V8's heap: about four times the cost of a view on a shared buffer, plus its collection. Parts of a
 * buffer are never handed out twice (a buffer lives while any of its views does), so every array starts zeroed.
 */
const BUFFER_BYTES = 1 << 18;
/** Larger arrays get buffers of their own. */
const LARGEST = BUFFER_BYTES >> 4;
let buffer = new ArrayBuffer(BUFFER_BYTES);
let top = 0;

/** Byte offset of `bytes` more bytes in `buffer` (8-byte aligned). */
function carve(bytes: number): number {
  if (top + bytes > BUFFER_BYTES) {
    buffer = new ArrayBuffer(BUFFER_BYTES);
    top = 0;
  }
  const at = top;
  top += (bytes + 7) & ~7;
  return at;
}

/** A zeroed Float64Array of `n` numbers. */
export function float64s(n: number): Float64Array {
  if (n * 8 > LARGEST) return new Float64Array(n);
  const at = carve(n * 8);
  return new Float64Array(buffer, at, n);
}

/** A zeroed Int32Array of `n` numbers. */
export function int32s(n: number): Int32Array {
  if (n * 4 > LARGEST) return new Int32Array(n);
  const at = carve(n * 4);
  return new Int32Array(buffer, at, n);
}
