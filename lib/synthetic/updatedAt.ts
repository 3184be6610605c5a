import { epochDay, isoFromEpochDay, type Random } from '../random.js';

/**
 * When a register last changed a person's record: a moment in the three years before the reference date, and
 * never before the person was born. Second precision, UTC, ISO 8601.
 */
export function updatedAtFor(random: Random, dateOfBirth: string, referenceDate: string): string {
  const last = epochDay(referenceDate) - 1;
  const first = Math.min(last, Math.max(epochDay(dateOfBirth), last - 3 * 365));
  const seconds = random.int(7 * 3600, 17 * 3600); // office hours: registers are updated by people and batch jobs
  const time = new Date(random.int(first, last) * 86_400_000 + seconds * 1000);
  return `${time.toISOString().slice(0, 19)}Z`;
}

/** An ISO date `years` after another (29 February becomes 1 March). */
export function addYears(isoDate: string, years: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return isoFromEpochDay(Math.round(Date.UTC(y + years, m - 1, d) / 86_400_000));
}
