/** Piscina worker: each task is one load slice (see load-slice.ts). */
import { runSlice, type SliceResult, type SliceTask } from './load-slice.js';

export default function loadSlice(task: SliceTask): Promise<SliceResult> {
  return runSlice(task);
}
