/**
 * Script run state shared by every thread of a store: SCRIPT KILL and busy-reply-threshold.
 *
 *   Int32Array over 16 bytes (GlobalHandle.scripts, created once with the store):
 *   ┌──────────────┬──────────────┬──────────────┬──────────────────┐
 *   │ [0] running  │ [1] kill gen │ [2] busy     │ [3] busy+wrote   │
 *   └──────────────┴──────────────┴──────────────┴──────────────────┘
 *   running      scripts executing now, on any thread (added at start, subtracted at end)
 *   kill gen     bumped by SCRIPT KILL; a running script that saw another value at its start
 *                stops at its next instruction-hook check (every kHookEvery instructions)
 *   busy         running scripts past busy-reply-threshold
 *   busy+wrote   of those, scripts that already ran a write command (SCRIPT KILL refuses them)
 *
 * Invariants: every word is changed only with Atomics; a script adds to [0] before its first
 * instruction and subtracts from [0] (and from [2]/[3] if it added there) when it ends, on every
 * path (success, error, kill).
 */
export const kHookEvery = 100_000;

export const enum SW {
  Running = 0,
  KillGen = 1,
  Busy = 2,
  BusyWrote = 3,
}

export function createScriptFlags(): SharedArrayBuffer {
  return new SharedArrayBuffer(16);
}
