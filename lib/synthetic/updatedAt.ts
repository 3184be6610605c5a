import { epochDay, isoFromEpochDay, type Random } from '../random.js';

/**
 * When a register last changed a person's record: a moment in the three years before the reference date, and
 * never before the person was born. Second precision, UTC, ISO 8601.
 */
export function updatedAtFor(random: Random, dateOfBirth: string, referenceDate: string): string {
  const last = referenceDay(referenceDate) - 1;
  const first = Math.min(last, Math.max(epochDay(dateOfBirth), last - 3 * 365));
  const seconds = random.int(7 * 3600, 17 * 3600); // office hours: registers are updated by people and batch jobs
  const day = random.int(first, last);
  // Formatted by hand, as `new Date(…).toISOString()` would: seeding calls this four times per person.
  return `${isoFromEpochDay(day)}T${twoDigits(Math.floor(seconds / 3600))}:${twoDigits(Math.floor(seconds / 60) % 60)}:${twoDigits(seconds % 60)}Z`;
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The reference date's day number, remembered: a seeding run asks for the same date millions of times. */
let lastReference = { date: '', day: 0 };
function referenceDay(date: string): number {
  if (lastReference.date !== date) lastReference = { date, day: epochDay(date) };
  return lastReference.day;
}

/** An ISO date `years` after another (29 February becomes 1 March). */
export function addYears(isoDate: string, years: number): string {
  const y = Number(isoDate.slice(0, 4)) + years;
  const d = Number(isoDate.slice(8, 10));
  // By hand for the common case (seeding calls this twice per driving licence): the same day, or 1 March for a
  // 29 February that the target year lacks.
  if (isoDate.length === 10 && d >= 1 && d <= 29 && y >= 1000 && y <= 9999 && Number.isInteger(years)) {
    const monthDay = isoDate.slice(5);
    if (d < 29 || monthDay !== '02-29') return `${y}-${monthDay}`;
    return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? `${y}-02-29` : `${y}-03-01`;
  }
  const [year, m, day] = isoDate.split('-').map(Number) as [number, number, number];
  return isoFromEpochDay(Math.round(Date.UTC(year + years, m - 1, day) / 86_400_000));
}
