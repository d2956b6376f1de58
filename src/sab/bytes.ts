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

/** Little-endian u32 at d[at..at+4) (records in SAB rings, whatever the view's alignment). */
export function getU32(d: Uint8Array, at: number): number {
  return (d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) | (d[at + 3] << 24)) >>> 0;
}

export function putU32(d: Uint8Array, at: number, v: number): void {
  d[at] = v & 0xff;
  d[at + 1] = (v >>> 8) & 0xff;
  d[at + 2] = (v >>> 16) & 0xff;
  d[at + 3] = (v >>> 24) & 0xff;
}
