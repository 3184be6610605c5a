import { LOCALES, type Language } from './language.js';

/** The time zone the hub's pages show times in. */
export const HELSINKI = 'Europe/Helsinki';

/** A date and time in the language's locale, e.g. "30 March 2026 at 00:00 EEST". */
export function formatDateTime(lang: Language, date: Date, timeZone = HELSINKI): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new TypeError(`formatDateTime: "date" must be a valid Date, got ${String(date)}`);
  }
  return new Intl.DateTimeFormat(LOCALES[lang], {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(date);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar date, e.g. "1 May 2020" / "1.5.2020"-style long form. An ISO date (`2020-05-01`) is a day, not an
 * instant, so it is formatted in UTC and never shifts by a time zone; a full timestamp is shown in Helsinki time.
 */
export function formatDate(lang: Language, value: string | Date): string {
  const dayOnly = typeof value === 'string' && ISO_DATE.test(value);
  const date = value instanceof Date ? value : new Date(dayOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`formatDate: "value" must be an ISO 8601 date, got ${JSON.stringify(String(value))}`);
  return new Intl.DateTimeFormat(LOCALES[lang], { year: 'numeric', month: 'long', day: 'numeric', timeZone: dayOnly ? 'UTC' : HELSINKI }).format(date);
}

/** An amount of euros in the language's currency format ("1 234,50 €", "€1,234.50"). */
export function formatEuros(lang: Language, amount: number): string {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) throw new TypeError(`formatEuros: "amount" must be a finite number, got ${String(amount)}`);
  return new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency: 'EUR' }).format(amount);
}
