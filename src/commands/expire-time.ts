/**
 * Expire-time arguments, with Redis 7.0's exact int64 overflow rules (expire.c and
 * t_string.c). Values beyond 2^53 are checked with BigInt so the LLONG_MAX / 1000 boundary is
 * exact; expiry times themselves are kept as doubles (milliseconds), exact up to year 287396.
 */
import type { Ctx } from './context.js';
import { E } from '../errors.js';

const kLLMax = 2n ** 63n - 1n;
const kLLMin = -(2n ** 63n);

/**
 * SET EX/PX/EXAT/PXAT, GETEX and SETEX/PSETEX (Redis's getExpireMillisecondsOrReply):
 * the value must be a positive integer; seconds must not overflow when multiplied by 1000;
 * relative times must not overflow when now is added. Returns absolute ms, or null after
 * replying the error.
 */
export function expireMsOrReply(c: Ctx, i: number, unitMs: 1 | 1000, relative: boolean): number | null {
  const v = c.int64(i);
  if (v === null) {
    c.reply.error(E.notInteger);
    return null;
  }
  if (typeof v === 'number' && v > 0 && v < 2 ** 40) return v * unitMs + (relative ? c.now : 0);
  let ms = BigInt(v);
  if (ms <= 0n || (unitMs === 1000 && ms > kLLMax / 1000n)) {
    c.reply.error(E.invalidExpire(c.client.lastCommand));
    return null;
  }
  ms *= BigInt(unitMs);
  if (relative) ms += BigInt(c.now);
  if (ms > kLLMax) {
    c.reply.error(E.invalidExpire(c.client.lastCommand));
    return null;
  }
  return Number(ms);
}

/**
 * EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT (expireGenericCommand): negative values are allowed (they
 * delete the key); only overflow in the unit conversion or the addition of now is an error.
 * Returns absolute ms, or null after replying the error.
 */
export function expireWhenOrReply(c: Ctx, i: number, unitMs: 1 | 1000, relative: boolean): number | null {
  const v = c.int64(i);
  if (v === null) {
    c.reply.error(E.notInteger);
    return null;
  }
  if (typeof v === 'number' && Math.abs(v) < 2 ** 40) return v * unitMs + (relative ? c.now : 0);
  let when = BigInt(v);
  if (unitMs === 1000) {
    if (when > kLLMax / 1000n || when < kLLMin / 1000n) {
      c.reply.error(E.invalidExpire(c.client.lastCommand));
      return null;
    }
    when *= 1000n;
  }
  if (relative) {
    if (when > kLLMax - BigInt(c.now)) {
      c.reply.error(E.invalidExpire(c.client.lastCommand));
      return null;
    }
    when += BigInt(c.now);
  }
  return Number(when);
}
