/**
 * Key record: one heap block per key, holding its metadata, the key bytes and, for strings up
 * to kInlineMax bytes, the value bytes inline.
 *
 *   units ptr p; byte b = p*8; u32 word w = p*2
 *   ┌──────────┬──────────┬──────────┬──────────┬───────────────────┬───────────┬──────────────┐
 *   │ meta u32 │ keyLen   │ valLen   │ valPtr   │ expireAt f64 (ms) │ key bytes │ value bytes  │
 *   │ w+0      │ w+1      │ w+2      │ w+3      │ f64[p+2], b+16    │ b+24 ...  │ (if inline)  │
 *   └──────────┴──────────┴──────────┴──────────┴───────────────────┴───────────┴──────────────┘
 *   meta = type (bits 0-3) | encoding (bits 4-7) | LRU clock in seconds (bits 8-31, mod 2^24)
 *
 * Invariants:
 * - valPtr = 0: the value (valLen bytes) follows the key inline; the block is
 *   kRecordHeader + keyLen + valLen bytes.
 * - valPtr ≠ 0: the block is kRecordHeader + keyLen bytes, and the value lives in its own
 *   block. For a string: [capacity u32][pad u32][bytes...], of kValueHeader + capacity bytes.
 *   For every other type: the root block of that type's structure for the record's encoding
 *   (see src/types/*.ts); valLen is then unused (0), and the type's ValueOps free and copy it.
 * - expireAt = 0 means no TTL. Any other value is an absolute unix time in milliseconds.
 * - Guarded by the shard lock, like everything in the heap.
 */

export const kRecordHeader = 24;
export const kValueHeader = 8;
/** Strings up to this size are stored inline in the key record. */
export const kInlineMax = 256;

export const enum T {
  String = 0,
  List = 1,
  Set = 2,
  ZSet = 3,
  Hash = 4,
  Stream = 5,
}

export const enum Enc {
  Raw = 0,
  Int = 1,
  Embstr = 2,
  Listpack = 3,
  Hashtable = 4,
  Intset = 5,
  Quicklist = 6,
  Skiplist = 7,
}

export const kTypeNames = ['string', 'list', 'set', 'zset', 'hash', 'stream'];
export const kEncNames = ['raw', 'int', 'embstr', 'listpack', 'hashtable', 'intset', 'quicklist', 'skiplist'];

export function recordBytes(keyLen: number, inlineValLen: number): number {
  return kRecordHeader + keyLen + inlineValLen;
}
