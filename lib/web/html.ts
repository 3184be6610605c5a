const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values (the five characters of OWASP rule #1). */
export function escapeHtml(value: string | number): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new TypeError(`escapeHtml: "value" must be a string or a number, got ${typeof value}`);
  }
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Fills `{name}` placeholders in a plain-text message: the message text is escaped, the values are inserted as
 * given, so they must already be HTML (escape them, or wrap escaped text in markup such as `<strong>`).
 */
export function interpolate(template: string, values: Readonly<Record<string, string>>): string {
  return template
    .split(/(\{[a-zA-Z]+\})/)
    .map((part) => {
      const name = /^\{([a-zA-Z]+)\}$/.exec(part)?.[1];
      if (name === undefined) return escapeHtml(part);
      const value = values[name];
      if (value === undefined) throw new TypeError(`interpolate: no value for placeholder "{${name}}" in "${template}"`);
      return value;
    })
    .join('');
}

/** Rejects URLs whose scheme is not http(s), so a form or link can never point at `javascript:` and the like. */
export function assertSafeUrl(option: string, url: string): void {
  if (typeof url !== 'string' || url.length === 0 || (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url) && !/^https?:/i.test(url))) {
    throw new TypeError(`"${option}" must be a relative URL or an http(s) URL, got ${JSON.stringify(url)}`);
  }
}

/** `base` with its `lang` query parameter set to `lang`, keeping any other parameters. */
export function languageHref(base: string, lang: string): string {
  const hashAt = base.indexOf('#');
  const withoutHash = hashAt === -1 ? base : base.slice(0, hashAt);
  const queryAt = withoutHash.indexOf('?');
  const path = queryAt === -1 ? withoutHash : withoutHash.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : withoutHash.slice(queryAt + 1));
  params.set('lang', lang);
  return `${path}?${params.toString()}`;
}
