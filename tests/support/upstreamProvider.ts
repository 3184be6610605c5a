import { jest } from '@jest/globals';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { close, listen } from './http.js';

// A stand-in for the upstream OpenID Provider that citizens sign in with in production mode (Suomi.fi, Singpass):
// a second oidc-provider with its development login and consent pages, whose ID token carries the personal
// identity code. Its pages are walked with `upstreamStep`; `CookieJar` keeps cookies by path as the hub sets them.

/** What `startUpstreamProvider` needs: the hub as its one client, and the accounts one may sign in as. */
export interface UpstreamProviderOptions {
  clientId: string;
  clientSecret: string;
  /** The hub's callback for this provider: the client's only redirect URI. */
  redirectUri: string;
  /** Login name → the claims of that account's ID token besides `sub` (e.g. `personal_identity_code`). */
  accounts: Record<string, Record<string, string>>;
}

/** A running stand-in provider. */
export interface UpstreamProvider {
  issuer: string;
  stop(): Promise<void>;
}

/** Starts the stand-in provider on a free port of 127.0.0.1; any password signs in as any of `accounts`. */
export async function startUpstreamProvider(options: UpstreamProviderOptions): Promise<UpstreamProvider> {
  let provider: any; // oidc-provider ships no types (consent/oidc-provider.d.ts)
  const server = createServer((req, res) => provider.callback()(req, res));
  const issuer = await listen(server);
  // oidc-provider warns loudly about its development defaults, which is what this stand-in wants.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
  try {
    provider = new Provider(issuer, {
      clients: [{
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      }],
      claims: { openid: ['sub', 'personal_identity_code'] },
      // Claims of the openid scope go into the ID token itself, as Suomi.fi and Singpass do with the identity code.
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ['stand-in-upstream-cookie-key'] },
      ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      findAccount: async (_ctx: unknown, id: string) => options.accounts[id] && {
        accountId: id,
        claims: async () => ({ sub: id, ...options.accounts[id] }),
      },
    });
  } finally {
    warn.mockRestore();
    info.mockRestore();
  }
  return { issuer, stop: () => close(server) };
}

/** What a browser does on a page of the stand-in provider. */
export interface UpstreamStep {
  /** The page answered: its login form, its consent form, or (to cancel) either one's abort link. */
  page: 'login' | 'consent' | 'abort';
  url: URL;
  /** The form fields to POST; none for the abort link, which is a GET. */
  fields?: Array<[string, string]>;
}

/** The next step on a stand-in page (HTML at `pageUrl`): sign in as `account` and consent, or `cancel`; null on any other page. */
export function upstreamStep(html: string, pageUrl: URL | string, account: string | 'cancel'): UpstreamStep | null {
  if (account === 'cancel') {
    const abort = /href="([^"]*\/abort)"/.exec(html)?.[1];
    if (!abort) throw new Error('no abort link on the upstream page');
    return { page: 'abort', url: new URL(abort, pageUrl) };
  }
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const url = action === undefined ? undefined : new URL(action.replace(/&amp;/g, '&'), pageUrl);
  if (url && html.includes('name="prompt" value="login"')) return { page: 'login', url, fields: [['prompt', 'login'], ['login', account], ['password', 'any']] };
  if (url && html.includes('name="prompt" value="consent"')) return { page: 'consent', url, fields: [['prompt', 'consent']] };
  return null;
}

/** A browser's cookies, enough of RFC 6265 for these flows: host, path prefix, Max-Age=0 deletes (the hub scopes some to paths). */
export class CookieJar {
  private readonly cookies = new Map<string, { host: string; path: string; name: string; value: string }>();

  /** Keeps (or deletes) what a response to `url` set. */
  store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      let path = '/';
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', val = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') path = val;
        if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
        if (key.toLowerCase() === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      }
      const id = `${url.host} ${path} ${name}`;
      if (expired) this.cookies.delete(id);
      else this.cookies.set(id, { host: url.host, path, name, value });
    }
  }

  /** The Cookie header a browser would send to `url` (empty when none). */
  header(url: URL): string {
    return [...this.cookies.values()]
      .filter((c) => c.host === url.host && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** The value of cookie `name` kept for `host`, whatever its path. */
  get(host: string, name: string): string | undefined {
    return [...this.cookies.values()].find((c) => c.host === host && c.name === name)?.value;
  }

  /** Sets a cookie by hand, as an attacker editing their own browser would. */
  set(host: string, path: string, name: string, value: string): void {
    this.cookies.set(`${host} ${path} ${name}`, { host, path, name, value });
  }

  /** Forgets cookie `name` of `host` on every path. */
  delete(host: string, name: string): void {
    for (const [id, c] of this.cookies) if (c.host === host && c.name === name) this.cookies.delete(id);
  }
}
