import { describe, expect, it } from 'vitest';
import { measure } from '../../native-free-bench/embedded.js';

describe('embedded benchmark workload', () => {
  it('counts ops and checks every GET against its SET', async () => {
    const m = new Map<string, string>();
    const good = { set: async (k: string, v: string) => { m.set(k, v); }, get: async (k: string) => m.get(k), close: async () => {} };
    const r = await measure(good, 0.05, 4, 8, 100);
    expect(r.ops).toBeGreaterThan(0);
    expect(r.ops % 2).toBe(0);
    expect(r.errors).toBe(0);
  });

  it('counts a wrong value as an error', async () => {
    const bad = { set: async () => 'OK', get: async () => 'stale', close: async () => {} };
    const r = await measure(bad, 0.02, 1, 8, 100);
    expect(r.errors).toBe(r.ops / 2);
  });
});
