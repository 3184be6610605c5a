import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { timeOfOrderedId, timeOrderedId } from '../timeOrderedId.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a version 7, variant 10 UUID that carries its time', () => {
    const at = Date.UTC(2026, 11, 3, 16, 45, 12, 345);
    const id = timeOrderedId(at);
    expect(id).toMatch(UUID_V7);
    expect(timeOfOrderedId(id)).toBe(at);
  });

  it('sorts by time as a string, whatever its random part, across the 32-bit boundary of the time', () => {
    const times = [0, 1, 2 ** 32 - 1, 2 ** 32, Date.UTC(2001, 0, 1), Date.UTC(2026, 11, 3), Date.UTC(2026, 11, 3) + 1, 2 ** 48 - 1];
    const ids = times.map((at) => timeOrderedId(at));
    expect([...ids].sort()).toEqual(ids);
    ids.forEach((id, i) => expect(timeOfOrderedId(id)).toBe(times[i]));
  });

  it('draws fresh randomness for ids of the same millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedId(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });

  it('takes its random bytes from the given source, so that a seed is repeatable', () => {
    const zeros = (bytes: Buffer): void => void bytes.fill(0);
    expect(timeOrderedId(1, zeros)).toBe('00000000-0001-7000-8000-000000000000');
    const ones = (bytes: Buffer): void => void bytes.fill(0xff);
    expect(timeOrderedId(2 ** 48 - 1, ones)).toBe('ffffffff-ffff-7fff-bfff-ffffffffffff');
  });

  it('refuses a time it cannot hold', () => {
    for (const bad of [-1, 2 ** 48, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => timeOrderedId(bad)).toThrow('timeOrderedId: argument "unixMs"');
  });

  it('reads no time from other strings', () => {
    expect(timeOfOrderedId(randomUUID())).toBeUndefined();
    expect(timeOfOrderedId('not-an-id')).toBeUndefined();
  });
});
