import { randomFillSync } from 'node:crypto';

/** Largest Unix time in milliseconds that fits the 48 bits of a version 7 UUID (year 10889). */
const MAX_UNIX_MS = 2 ** 48 - 1;

/**
 * A version 7 UUID (RFC 9562 §5.7): the Unix time in milliseconds in the first 48 bits, then 74 random bits, so that
 * ids made later sort later. A table keyed by such ids takes new rows at the right edge of its index, where the
 * pages are already in memory, instead of at a random leaf of an index that at national scale is larger than the
 * memory. The time is that of the record the id names; `random` gives the 10 random bytes (default: the system's
 * CSPRNG; the consent seeder passes its own, so that a seed is repeatable).
 */
export function timeOrderedId(unixMs: number, random: (bytes: Buffer) => void = randomFillSync): string {
  if (!Number.isInteger(unixMs) || unixMs < 0 || unixMs > MAX_UNIX_MS) throw new TypeError('timeOrderedId: argument "unixMs" must be an integer from 0 to 2^48 - 1');
  const bytes = Buffer.allocUnsafe(16);
  // 48 bits do not fit a 32-bit shift: the high 16 and low 32 bits are written apart.
  bytes.writeUInt16BE(Math.floor(unixMs / 2 ** 32), 0);
  bytes.writeUInt32BE(unixMs % 2 ** 32, 2);
  random(bytes.subarray(6));
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The Unix time in milliseconds of a version 7 UUID, or undefined for any other string. */
export function timeOfOrderedId(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return undefined;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
