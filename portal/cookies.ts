/** The cookies of a request, by name (first occurrence wins). */
export function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(index + 1).trim());
  }
  return cookies;
}

/** The session cookie's name: with `Secure`, the `__Host-` prefix pins it to this origin and path `/` (RFC 6265bis §4.1.3.2). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-portal_session' : 'portal_session';
}

/** The cookie that remembers the chosen language across sessions (not personal data). */
export const LANGUAGE_COOKIE = 'portal_lang';

/** A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when served over https. `maxAge` 0 deletes it. */
export function setCookie(name: string, value: string, options: { secure: boolean; maxAgeSeconds?: number }): string {
  if (!/^[\w-]+$/.test(name) || !/^[\w-]*$/.test(value)) throw new TypeError(`setCookie: invalid cookie ${JSON.stringify(name)}`);
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
