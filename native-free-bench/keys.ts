/**
 * Key index generators over [0, keyspace): random (uniform), sequential, gaussian
 * (memtier's default spread: mean in the middle, standard deviation keyspace/6).
 * A small seeded PRNG keeps runs repeatable and costs a few ns per key.
 */
import type { KeyPattern } from './options.js';

export type KeyGen = () => number;

/** xorshift32 on a closure; returns a float in [0, 1). */
export function prng(seed: number): () => number {
  let s = (seed | 0) || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export function keyGen(pattern: KeyPattern, keyspace: number, seed: number, start = 0): KeyGen {
  const rnd = prng(seed);
  switch (pattern) {
    case 'random':
      return () => Math.floor(rnd() * keyspace);
    case 'sequential': {
      let i = start % keyspace;
      return () => {
        const k = i;
        i = i + 1 === keyspace ? 0 : i + 1;
        return k;
      };
    }
    case 'gaussian': {
      const mean = (keyspace - 1) / 2, sd = keyspace / 6;
      let spare = NaN;
      return () => {
        let z: number;
        if (!Number.isNaN(spare)) {
          z = spare;
          spare = NaN;
        } else {
          // Box-Muller: two normals from two uniforms.
          const u = 1 - rnd(), v = rnd();
          const r = Math.sqrt(-2 * Math.log(u));
          z = r * Math.cos(2 * Math.PI * v);
          spare = r * Math.sin(2 * Math.PI * v);
        }
        const k = Math.round(mean + z * sd);
        return k < 0 ? 0 : k >= keyspace ? keyspace - 1 : k;
      };
    }
  }
}
