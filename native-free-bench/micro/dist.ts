/** Load a compiled Spindle module from dist/ (relative to the repo root), or null if absent. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function loadDist<T = Record<string, unknown>>(rel: string): Promise<T | null> {
  const url = new URL(`../../dist/${rel}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  return (await import(url.href)) as T;
}
