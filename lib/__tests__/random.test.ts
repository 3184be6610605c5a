import { describe, expect, it } from '@jest/globals';
import { createRandom, epochDay, isoFromEpochDay } from '../random.js';

describe('createRandom', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = createRandom('hub');
    const b = createRandom('hub');
    const c = createRandom('hub2');
    const draws = (r: ReturnType<typeof createRandom>) => Array.from({ length: 5 }, () => r.next());
    const first = draws(a);
    expect(draws(b)).toEqual(first);
    expect(draws(c)).not.toEqual(first);
  });

  it('keeps int, pick, chance and date inside their bounds', () => {
    const r = createRandom('bounds');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i += 1) {
      const n = r.int(3, 7);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(7);
      seen.add(n);
      const d = r.date('2020-02-27', '2020-03-01');
      expect(['2020-02-27', '2020-02-28', '2020-02-29', '2020-03-01']).toContain(d);
    }
    expect(seen.size).toBe(5);
    expect(['x', 'y']).toContain(r.pick(['x', 'y']));
    expect(r.chance(0)).toBe(false);
    expect(r.chance(1)).toBe(true);
    expect(r.weighted(['a', 'b'], [0, 1])).toBe('b');
  });

  it('throws a TypeError naming the argument on misuse', () => {
    const r = createRandom('misuse');
    expect(() => r.int(5, 1)).toThrow('"min" and "max"');
    expect(() => r.pick([])).toThrow('"items"');
    expect(() => epochDay('not a date')).toThrow('"isoDate"');
  });

  it('converts ISO dates to day numbers and back', () => {
    expect(epochDay('1970-01-02')).toBe(1);
    expect(isoFromEpochDay(epochDay('1915-06-30'))).toBe('1915-06-30');
  });
});

describe('epochDay', () => {
  it('agrees with Date across centuries and leap days', () => {
    for (let day = -30_000; day < 60_000; day += 37) {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      expect(epochDay(iso)).toBe(day);
      expect(isoFromEpochDay(day)).toBe(iso);
    }
    expect(isoFromEpochDay(epochDay('2000-02-29'))).toBe('2000-02-29');
  });
});
