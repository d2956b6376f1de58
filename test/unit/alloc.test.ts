import { describe, it, expect } from 'vitest';
import {
  Heap,
  OutOfMemoryError,
  kClassSizes,
  kClasses,
  kClassHeadBase,
  kGrowsField,
  kHeaderBytes,
  kLargeFreeField,
  kMagic,
  kMagicField,
  kMaxSmall,
  kPage,
  kRootBase,
  kRoots,
  kTopField,
  kUsedField,
} from '../../src/sab/alloc.js';
import { prng } from '../helpers/prng.js';


function newHeap(initialBytes = 1 << 20, maxBytes?: number): Heap {
  return new Heap(maxBytes === undefined ? Heap.create(initialBytes) : Heap.create(initialBytes, maxBytes));
}

const kPageUnits = kPage / 8;

describe('Heap: size classes', () => {
  it('kClassSizes is strictly increasing, 8-aligned, from 8 to kMaxSmall', () => {
    expect(kClassSizes[0]).toBe(8);
    expect(kClassSizes[kClassSizes.length - 1]).toBe(kMaxSmall);
    expect(kClasses).toBe(kClassSizes.length);
    for (let i = 0; i < kClassSizes.length; i++) {
      expect(kClassSizes[i] % 8).toBe(0);
      if (i > 0) expect(kClassSizes[i]).toBeGreaterThan(kClassSizes[i - 1]);
    }
  });

  it('classes step by 8 up to 128, by 16 up to 256, then by at most 1/8', () => {
    for (let s = 8; s <= 128; s += 8) expect(kClassSizes).toContain(s);
    for (let s = 144; s <= 256; s += 16) expect(kClassSizes).toContain(s);
    expect(kClassSizes).not.toContain(136);
    for (let i = 1; i < kClassSizes.length; i++) {
      const prev = kClassSizes[i - 1], cur = kClassSizes[i];
      if (prev >= 256) expect((cur - prev) / prev).toBeLessThanOrEqual(0.125);
    }
  });

  it('usable(n) is the smallest class >= n for every small n', () => {
    let c = 0;
    for (let n = 1; n <= kMaxSmall; n++) {
      while (kClassSizes[c] < n) c++;
      const u = Heap.usable(n);
      if (u !== kClassSizes[c]) expect(u, `usable(${n})`).toBe(kClassSizes[c]);
    }
  });

  it('usable(n) of large sizes rounds up to whole pages', () => {
    for (const n of [kMaxSmall + 1, 33000, 36864, 36865, 100000, 1 << 20, (1 << 20) + 1]) {
      const u = Heap.usable(n);
      expect(u % kPage).toBe(0);
      expect(u).toBeGreaterThanOrEqual(n);
      expect(u - n).toBeLessThan(kPage);
    }
  });

  it('usable() is idempotent (freeing usable(n) bytes frees the same class as n)', () => {
    for (let n = 1; n <= kMaxSmall + 3 * kPage; n += 7) {
      const u = Heap.usable(n);
      expect(Heap.usable(u)).toBe(u);
    }
  });
});

describe('Heap: header and creation', () => {
  it('create() writes the magic and a bump pointer past the header', () => {
    const sab = Heap.create(64 * 1024);
    const u32 = new Uint32Array(sab);
    expect(u32[kMagicField]).toBe(kMagic);
    expect(u32[kTopField] * 8).toBe(kHeaderBytes);
    expect(u32[kUsedField]).toBe(0);
    expect(u32[kLargeFreeField]).toBe(0);
    expect(sab.growable).toBe(true);
    expect(sab.byteLength % kPage).toBe(0);
    expect(sab.byteLength).toBeGreaterThanOrEqual(64 * 1024);
  });

  it('the header holds class heads and roots, and is 8-byte aligned', () => {
    expect(kHeaderBytes % 8).toBe(0);
    expect(kRootBase).toBe(kClassHeadBase + kClasses);
    expect(kHeaderBytes).toBeGreaterThanOrEqual((kRootBase + kRoots) * 4);
  });

  it('create() with a tiny initial size still fits the header and a page', () => {
    const sab = Heap.create(1);
    expect(sab.byteLength).toBeGreaterThanOrEqual(kHeaderBytes + kPage);
    const h = new Heap(sab);
    const p = h.alloc(8);
    expect(p * 8).toBe(kHeaderBytes);
  });

  it('refuses a buffer that is not an initialized heap', () => {
    expect(() => new Heap(new SharedArrayBuffer(8192))).toThrow(/not an initialized/);
  });

  it('pointer 0 is never handed out; every block starts at or after the header', () => {
    const h = newHeap();
    for (let i = 0; i < 1000; i++) {
      const p = h.alloc(1 + (i % 300));
      expect(p).toBeGreaterThan(0);
      expect(p * 8).toBeGreaterThanOrEqual(kHeaderBytes);
    }
  });
});

describe('Heap: small blocks', () => {
  it('alloc/free reuses the block within its class, LIFO', () => {
    const h = newHeap();
    const a = h.alloc(24);
    const b = h.alloc(24);
    expect(b).toBe(a + 3);
    h.free(a, 24);
    h.free(b, 24);
    expect(h.alloc(20)).toBe(b); // same class (24), last freed first
    expect(h.alloc(17)).toBe(a);
    const top = h.u32[kTopField];
    expect(h.alloc(24)).toBe(top); // list empty again: bump
  });

  it('a freed block is only reused for its own class', () => {
    const h = newHeap();
    const a = h.alloc(64);
    h.free(a, 64);
    const others = [8, 56, 72, 128, 1000].map((n) => h.alloc(n));
    expect(others).not.toContain(a);
    expect(h.alloc(63)).toBe(a);
  });

  it('free() with any size of the same class finds the same list', () => {
    const h = newHeap();
    const p = h.alloc(300); // class 320 (256 + 32 + 32)? whatever it is, 300 and usable(300) share it
    h.free(p, Heap.usable(300));
    expect(h.alloc(Heap.usable(300) - 3)).toBe(p);
  });

  it('calloc zeroes exactly the requested bytes of a reused block', () => {
    const h = newHeap();
    const p = h.alloc(100);
    h.u8.fill(0xee, p * 8, p * 8 + Heap.usable(100));
    h.free(p, 100);
    const q = h.calloc(100);
    expect(q).toBe(p);
    for (let i = 0; i < 100; i++) expect(h.u8[q * 8 + i]).toBe(0);
  });

  it('blocks of a class are packed back to back from the bump pointer', () => {
    const h = newHeap();
    const ptrs = Array.from({ length: 10 }, () => h.alloc(kClassSizes[20]));
    for (let i = 1; i < ptrs.length; i++) expect(ptrs[i] - ptrs[i - 1]).toBe(kClassSizes[20] / 8);
  });

  it('the largest small class (kMaxSmall) is a class block, not a page span', () => {
    const h = newHeap();
    const p = h.alloc(kMaxSmall);
    h.free(p, kMaxSmall);
    expect(h.u32[kLargeFreeField]).toBe(0);
    expect(h.u32[kClassHeadBase + kClasses - 1]).toBe(p);
    expect(h.alloc(kMaxSmall - 100)).toBe(p);
  });
});

describe('Heap: large spans', () => {
  it('sizes above kMaxSmall take whole pages and go to the large free list', () => {
    const h = newHeap();
    const p = h.alloc(kMaxSmall + 1);
    expect(h.usedBytes()).toBe(9 * kPage);
    h.free(p, kMaxSmall + 1);
    expect(h.usedBytes()).toBe(0);
    expect(h.u32[kLargeFreeField]).toBe(p);
    expect(h.u32[p * 2]).toBe(0); // next
    expect(h.u32[p * 2 + 1]).toBe(9 * kPageUnits); // size in units
  });

  it('an exact fit unlinks the span and does not move the bump pointer', () => {
    const h = newHeap();
    const p = h.alloc(40 * 1024);
    h.free(p, 40 * 1024);
    const top = h.u32[kTopField];
    expect(h.alloc(40 * 1024 - 5)).toBe(p);
    expect(h.u32[kTopField]).toBe(top);
    expect(h.u32[kLargeFreeField]).toBe(0);
  });

  it('first fit splits a bigger span and keeps the tail on the list', () => {
    const h = newHeap(4 << 20);
    const big = h.alloc(32 * kPage); // 128 KiB
    const guard = h.alloc(64); // keep big from touching the top
    h.free(big, 32 * kPage);
    const top = h.u32[kTopField];
    const a = h.alloc(12 * kPage);
    expect(a).toBe(big);
    expect(h.u32[kLargeFreeField]).toBe(big + 12 * kPageUnits);
    expect(h.u32[(big + 12 * kPageUnits) * 2 + 1]).toBe(20 * kPageUnits);
    const b = h.alloc(10 * kPage);
    expect(b).toBe(big + 12 * kPageUnits);
    const c = h.alloc(10 * kPage);
    expect(c).toBe(big + 22 * kPageUnits);
    expect(h.u32[kLargeFreeField]).toBe(0);
    expect(h.u32[kTopField]).toBe(top); // all three came from the freed span
    const d = h.alloc(10 * kPage);
    expect(d).toBe(top); // nothing left: bump
    expect(guard).toBeGreaterThan(0);
  });

  it('first fit takes the first span that is big enough, in list order (LIFO frees)', () => {
    const h = newHeap(4 << 20);
    const s10 = h.alloc(10 * kPage);
    h.alloc(8);
    const s20 = h.alloc(20 * kPage);
    h.alloc(8);
    const s9 = h.alloc(9 * kPage);
    h.alloc(8);
    h.free(s10, 10 * kPage);
    h.free(s20, 20 * kPage);
    h.free(s9, 9 * kPage);
    // list: s9 (9 pages) -> s20 (20) -> s10 (10)
    expect(h.alloc(10 * kPage)).toBe(s20); // s9 too small; s20 comes first
    expect(h.alloc(9 * kPage)).toBe(s9);
    expect(h.alloc(10 * kPage)).toBe(s20 + 10 * kPageUnits); // the tail of s20
    expect(h.alloc(10 * kPage)).toBe(s10);
    expect(h.u32[kLargeFreeField]).toBe(0);
  });

  it('spans are not coalesced: two adjacent free spans do not serve a request for both', () => {
    const h = newHeap(4 << 20);
    const a = h.alloc(9 * kPage);
    const b = h.alloc(9 * kPage);
    expect(b).toBe(a + 9 * kPageUnits);
    h.free(a, 9 * kPage);
    h.free(b, 9 * kPage);
    const top = h.u32[kTopField];
    expect(h.alloc(18 * kPage)).toBe(top);
  });

  it('a freed large span is carved into small blocks; a small block never serves a large request', () => {
    const h = newHeap(4 << 20);
    const big = h.alloc(64 * 1024);
    h.free(big, 64 * 1024);
    const top = h.u32[kTopField];
    // Small requests with empty class lists carve the freed span before the heap top moves.
    const s1 = h.alloc(kMaxSmall);
    const s2 = h.alloc(kMaxSmall);
    expect(s1).toBe(big);
    expect(s2).toBe(big + kMaxSmall / 8);
    expect(h.u32[kTopField]).toBe(top);
    // The span is used up; a freed small block stays in its class, not on the large list.
    h.free(s1, kMaxSmall);
    const big2 = h.alloc(kMaxSmall + 1);
    expect(big2).not.toBe(s1);
    expect(h.alloc(kMaxSmall)).toBe(s1);
  });
});

describe('Heap: growth', () => {
  it('grows the SharedArrayBuffer on demand; the growing heap re-creates its views', () => {
    const sab = Heap.create(64 * 1024);
    const h = new Heap(sab);
    const before = sab.byteLength;
    const u8before = h.u8;
    expect(h.u8.length).toBe(before);
    const ptrs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const p = h.alloc(1000);
      h.u8.fill(i & 0xff, p * 8, p * 8 + 1000);
      ptrs.push(p);
    }
    expect(sab.byteLength).toBeGreaterThan(before);
    expect(h.u32[kGrowsField]).toBeGreaterThanOrEqual(1);
    expect(h.u8).not.toBe(u8before);
    expect(u8before.length).toBe(before); // a view held across alloc() covers only the old range
    expect(h.u8.length).toBe(sab.byteLength);
    expect(h.u32.length).toBe(sab.byteLength / 4);
    expect(h.i32.length).toBe(sab.byteLength / 4);
    expect(h.f64.length).toBe(sab.byteLength / 8);
    ptrs.forEach((p, i) => {
      expect(h.u8[p * 8]).toBe(i & 0xff);
      expect(h.u8[p * 8 + 999]).toBe(i & 0xff);
    });
    expect(ptrs[ptrs.length - 1] * 8 + 1000).toBeGreaterThan(before);
    expect(h.committedBytes()).toBe(sab.byteLength);
  });

  it('another Heap on the same buffer sees the growth after sync()', () => {
    const sab = Heap.create(64 * 1024);
    const h = new Heap(sab);
    const other = new Heap(sab); // "another thread" holding the same buffer
    const before = sab.byteLength;
    const v0 = other.u32;
    other.sync(); // nothing changed: views are kept
    expect(other.u32).toBe(v0);
    const p = h.alloc(2 << 20);
    h.u8.fill(0x5a, p * 8, p * 8 + (2 << 20));
    expect(sab.byteLength).toBeGreaterThan(before);
    expect(other.u8.length).toBe(before); // fixed-length views until sync()
    other.sync();
    expect(other.u32).not.toBe(v0);
    for (const v of [other.u8, other.u32, other.i32, other.f64]) expect(v.byteLength).toBe(sab.byteLength);
    expect(other.u8[p * 8 + (2 << 20) - 1]).toBe(0x5a);
    // Writes through either heap land in the same memory.
    other.u32[p * 2] = 0xdeadbeef;
    expect(h.u32[p * 2]).toBe(0xdeadbeef);
    // The other heap allocates after the first one's blocks (the header is shared).
    const q = other.alloc(100);
    expect(q * 8).toBeGreaterThanOrEqual(p * 8 + (2 << 20));
    expect(h.usedBytes()).toBe(other.usedBytes());
  });

  it('grows by at least 1 MiB (or 1/4) at a time, page aligned', () => {
    const sab = Heap.create(64 * 1024);
    const h = new Heap(sab);
    const len0 = sab.byteLength;
    while (sab.byteLength === len0) h.alloc(4096);
    expect(sab.byteLength % kPage).toBe(0);
    expect(sab.byteLength - len0).toBeGreaterThanOrEqual(1 << 20);
    expect(h.u32[kGrowsField]).toBe(1);
  });

  it('one huge allocation grows straight to what it needs', () => {
    const sab = Heap.create(64 * 1024);
    const h = new Heap(sab);
    const p = h.alloc(10 << 20);
    expect(sab.byteLength).toBeGreaterThanOrEqual(p * 8 + (10 << 20));
    h.u8[p * 8 + (10 << 20) - 1] = 7;
    expect(h.u8[p * 8 + (10 << 20) - 1]).toBe(7);
  });

  it('throws OutOfMemoryError at maxByteLength', () => {
    const h = newHeap(64 * 1024, 256 * 1024);
    expect(() => {
      for (let i = 0; i < 1000; i++) h.alloc(4096);
    }).toThrow(OutOfMemoryError);
    expect(h.sab.byteLength).toBeLessThanOrEqual(256 * 1024);
    expect(() => h.alloc(1 << 20)).toThrow(OutOfMemoryError);
  });

  it('a failed allocation (OutOfMemoryError) leaves usedBytes unchanged', () => {
    const h = newHeap(64 * 1024, 128 * 1024);
    const live: number[] = [];
    for (;;) {
      try {
        live.push(h.alloc(4096));
      } catch (e) {
        expect(e).toBeInstanceOf(OutOfMemoryError);
        break;
      }
    }
    const used = h.usedBytes();
    expect(used).toBe(live.length * 4096);
    expect(() => h.alloc(4096)).toThrow(OutOfMemoryError);
    expect(() => h.alloc(1 << 20)).toThrow(OutOfMemoryError);
    expect(h.usedBytes()).toBe(used);
    for (const p of live) h.free(p, 4096);
    expect(h.usedBytes()).toBe(0);
  });
});

describe('Heap: accounting and roots', () => {
  it('usedBytes counts usable sizes and returns to zero after freeing everything', () => {
    const h = newHeap();
    const sizes = [1, 8, 9, 100, 255, 256, 257, 1000, 5000, kMaxSmall, kMaxSmall + 1, 100000, 1 << 20];
    const ptrs = sizes.map((n) => h.alloc(n));
    const expected = sizes.reduce((a, n) => a + Heap.usable(n), 0);
    expect(h.usedBytes()).toBe(expected);
    sizes.forEach((n, i) => h.free(ptrs[i], n));
    expect(h.usedBytes()).toBe(0);
    // And again, now served from free lists.
    const again = sizes.map((n) => h.alloc(n));
    expect(h.usedBytes()).toBe(expected);
    sizes.forEach((n, i) => h.free(again[i], n));
    expect(h.usedBytes()).toBe(0);
  });

  it('roots are 64 independent slots that allocation never touches', () => {
    const h = newHeap(64 * 1024);
    for (let i = 0; i < kRoots; i++) h.setRoot(i, 0xabc000 + i);
    for (let i = 0; i < 5000; i++) h.alloc(8 + (i % 500));
    for (let i = 0; i < 3; i++) h.free(h.alloc(50000), 50000);
    for (let i = 0; i < kRoots; i++) expect(h.root(i)).toBe(0xabc000 + i);
    expect(h.u32[kMagicField]).toBe(kMagic);
    h.setRoot(7, 0);
    expect(h.root(7)).toBe(0);
    expect(h.root(6)).toBe(0xabc006);
    expect(h.root(8)).toBe(0xabc008);
  });

  it('roots are shared through the buffer', () => {
    const sab = Heap.create();
    const a = new Heap(sab), b = new Heap(sab);
    a.setRoot(3, 12345);
    expect(b.root(3)).toBe(12345);
  });
});

describe('Heap: randomized alloc/free', () => {
  it('100k random ops: live blocks never overlap, patterns survive, accounting is exact', () => {
    const rnd = prng(0x5eed);
    const h = newHeap(64 * 1024);
    interface Blk { p: number; n: number; tag: number }
    const live: Blk[] = [];
    let nextTag = 1;
    let used = 0;
    let maxUsed = 0;

    const fill = (b: Blk) => {
      const o = b.p * 8;
      h.u8.fill(b.tag & 0xff, o, o + b.n);
      if (b.n >= 8) h.u32[b.p * 2 + 1] = b.tag; // a unique word in every block of 8+ bytes
    };
    const check = (b: Blk) => {
      const o = b.p * 8, u8 = h.u8, t = b.tag & 0xff;
      const from = b.n >= 8 ? 8 : 0;
      for (let i = from; i < b.n; i++) {
        if (u8[o + i] !== t) throw new Error(`block p=${b.p} n=${b.n} tag=${b.tag} corrupted at byte ${i}`);
      }
      if (b.n >= 8) {
        if (h.u32[b.p * 2 + 1] !== b.tag) throw new Error(`block p=${b.p} tag word overwritten`);
        for (let i = 0; i < 4; i++) if (u8[o + i] !== t) throw new Error(`block p=${b.p} head corrupted`);
      }
    };
    const checkDisjoint = () => {
      const sorted = live.slice().sort((x, y) => x.p - y.p);
      for (let i = 1; i < sorted.length; i++) {
        const a = sorted[i - 1], b = sorted[i];
        if (a.p * 8 + Heap.usable(a.n) > b.p * 8) {
          throw new Error(`overlap: [${a.p * 8}, +${Heap.usable(a.n)}) and ${b.p * 8}`);
        }
      }
      for (const b of sorted) {
        if (b.p * 8 < kHeaderBytes) throw new Error(`block inside the header: ${b.p}`);
        if (b.p * 8 + b.n > h.sab.byteLength) throw new Error('block past the end of the buffer');
      }
    };
    const randomSize = (): number => {
      const r = rnd();
      if (r < 0.8) return 1 + Math.floor(rnd() * 256);
      if (r < 0.97) return 1 + Math.floor(rnd() * kMaxSmall);
      return kMaxSmall + 1 + Math.floor(rnd() * 200 * 1024);
    };

    for (let op = 0; op < 100_000; op++) {
      // Drift towards ~2000 live blocks, with phases of mass alloc and mass free.
      const phase = Math.floor(op / 10_000) % 3;
      const pAlloc = phase === 0 ? 0.7 : phase === 1 ? 0.5 : 0.35;
      if (live.length === 0 || rnd() < pAlloc) {
        const n = randomSize();
        const b = { p: h.alloc(n), n, tag: nextTag++ };
        fill(b);
        live.push(b);
        used += Heap.usable(n);
      } else {
        const i = Math.floor(rnd() * live.length);
        const b = live[i];
        check(b);
        h.free(b.p, b.n);
        live[i] = live[live.length - 1];
        live.pop();
        used -= Heap.usable(b.n);
      }
      maxUsed = Math.max(maxUsed, used);
      if (h.usedBytes() !== used) throw new Error(`usedBytes ${h.usedBytes()} != ${used} at op ${op}`);
      if (op % 5000 === 0) checkDisjoint();
    }
    checkDisjoint();
    for (const b of live) check(b);
    for (const b of live) h.free(b.p, b.n);
    expect(h.usedBytes()).toBe(0);
    expect(h.sab.byteLength).toBeGreaterThan(64 * 1024); // it had to grow
    expect(h.u8.length).toBe(h.sab.byteLength);
    expect(maxUsed).toBeGreaterThan(0);
  });
});

describe('Heap.calloc', () => {
  it('zeroes reused blocks (small and large, odd sizes) and hands out fresh memory as zero', () => {
    const heap = newHeap(1 << 20);
    for (const bytes of [24, 100, 5000, 40_000, 100_003]) {
      const p = heap.alloc(bytes);
      heap.u8.fill(0xab, p * 8, p * 8 + bytes);
      heap.free(p, bytes);
      const q = heap.calloc(bytes);
      expect(q).toBe(p); // the dirty block came back
      expect(heap.u8.subarray(q * 8, q * 8 + bytes).every((b) => b === 0)).toBe(true);
      heap.free(q, bytes);
    }
    const fresh = heap.calloc(3 << 20); // beyond the initial size: grown, never used
    expect(heap.u8.subarray(fresh * 8, fresh * 8 + (3 << 20)).every((b) => b === 0)).toBe(true);
  });
});
