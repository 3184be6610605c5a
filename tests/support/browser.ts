/**
 * The smallest browser that can walk the authorization server's pages over HTTP: it keeps cookies per origin,
 * follows redirects by hand, and stops at any URL under `stopAt` (a client's redirect URI, where nothing listens).
 */
export class TestBrowser {
  readonly #cookies = new Map<string, Map<string, string>>();
  readonly #stopAt: URL[];
  readonly #language: string;
  readonly #onHop?: (hop: BrowserHop) => void;

  constructor(options: { stopAt: string[]; language?: string; onHop?: (hop: BrowserHop) => void }) {
    this.#stopAt = options.stopAt.map((prefix) => new URL(prefix));
    this.#language = options.language ?? 'en';
    this.#onHop = options.onHop;
  }

  /** GETs a URL and follows redirects; resolves with the final page or the redirect URI it stopped at. */
  get(url: string | URL): Promise<BrowserPage> {
    return this.#navigate(new URL(url), { method: 'GET' });
  }

  /** Submits a form (urlencoded) the way a browser does, then follows redirects. */
  submit(url: string | URL, fields: Array<[string, string]>): Promise<BrowserPage> {
    const body = new URLSearchParams(fields).toString();
    return this.#navigate(new URL(url), { method: 'POST', body, contentType: 'application/x-www-form-urlencoded' });
  }

  async #navigate(url: URL, request: { method: string; body?: string; contentType?: string }): Promise<BrowserPage> {
    let current = url;
    let next: { method: string; body?: string; contentType?: string } = request;
    for (let hops = 0; hops < 20; hops += 1) {
      if (this.#stopAt.some((stop) => isUnder(current, stop))) return { url: current, status: 0, html: '', stopped: true };
      const headers: Record<string, string> = { 'accept-language': this.#language, accept: 'text/html' };
      const cookie = this.#cookieHeader(current);
      if (cookie) headers.cookie = cookie;
      if (next.contentType) headers['content-type'] = next.contentType;
      const response = await fetch(current, { method: next.method, headers, body: next.body, redirect: 'manual' });
      this.#store(current, response.headers.getSetCookie());
      const location = response.headers.get('location');
      this.#onHop?.({ method: next.method, url: current, status: response.status, location, headers: response.headers });
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        current = new URL(location, current);
        next = { method: 'GET' };
        continue;
      }
      return { url: current, status: response.status, html: await response.text(), stopped: false, headers: response.headers };
    }
    throw new Error('too many redirects');
  }

  #cookieHeader(url: URL): string {
    const jar = this.#cookies.get(url.host);
    return jar ? [...jar].map(([name, value]) => `${name}=${value}`).join('; ') : '';
  }

  #store(url: URL, setCookies: string[]): void {
    const jar = this.#cookies.get(url.host) ?? new Map<string, string>();
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.#cookies.set(url.host, jar);
  }
}

/** One request of a navigation, redirects included (for tests that look at every answer on the way). */
export interface BrowserHop {
  method: string;
  url: URL;
  status: number;
  location: string | null;
  headers: Headers;
}

/** Where a navigation ended. */
export interface BrowserPage {
  url: URL;
  status: number;
  html: string;
  /** True when it stopped at a client's redirect URI (the callback carries the code). */
  stopped: boolean;
  headers?: Headers;
}

/** The action URL of `form#<id>` on a page, resolved against the page's URL. */
export function formAction(page: BrowserPage, id: string): URL {
  const form = new RegExp(`<form[^>]*id="${id}"[^>]*>`, 'i').exec(page.html)?.[0];
  if (!form) throw new Error(`no form#${id} on ${page.url.pathname} (status ${page.status})`);
  const action = /action="([^"]*)"/i.exec(form)?.[1] ?? '';
  return new URL(action.replace(/&amp;/g, '&'), page.url);
}

/** The values of the hidden inputs and checkboxes named `name` on a page. */
export function inputValues(page: BrowserPage, name: string, kind: 'hidden' | 'checkbox'): string[] {
  const pattern = new RegExp(`<input[^>]*type="${kind}"[^>]*name="${name}"[^>]*>|<input[^>]*name="${name}"[^>]*type="${kind}"[^>]*>`, 'gi');
  return [...page.html.matchAll(pattern)].map((m) => /value="([^"]*)"/.exec(m[0])?.[1] ?? '');
}

/**
 * Whether `url` is at or under `stop`: the same origin, and a path that starts with the stop's. Compared as URLs, not as
 * text: `http://127.0.0.1:4200` is no prefix of the authorization server at `http://127.0.0.1:42001`.
 */
function isUnder(url: URL, stop: URL): boolean {
  return url.origin === stop.origin && url.pathname.startsWith(stop.pathname);
}
