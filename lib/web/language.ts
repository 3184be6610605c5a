/** A language the hub's pages are written in. */
export type Language = 'fi' | 'sv' | 'en';

/** Every supported language, in the order language links show them. */
export const LANGUAGES: readonly Language[] = Object.freeze(['fi', 'sv', 'en']);

/** The language used when neither `?lang=` nor Accept-Language names a supported one. */
export const DEFAULT_LANGUAGE: Language = 'fi';

/** BCP 47 locale of each language for Intl formatting (Finland's Swedish, British English). */
export const LOCALES: Readonly<Record<Language, 'fi-FI' | 'sv-FI' | 'en-GB'>> = Object.freeze({ fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' });

/** Narrows a string to a {@link Language}. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The primary subtag of a language tag, lower case (`sv-FI` -> `sv`). */
export function primarySubtag(tag: string): string {
  return tag.trim().split('-')[0]!.toLowerCase();
}

// RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ).
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** A supported language named by `?lang=` (`sv`, `SV`, `sv-FI`), or undefined. */
export function queryLanguage(query: string | undefined | null): Language | undefined {
  if (typeof query !== 'string' || query.length > 35) return undefined;
  const lang = primarySubtag(query);
  return isLanguage(lang) ? lang : undefined;
}

/**
 * The page language: a supported `?lang=` wins; else the supported language with the highest q-value in
 * Accept-Language, matched by primary subtag (`sv-FI` is `sv`; ties go to the earlier entry; `q=0` excludes);
 * else `'fi'`.
 */
export function negotiateLanguage(query: string | undefined, acceptLanguage: string | undefined): Language {
  const fromQuery = queryLanguage(query);
  if (fromQuery !== undefined) return fromQuery;
  if (typeof acceptLanguage !== 'string' || acceptLanguage.trim() === '') return DEFAULT_LANGUAGE;

  // For each supported language: its highest q and the position of the entry that gave it.
  const explicit = new Map<Language, { q: number; at: number }>();
  let wildcard: number | undefined;
  // A header is bounded by Node's header size limit; 64 entries is far more than any browser sends.
  acceptLanguage
    .split(',')
    .slice(0, 64)
    .forEach((entry, at) => {
      const [range, ...params] = entry.split(';');
      if (range === undefined || range.trim() === '') return;
      let q = 1;
      for (const param of params) {
        const [name, value] = param.split('=').map((s) => s.trim());
        if (name?.toLowerCase() !== 'q') continue;
        if (value === undefined || !QVALUE.test(value)) return; // a malformed entry is ignored
        q = Number(value);
      }
      if (range.trim() === '*') {
        wildcard = Math.max(wildcard ?? 0, q);
        return;
      }
      const lang = primarySubtag(range);
      if (!isLanguage(lang)) return;
      const seen = explicit.get(lang);
      if (seen === undefined || q > seen.q) explicit.set(lang, { q, at });
    });

  let best: { lang: Language; q: number; at: number } | undefined;
  for (const [lang, { q, at }] of explicit) {
    if (q > 0 && (best === undefined || q > best.q || (q === best.q && at < best.at))) best = { lang, q, at };
  }
  // `*` stands for every language not named (RFC 9110 §12.5.4); of those, the default comes first.
  if (wildcard !== undefined && wildcard > 0 && (best === undefined || wildcard > best.q)) {
    const unnamed = [DEFAULT_LANGUAGE, ...LANGUAGES].find((l) => !explicit.has(l));
    if (unnamed !== undefined) return unnamed;
  }
  return best?.lang ?? DEFAULT_LANGUAGE;
}
