import { describe, expect, it } from 'vitest';
import {
  createHistogram, decodeHistogram, encodeHistogram, mergeEncoded, summarize,
} from '../../native-free-bench/histogram.js';

describe('latency histogram (hdr-histogram-js)', () => {
  it('reports percentiles in ms from µs records within 0.1%', () => {
    const h = createHistogram();
    for (let us = 1; us <= 10_000; us++) h.recordValue(us);
    const s = summarize(h);
    expect(s.count).toBe(10_000);
    expect(s.p50).toBeCloseTo(5, 1);
    expect(s.p90).toBeCloseTo(9, 1);
    expect(s.p99).toBeCloseTo(9.9, 1);
    expect(s.p999).toBeCloseTo(9.99, 1);
    expect(s.max).toBeGreaterThanOrEqual(10);
    expect(s.max).toBeLessThan(10.02);
    h.destroy();
  });

  it('counts a value recorded with a count once per request', () => {
    const h = createHistogram();
    h.recordValueWithCount(250, 16);
    h.recordValueWithCount(5000, 4);
    const s = summarize(h);
    expect(s.count).toBe(20);
    expect(s.p50).toBeCloseTo(0.25, 2);
    expect(s.p90).toBeCloseTo(5, 1);
  });

  it('survives the base64 round trip between threads and merges', () => {
    const a = createHistogram(), b = createHistogram();
    for (let i = 0; i < 1000; i++) a.recordValue(100);
    for (let i = 0; i < 1000; i++) b.recordValue(2_000_000); // 2 s
    const back = decodeHistogram(encodeHistogram(a));
    expect(back.totalCount).toBe(1000);
    const m = summarize(mergeEncoded([encodeHistogram(a), encodeHistogram(b)]));
    expect(m.count).toBe(2000);
    expect(m.p50).toBeCloseTo(0.1, 2);
    expect(m.p90).toBeGreaterThan(1990);
    expect(m.max).toBeLessThan(2002);
  });

  it('summarizes an empty histogram as zeros', () => {
    expect(summarize(createHistogram())).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
  });
});
