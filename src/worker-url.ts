/**
 * URL of a worker entry file next to the calling module. Worker threads need compiled
 * JavaScript: when the caller runs from TypeScript sources (vitest), point at the same file
 * under dist/ instead (`npm test` builds dist first).
 */
export function workerUrl(relative: string, base: string): URL {
  const url = new URL(relative, base);
  if (base.endsWith('.ts')) {
    return new URL(url.href.replace('/src/', '/dist/'));
  }
  return url;
}
