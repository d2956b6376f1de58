/**
 * The list value structure (src/types/list.ts + list-quicklist.ts) on a bare heap: both
 * encodings, node splits and merges, conversions, and randomized runs against a JS array.
 */
import { describe, expect, it } from 'vitest';
import { Heap } from '../../src/sab/alloc.js';
import { Enc } from '../../src/sab/record.js';
import { lpCount, lpData, lpFirst, lpLen, lpNext } from '../../src/sab/listpack.js';
import {
  curData, curEq, curLen, curPos, listDelRange, listDeleteAtCursor, listEnc, listGrow, listInsertAtCursor,
  listLength, listNew, listPrepareEnd, listPushOne, listReplaceAtCursor, listSeek, listShrink, listStep, listValueOps,
} from '../../src/types/list.js';
import {
  fillExceeded, lpSz, nodeLp, nodeNext, nodePrev, nodeRev, qlCount, qlFill, qlHead, qlNodes, qlTail,
} from '../../src/types/list-quicklist.js';
import { prng } from '../helpers/prng.js';

const newHeap = (bytes = 1 << 20) => new Heap(Heap.create(bytes));
const B = (s: string) => Buffer.from(s, 'latin1');

/** A list value on a heap, driven like the commands drive it. */
class L {
  vp: number;
  enc: Enc;
  constructor(readonly heap: Heap, public fill: number) {
    this.vp = listNew(heap);
    this.enc = Enc.Listpack;
  }
  private set(vp: number): void {
    this.vp = vp;
    this.enc = listEnc;
  }
  push(left: boolean, ...els: string[]): void {
    const bytes = els.reduce((n, e) => n + e.length, 0);
    this.set(listGrow(this.heap, this.vp, this.enc, bytes, els.length, this.fill));
    for (const e of els) {
      const b = B(e);
      this.set(listPushOne(this.heap, this.vp, this.enc, left, b, 0, b.length));
    }
  }
  len(): number {
    return listLength(this.heap, this.vp, this.enc);
  }
  cur(): string {
    const o = curData(this.heap);
    return Buffer.from(this.heap.u8.subarray(o, o + curLen(this.heap))).toString('latin1');
  }
  get(i: number): string | null {
    return listSeek(this.heap, this.vp, this.enc, i) ? this.cur() : null;
  }
  /** Pop one element (seek + delete at cursor), then shrink as the commands do. */
  pop(left: boolean): string {
    listPrepareEnd(this.heap, this.vp, this.enc, left);
    listSeek(this.heap, this.vp, this.enc, left ? 0 : -1);
    const v = this.cur();
    this.set(listDeleteAtCursor(this.heap, this.vp, this.enc, true));
    this.shrink();
    return v;
  }
  shrink(): void {
    if (this.len() > 0) this.set(listShrink(this.heap, this.vp, this.enc, this.fill));
  }
  insert(i: number, after: boolean, e: string): void {
    const b = B(e);
    this.set(listGrow(this.heap, this.vp, this.enc, b.length, 1, this.fill));
    expect(listSeek(this.heap, this.vp, this.enc, i)).toBe(true);
    this.set(listInsertAtCursor(this.heap, this.vp, this.enc, after, b, 0, b.length));
  }
  replace(i: number, e: string): void {
    const b = B(e);
    this.set(listGrow(this.heap, this.vp, this.enc, b.length, 1, this.fill));
    expect(listSeek(this.heap, this.vp, this.enc, i)).toBe(true);
    this.set(listReplaceAtCursor(this.heap, this.vp, this.enc, b, 0, b.length));
    this.shrink();
  }
  delRange(start: number, count: number): void {
    this.set(listDelRange(this.heap, this.vp, this.enc, start, count));
    this.shrink();
  }
  /** LREM semantics: remove up to `limit` (0 = all) equal elements, from the tail if !forward. */
  rem(e: string, limit: number, forward: boolean): number {
    const b = B(e);
    let removed = 0;
    listSeek(this.heap, this.vp, this.enc, forward ? 0 : -1);
    while (curPos !== -1) {
      if (curEq(this.heap, b, 0, b.length)) {
        this.set(listDeleteAtCursor(this.heap, this.vp, this.enc, forward));
        removed++;
        if (limit !== 0 && removed === limit) break;
      } else listStep(this.heap, forward);
    }
    if (removed) this.shrink();
    return removed;
  }
  /** All elements walking forward, checked against a backward walk. */
  all(): string[] {
    const out: string[] = [];
    if (listSeek(this.heap, this.vp, this.enc, 0)) {
      do out.push(this.cur());
      while (listStep(this.heap, true));
    }
    const back: string[] = [];
    if (listSeek(this.heap, this.vp, this.enc, -1)) {
      do back.unshift(this.cur());
      while (listStep(this.heap, false));
    }
    expect(back).toEqual(out);
    expect(out.length).toBe(this.len());
    return out;
  }
  free(): void {
    listValueOps.free(this.heap, this.vp, this.enc);
  }
}

/**
 * Structural invariants of a quicklist (see list-quicklist.ts). With `limits`, also that no
 * node of several entries is over the fill limit, which holds while only pushes and deletes
 * ran (as in Redis, a split node takes the inserted element without a limit check, and a
 * listpack converted to a quicklist may be over by its entries' header bytes).
 */
function checkQuicklist(heap: Heap, r: number, limits = false): void {
  let n = qlHead(heap, r), prev = 0, nodes = 0, count = 0;
  const fill = qlFill(heap, r);
  while (n !== 0) {
    expect(nodePrev(heap, n)).toBe(prev);
    const lp = nodeLp(heap, n);
    const c = lpCount(heap, lp);
    expect(c).toBeGreaterThan(0);
    // 16 bytes of slack: a converted listpack may be over by its last entry's header bytes.
    if (limits && c > 1) expect(fillExceeded(fill, lpSz(heap, lp) - 16, c)).toBe(false);
    nodes++;
    count += c;
    prev = n;
    n = nodeNext(heap, n);
  }
  expect(qlTail(heap, r)).toBe(prev);
  expect(qlNodes(heap, r)).toBe(nodes);
  expect(qlCount(heap, r)).toBe(count);
}

function check(l: L, model: string[], limits = false): void {
  expect(l.all()).toEqual(model);
  if (l.enc === Enc.Quicklist) checkQuicklist(l.heap, l.vp, limits);
}

function nodeSizes(heap: Heap, r: number): number[] {
  const out: number[] = [];
  for (let n = qlHead(heap, r); n !== 0; n = nodeNext(heap, n)) out.push(lpCount(heap, nodeLp(heap, n)));
  return out;
}

describe('list value: listpack encoding', () => {
  it('push, index, pop at both ends', () => {
    const heap = newHeap();
    const l = new L(heap, -2);
    l.push(false, 'a', 'b', 'c');
    l.push(true, 'z');
    expect(l.enc).toBe(Enc.Listpack);
    check(l, ['z', 'a', 'b', 'c']);
    expect(l.get(-1)).toBe('c');
    expect(l.get(4)).toBe(null);
    expect(l.get(-5)).toBe(null);
    expect(l.pop(false)).toBe('c');
    expect(l.pop(true)).toBe('z');
    check(l, ['a', 'b']);
    l.free();
  });

  it('converts to quicklist when the listpack would pass the byte limit (-1 = 4096)', () => {
    const heap = newHeap();
    const l = new L(heap, -1);
    // Each 100-byte element costs 2 + 100 + 1 bytes, as in Redis; sz = 7 + 103·n; conversion
    // when sz + 100 > 4096 before the push: element 39 stays (7 + 103·38 + 100 = 4021), element
    // 40 converts (7 + 103·39 + 100 = 4124 > 4096).
    const e = 'x'.repeat(100);
    for (let i = 0; i < 39; i++) l.push(false, e);
    expect(l.enc).toBe(Enc.Listpack);
    l.push(false, e);
    expect(l.enc).toBe(Enc.Quicklist);
    expect(l.len()).toBe(40);
    l.free();
  });

  it('converts on count with a positive fill, and back when at most half remains in one node', () => {
    const heap = newHeap();
    const l = new L(heap, 4);
    l.push(false, '1', '2', '3', '4');
    expect(l.enc).toBe(Enc.Listpack);
    l.push(false, '5');
    expect(l.enc).toBe(Enc.Quicklist);
    expect(nodeSizes(heap, l.vp)).toEqual([4, 1]);
    l.pop(false); // one node of 4: above half (2)
    expect(l.enc).toBe(Enc.Quicklist);
    l.pop(false);
    expect(l.enc).toBe(Enc.Quicklist);
    l.pop(false); // 2 left in one node: converts back
    expect(l.enc).toBe(Enc.Listpack);
    check(l, ['1', '2']);
    l.free();
  });

  it('a push of several elements converts once for the whole batch', () => {
    const heap = newHeap();
    const l = new L(heap, 8);
    l.push(false, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i');
    expect(l.enc).toBe(Enc.Quicklist);
    expect(nodeSizes(heap, l.vp)).toEqual([8, 1]);
    l.free();
  });
});

describe('list value: quicklist nodes', () => {
  it('pushes fill nodes up to the count limit at each end', () => {
    const heap = newHeap();
    const l = new L(heap, 3);
    const model: string[] = [];
    for (let i = 0; i < 10; i++) {
      l.push(false, `r${i}`);
      model.push(`r${i}`);
    }
    expect(nodeSizes(heap, l.vp)).toEqual([3, 3, 3, 1]);
    for (let i = 0; i < 4; i++) {
      l.push(true, `l${i}`);
      model.unshift(`l${i}`);
    }
    expect(nodeSizes(heap, l.vp)).toEqual([1, 3, 3, 3, 3, 1]);
    check(l, model);
    l.free();
  });

  it('keeps the head node reversed and the tail node normal for O(1) ends', () => {
    const heap = newHeap();
    const l = new L(heap, 3);
    const model: string[] = [];
    for (let i = 0; i < 7; i++) {
      l.push(true, `l${i}`);
      model.unshift(`l${i}`);
    }
    // [l6] [l5 l4 l3] [l2 l1 l0]: nodes made by LPUSH are born reversed; the first node (the
    // converted listpack) became the tail.
    const flags = () => {
      const out: boolean[] = [];
      for (let n = qlHead(heap, l.vp); n !== 0; n = nodeNext(heap, n)) out.push(nodeRev(heap, n));
      return out;
    };
    expect(nodeSizes(heap, l.vp)).toEqual([1, 3, 3]);
    expect(flags()).toEqual([true, true, false]);
    check(l, model);
    // A queue: RPUSH at the tail, LPOP at the head. The head flips once when LPOP reaches it.
    const q = new L(heap, 3);
    const qm: string[] = [];
    for (let i = 0; i < 9; i++) {
      q.push(false, `q${i}`);
      qm.push(`q${i}`);
    }
    expect(q.pop(true)).toBe(qm.shift());
    let n = qlHead(heap, q.vp);
    expect(nodeRev(heap, n)).toBe(true);
    expect(nodeRev(heap, qlTail(heap, q.vp))).toBe(false);
    for (let i = 0; i < 3; i++) expect(q.pop(true)).toBe(qm.shift());
    n = qlHead(heap, q.vp);
    expect(nodeRev(heap, n)).toBe(true);
    check(q, qm);
    expect(q.pop(false)).toBe(qm.pop());
    check(q, qm);
    l.free();
    q.free();
  });

  it('splits a full node on a middle insert and merges small neighbours', () => {
    const heap = newHeap();
    const l = new L(heap, 4);
    const model = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    l.push(false, ...model);
    expect(nodeSizes(heap, l.vp)).toEqual([4, 4]);
    l.insert(1, true, 'X'); // after 'b' in a full node: split [a b] + [X c d]
    model.splice(2, 0, 'X');
    check(l, model);
    expect(nodeSizes(heap, l.vp)).toEqual([2, 3, 4]);
    l.insert(0, false, 'Y'); // before the head of the head node, room in it: in place
    model.unshift('Y');
    check(l, model);
    expect(nodeSizes(heap, l.vp)).toEqual([3, 3, 4]);
    l.free();
  });

  it('inserting at the edge of a full node uses the neighbour or a new node', () => {
    const heap = newHeap();
    const l = new L(heap, 2);
    l.push(false, 'a', 'b', 'c', 'd');
    expect(nodeSizes(heap, l.vp)).toEqual([2, 2]);
    l.insert(1, true, 'X'); // after the tail of a full node; next node full too: new node
    check(l, ['a', 'b', 'X', 'c', 'd']);
    expect(nodeSizes(heap, l.vp)).toEqual([2, 1, 2]);
    l.insert(3, false, 'Y'); // before the head of [c d]; previous node [X] has room
    check(l, ['a', 'b', 'X', 'Y', 'c', 'd']);
    expect(nodeSizes(heap, l.vp)).toEqual([2, 2, 2]);
    l.free();
  });

  it('replace in place, or through a split when the node would overflow', () => {
    const heap = newHeap();
    const l = new L(heap, -1); // 4096 bytes
    const e = 'y'.repeat(1000);
    const model = [e, e, e, e, e, e, e, e];
    l.push(false, ...model);
    expect(l.enc).toBe(Enc.Quicklist);
    l.replace(1, 'small');
    model[1] = 'small';
    check(l, model);
    const big = 'z'.repeat(3000);
    l.replace(2, big);
    model[2] = big;
    check(l, model);
    l.replace(0, 'w'.repeat(5000)); // larger than a node: a node of its own
    model[0] = 'w'.repeat(5000);
    check(l, model);
    l.free();
  });

  it('delete ranges across nodes, and whole nodes', () => {
    const heap = newHeap();
    const l = new L(heap, 3);
    const model = Array.from({ length: 20 }, (_, i) => `e${i}`);
    l.push(false, ...model);
    l.delRange(2, 7);
    model.splice(2, 7);
    check(l, model);
    l.delRange(model.length - 4, 4);
    model.splice(model.length - 4, 4);
    check(l, model);
    l.delRange(0, 1);
    model.splice(0, 1);
    check(l, model);
    l.free();
  });

  it('a quicklist may be emptied and refilled (LMOVE on one key)', () => {
    const heap = newHeap();
    const l = new L(heap, 1);
    l.push(false, 'a', 'b');
    expect(l.enc).toBe(Enc.Quicklist);
    listSeek(heap, l.vp, l.enc, 0);
    l.vp = listDeleteAtCursor(heap, l.vp, l.enc, true);
    listSeek(heap, l.vp, l.enc, 0);
    l.vp = listDeleteAtCursor(heap, l.vp, l.enc, true);
    expect(qlNodes(heap, l.vp)).toBe(0);
    expect(l.len()).toBe(0);
    l.push(true, 'c');
    check(l, ['c']);
    l.free();
  });

  it('copy across heaps gives an equal, independent list', () => {
    const h1 = newHeap(), h2 = newHeap();
    for (const fill of [-2, 3]) {
      const l = new L(h1, fill);
      const model = Array.from({ length: 50 }, (_, i) => `v${i}`);
      l.push(false, ...model);
      const vp2 = listValueOps.copy(h1, l.vp, l.enc, h2);
      const c = new L(h2, fill);
      listValueOps.free(h2, c.vp, c.enc);
      c.vp = vp2;
      c.enc = l.enc;
      l.free();
      check(c, model);
      c.free();
    }
  });

  it('frees every block (no leaks) after random work', () => {
    const heap = newHeap();
    const before = heap.usedBytes();
    const l = new L(heap, 2);
    for (let i = 0; i < 200; i++) l.push(i % 3 === 0, `e${i % 17}`);
    for (let i = 0; i < 30; i++) l.insert(i * 3, i % 2 === 0, `i${i}`);
    l.rem('e3', 0, true);
    l.delRange(10, 50);
    l.replace(5, 'x'.repeat(9000));
    l.free();
    expect(heap.usedBytes()).toBe(before);
  });
});

describe('list value: randomized against a JS array', () => {
  const fills = [-5, -2, -1, 1, 2, 3, 5, 16, 128];
  for (const fill of fills) {
    it(`fill ${fill}`, () => {
      const rnd = prng(1000 + fill * 7);
      const heap = newHeap();
      const before = heap.usedBytes();
      const l = new L(heap, fill);
      let model: string[] = [];
      const elem = (): string => {
        const r = rnd();
        if (r < 0.7) return `k${Math.floor(rnd() * 20)}`;
        if (r < 0.95) return 'm'.repeat(Math.floor(rnd() * 300));
        return 'M'.repeat(2000 + Math.floor(rnd() * 7000));
      };
      const int = (n: number) => Math.floor(rnd() * n);
      for (let step = 0; step < 1500; step++) {
        const op = rnd();
        const n = model.length;
        if (op < 0.3 || n === 0) {
          const left = rnd() < 0.5;
          const els = Array.from({ length: 1 + int(4) }, elem);
          l.push(left, ...els);
          for (const e of els) left ? model.unshift(e) : model.push(e);
        } else if (op < 0.45) {
          const left = rnd() < 0.5;
          expect(l.pop(left)).toBe(left ? model.shift() : model.pop());
        } else if (op < 0.6) {
          const i = int(n), after = rnd() < 0.5, e = elem();
          l.insert(i, after, e);
          model.splice(after ? i + 1 : i, 0, e);
        } else if (op < 0.7) {
          const i = int(n), e = elem();
          l.replace(i, e);
          model[i] = e;
        } else if (op < 0.8) {
          const start = int(n), count = Math.min(n - start, int(8));
          l.delRange(start, count);
          model.splice(start, count);
        } else if (op < 0.9) {
          const e = `k${int(20)}`, limit = int(3), forward = rnd() < 0.5;
          const got = l.rem(e, limit, forward);
          const order = forward ? [...model.keys()] : [...model.keys()].reverse();
          const drop = new Set<number>();
          for (const i of order) if (model[i] === e && (limit === 0 || drop.size < limit)) drop.add(i);
          model = model.filter((_, i) => !drop.has(i));
          expect(got).toBe(drop.size);
        } else {
          const i = n === 0 ? 0 : int(2 * n) - n;
          expect(l.get(i)).toBe(n === 0 ? null : model[i < 0 ? n + i : i] ?? null);
        }
        if (model.length === 0 && l.len() !== 0) throw new Error('length mismatch');
        if (step % 5 === 0 || model.length < 20) check(l, model);
      }
      check(l, model);
      l.free();
      expect(heap.usedBytes()).toBe(before);
    });
  }
});

describe('list value: pushes and pops keep nodes within the limit', () => {
  for (const fill of [-1, -2, 1, 4, 100]) {
    it(`fill ${fill}`, () => {
      const rnd = prng(77 + fill);
      const heap = newHeap();
      const l = new L(heap, fill);
      const model: string[] = [];
      for (let step = 0; step < 3000; step++) {
        if (rnd() < 0.6 || model.length === 0) {
          const left = rnd() < 0.5;
          const e = 'p'.repeat(Math.floor(rnd() * (rnd() < 0.05 ? 6000 : 60)));
          l.push(left, e);
          left ? model.unshift(e) : model.push(e);
        } else {
          const left = rnd() < 0.5;
          expect(l.pop(left)).toBe(left ? model.shift() : model.pop());
        }
        if (step % 7 === 0) check(l, model, true);
      }
      check(l, model);
      l.free();
    });
  }
});

describe('list value: listpack walk helpers agree with the listpack', () => {
  it('the cursor reads the same bytes as lpData/lpLen', () => {
    const heap = newHeap();
    const l = new L(heap, -2);
    l.push(false, 'aa', 'b', '', 'cccc');
    listSeek(heap, l.vp, l.enc, 0);
    let i = 0;
    for (let p = lpFirst(heap, l.vp); p !== -1; p = lpNext(heap, l.vp, p), i++) {
      expect(curData(heap)).toBe(lpData(heap, l.vp, p));
      expect(curLen(heap)).toBe(lpLen(heap, l.vp, p));
      listStep(heap, true);
    }
    expect(i).toBe(4);
    l.free();
  });
});
