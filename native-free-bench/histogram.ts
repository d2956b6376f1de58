/**
 * Latency histograms: a thin layer over hdr-histogram-js (HdrHistogram's TypeScript port).
 *
 * Values are recorded in whole microseconds. Worker threads send their histograms to the
 * main thread in HdrHistogram's standard compressed base64 form, which is also what the
 * JSON results keep, so a run can be re-analysed later with any HdrHistogram tool.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export type { Histogram };

/** Highest latency we expect to track: 60 s, in µs (auto-resize covers anything beyond). */
const kHighestUs = 60_000_000;

export function createHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: kHighestUs,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(base64: string): Histogram {
  return decodeFromCompressedBase64(base64, 32, false);
}

/** Merge encoded histograms into one new histogram. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const out = createHistogram();
  for (const e of encoded) {
    const h = decodeHistogram(e);
    out.add(h);
    h.destroy();
  }
  return out;
}

/** Latency summary in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

const usToMs = (us: number): number => Math.round(us) / 1000;

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count: h.totalCount,
    p50: usToMs(h.getValueAtPercentile(50)),
    p90: usToMs(h.getValueAtPercentile(90)),
    p99: usToMs(h.getValueAtPercentile(99)),
    p999: usToMs(h.getValueAtPercentile(99.9)),
    max: usToMs(h.maxValue),
    mean: Math.round(h.mean) / 1000,
  };
}
