/**
 * list command specs (Redis facts from scripts/spec-facts.mjs; summaries in our own words).
 */
import type { CommandSpec } from '../spec.js';

export const LIST_SPECS: CommandSpec[] = [];
