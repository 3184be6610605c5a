import { expect } from '@jest/globals';
import { formAction, TestBrowser } from './browser.js';

/** A response from a web app (or where a redirect chain ended). */
export interface WebPage {
  url: URL;
  status: number;
  headers: Headers;
  text: string;
}

/** A request's options: method, a form (sent urlencoded), extra headers. */
export interface WebRequest {
  method?: string;
  form?: Array<[string, string]>;
  headers?: Record<string, string>;
}

/**
 * Someone with a browser in front of one of the hub's server-rendered apps (the portal, the console): the app's
 * cookies kept by hand, the authorization server's pages walked with TestBrowser (which keeps the issuer's cookies).
 */
export class WebUser {
  readonly jar = new Map<string, string>();
  readonly issuer: TestBrowser;

  constructor(readonly appUrl: string, readonly issuerUrl: string, readonly language = 'en') {
    this.issuer = new TestBrowser({ stopAt: [appUrl], language });
  }

  /** One request to the app, no redirects followed. */
  async request(path: string, init: WebRequest = {}): Promise<Response> {
    const headers: Record<string, string> = { 'accept-language': this.language, ...init.headers };
    if (this.jar.size > 0) headers.cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(new URL(path, this.appUrl), { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /max-age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects through the app and the issuer until a page that is not a redirect. */
  async open(path: string, init: WebRequest = {}): Promise<WebPage> {
    const origin = new URL(this.appUrl).origin;
    let url = new URL(path, this.appUrl);
    let next = init;
    for (let hops = 0; hops < 10; hops += 1) {
      if (url.origin !== origin) {
        const page = await this.issuer.get(url);
        if (!page.stopped) return { url: page.url, status: page.status, headers: page.headers!, text: page.html };
        url = page.url;
        continue;
      }
      const response = await this.request(url.pathname + url.search, next);
      const location = response.headers.get('location');
      if (response.status === 303 && location) {
        await response.arrayBuffer();
        url = new URL(location, url);
        next = {};
        continue;
      }
      return { url, status: response.status, headers: response.headers, text: await response.text() };
    }
    throw new Error('too many redirects');
  }

  /** Signs in through `/login` and the issuer's test login as `persona` (a personal identity code or a caseworker id). */
  async signIn(persona: string): Promise<WebPage> {
    const login = await this.open('/login');
    expect(new URL(login.url).origin).toBe(new URL(this.issuerUrl).origin);
    const callback = await this.issuer.submit(formAction({ url: login.url, status: login.status, html: login.text, stopped: false }, 'login'), [['persona', persona]]);
    expect(callback.stopped).toBe(true);
    return this.open(callback.url.pathname + callback.url.search);
  }

  /** The first CSRF token on a page. */
  csrf(page: WebPage): string {
    const token = /<input type="hidden" name="csrf" value="([^"]+)">/.exec(page.text)?.[1];
    if (!token) throw new Error(`no CSRF token on ${page.url.pathname}`);
    return token;
  }
}
