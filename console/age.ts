import { LOCALES, type Language } from '../lib/web/language.js';

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000]];

/** How long ago a case came in, in the page language ("3 hours ago", "3 tuntia sitten"); under a minute is "now". */
export function caseAge(lang: Language, createdAt: string, now: number): string {
  const format = new Intl.RelativeTimeFormat(LOCALES[lang], { numeric: 'auto' });
  const elapsed = Math.max(0, now - new Date(createdAt).getTime());
  if (Number.isNaN(elapsed)) return createdAt;
  for (const [unit, ms] of UNITS) {
    if (elapsed >= ms) return format.format(-Math.floor(elapsed / ms), unit);
  }
  return format.format(0, 'second');
}
