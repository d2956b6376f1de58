/**
 * Byte copy between typed arrays. Short copies use a loop: `dst.set(src.subarray(...))`
 * allocates a view object per call, which dominates for the few-byte keys and values of the
 * hot path.
 */
export function copyBytes(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, len: number): void {
  if (len <= 48) {
    for (let i = 0; i < len; i++) dst[dstOff + i] = src[srcOff + i];
  } else {
    dst.set(src.subarray(srcOff, srcOff + len), dstOff);
  }
}
