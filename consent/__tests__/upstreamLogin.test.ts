import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { HubError } from '../../lib/errors.js';
import { createLogger } from '../../lib/logger.js';
import { close, listen } from '../../tests/support/http.js';
import { CookieJar, startUpstreamProvider, upstreamStep, type UpstreamProvider } from '../../tests/support/upstreamProvider.js';
import type { UpstreamLogin } from '../upstreamLoginTypes.js';
import { createUpstreamLogin, UPSTREAM_CALLBACK_PATH, UPSTREAM_COOKIE_NAME } from '../upstreamLogin.js';

// A test persona's code (data/personas.json): temporary, never a real person.
const IDENTITY_CODE = '140385-962D';
const ACCOUNTS: Record<string, Record<string, string>> = {
  aino: { personal_identity_code: IDENTITY_CODE },
  nobody: {},
};
const CLIENT_ID = 'hub';
const CLIENT_SECRET = 'stand-in-upstream-client-secret-0123456789';
const COOKIE_KEY = Buffer.alloc(32, 7);

/** What the hub's callback route answered: the result of finish(), or the HubError it threw. */
interface Outcome {
  status: number;
  body: { uid?: string; personalIdentityCode?: string; code?: string; message?: string };
  setCookie: string[];
}

describe('upstream login', () => {
  let hubServer: Server;
  let standIn: UpstreamProvider;
  let hubIssuer: string;
  let upstreamIssuer: string;
  let upstream: UpstreamLogin;
  let logLines: string[] = [];
  const thrown: unknown[] = [];

  async function hubHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    try {
      if (path === UPSTREAM_CALLBACK_PATH) {
        const result = await upstream.finish(req, res);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
        return;
      }
      const match = /^\/interaction\/([\w-]+)$/.exec(path);
      if (match) {
        await upstream.start(req, res, match[1]!);
        return;
      }
      res.writeHead(404).end();
    } catch (error) {
      thrown.push(error);
      const status = error instanceof HubError ? error.status : 500;
      const body = error instanceof HubError ? { code: error.code, message: error.message } : { code: 'INTERNAL_SERVER_ERROR' };
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }
  }

  beforeAll(async () => {
    hubServer = createServer((req, res) => void hubHandler(req, res));
    hubIssuer = await listen(hubServer);

    standIn = await startUpstreamProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${hubIssuer}${UPSTREAM_CALLBACK_PATH}`, accounts: ACCOUNTS });
    upstreamIssuer = standIn.issuer;

    const destination = new Writable({
      write(chunk, _encoding, callback) {
        logLines.push(String(chunk));
        callback();
      },
    });
    upstream = await createUpstreamLogin({
      login: { kind: 'upstream', issuer: upstreamIssuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, identityClaim: 'personal_identity_code' },
      issuer: hubIssuer,
      cookieKey: COOKIE_KEY,
      logger: createLogger({ service: 'auth', level: 'debug', destination }),
    });
  });

  afterAll(async () => {
    await close(hubServer);
    await standIn?.stop();
  });

  async function get(url: string, jar: CookieJar, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = jar.header(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    jar.store(target, response);
    return response;
  }

  /** Follows redirects until an upstream page (200) or the redirect back to the hub's callback. */
  async function follow(response: Response, base: string, jar: CookieJar): Promise<{ page?: string; pageUrl?: string; callback?: string }> {
    let url = base;
    for (let hops = 0; hops < 10; hops++) {
      if (response.status === 200) return { page: await response.text(), pageUrl: url };
      expect([302, 303]).toContain(response.status);
      url = new URL(response.headers.get('location')!, url).href;
      if (url.startsWith(`${hubIssuer}${UPSTREAM_CALLBACK_PATH}`)) return { callback: url };
      response = await get(url, jar);
    }
    throw new Error('too many redirects');
  }

  /** Drives the browser from the hub's interaction page to the URL the upstream provider sends it back to. */
  async function signInUpstream(jar: CookieJar, uid: string, account: string | 'cancel'): Promise<string> {
    let step = await follow(await get(`${hubIssuer}/interaction/${uid}`, jar), `${hubIssuer}/interaction/${uid}`, jar);
    for (let rounds = 0; rounds < 4 && !step.callback; rounds++) {
      const next = upstreamStep(step.page!, step.pageUrl!, account);
      if (!next) throw new Error('unexpected upstream page');
      const init: RequestInit = next.fields
        ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(next.fields).toString() }
        : {};
      step = await follow(await get(next.url.href, jar, init), next.url.href, jar);
    }
    return step.callback!;
  }

  async function callback(url: string, jar: CookieJar): Promise<Outcome> {
    const response = await get(url, jar);
    return { status: response.status, body: await response.json() as Outcome['body'], setCookie: response.headers.getSetCookie() };
  }

  it('start() sends the browser to the upstream provider with PKCE S256, state and nonce, and seals them in a cookie', async () => {
    const response = await fetch(`${hubIssuer}/interaction/uid-start`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe(upstreamIssuer);
    const params = location.searchParams;
    expect(params.get('client_id')).toBe(CLIENT_ID);
    expect(params.get('response_type')).toBe('code');
    expect(params.get('scope')).toBe('openid');
    expect(params.get('redirect_uri')).toBe(`${hubIssuer}/interaction/callback/upstream`);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[\w-]{20,}$/);

    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(new RegExp(`^${UPSTREAM_COOKIE_NAME}=v1\\.[\\w-]+; `));
    expect(cookie).toContain('; Path=/interaction/callback;');
    expect(cookie).toContain('; Max-Age=600;');
    expect(cookie).toContain('; HttpOnly');
    expect(cookie).toContain('; SameSite=Lax');
    expect(cookie).not.toContain('Secure'); // the hub's issuer here is http
    // Sealed: none of the per-login secrets can be read from it.
    for (const secret of [params.get('state')!, params.get('nonce')!, 'uid-start']) expect(cookie).not.toContain(secret);
    expect(Buffer.from(cookie!.split(';')[0]!.split('.')[1]!, 'base64url').toString('latin1')).not.toContain('uid-start');
  });

  it('a whole round trip ends with finish() returning the uid and the identity code from the ID token', async () => {
    logLines = [];
    const jar = new CookieJar();
    const callbackUrl = await signInUpstream(jar, 'uid-round-trip', 'aino');
    const params = new URL(callbackUrl).searchParams;
    expect(params.get('iss')).toBe(upstreamIssuer); // RFC 9207, checked by openid-client
    const code = params.get('code')!;
    expect(code).toBeTruthy();

    const outcome = await callback(callbackUrl, jar);
    expect(outcome).toMatchObject({ status: 200, body: { uid: 'uid-round-trip', personalIdentityCode: IDENTITY_CODE } });
    // The cookie is single-use: cleared in the same response.
    expect(outcome.setCookie).toEqual([`${UPSTREAM_COOKIE_NAME}=; Path=/interaction/callback; Max-Age=0; HttpOnly; SameSite=Lax`]);

    const log = logLines.join('');
    expect(log).toContain('upstream login verified');
    expect(log).not.toContain(IDENTITY_CODE);
    expect(log).not.toContain(code);
    expect(log).not.toContain(params.get('state')!);
    expect(log).not.toMatch(/eyJ/);
  });

  it('a replayed callback (the cookie is gone) is refused', async () => {
    const jar = new CookieJar();
    const callbackUrl = await signInUpstream(jar, 'uid-replay', 'aino');
    expect((await callback(callbackUrl, jar)).status).toBe(200);
    expect(await callback(callbackUrl, jar)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', message: expect.stringContaining('expired or was started in another browser') } });
  });

  it('a missing cookie is a BAD_REQUEST', async () => {
    const jar = new CookieJar();
    const callbackUrl = await signInUpstream(jar, 'uid-no-cookie', 'aino');
    jar.delete(new URL(hubIssuer).host, UPSTREAM_COOKIE_NAME);
    const outcome = await callback(callbackUrl, jar);
    expect(outcome).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', message: 'This sign-in has expired or was started in another browser; start again from the service you came from' } });
    expect(thrown.at(-1)).toBeInstanceOf(HubError);
  });

  it('a tampered cookie is a BAD_REQUEST', async () => {
    const jar = new CookieJar();
    const callbackUrl = await signInUpstream(jar, 'uid-tampered', 'aino');
    const host = new URL(hubIssuer).host;
    const sealed = jar.get(host, UPSTREAM_COOKIE_NAME)!;
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1]! ^= 1;
    jar.set(host, '/interaction/callback', UPSTREAM_COOKIE_NAME, `v1.${raw.toString('base64url')}`);
    expect(await callback(callbackUrl, jar)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
  });

  it('a cookie sealed under another key is a BAD_REQUEST', async () => {
    const other = await createUpstreamLogin({
      login: { kind: 'upstream', issuer: upstreamIssuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, identityClaim: 'personal_identity_code' },
      issuer: hubIssuer,
      cookieKey: Buffer.alloc(32, 8),
      logger: createLogger({ service: 'auth', destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
    });
    const jar = new CookieJar();
    const callbackUrl = await signInUpstream(jar, 'uid-other-key', 'aino');
    const res = { headers: {} as Record<string, unknown>, getHeader(name: string) { return this.headers[name]; }, setHeader(name: string, value: unknown) { this.headers[name] = value; } };
    const req = { url: new URL(callbackUrl).pathname + new URL(callbackUrl).search, headers: { cookie: jar.header(new URL(callbackUrl)) } };
    await expect(other.finish(req as unknown as IncomingMessage, res as unknown as ServerResponse)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('a state that is not the one this browser started with is a BAD_REQUEST', async () => {
    const jar = new CookieJar();
    const callbackUrl = new URL(await signInUpstream(jar, 'uid-state', 'aino'));
    callbackUrl.searchParams.set('state', `${callbackUrl.searchParams.get('state')}x`);
    expect(await callback(callbackUrl.href, jar)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
  });

  it("another browser's response (login CSRF) is a BAD_REQUEST", async () => {
    const attacker = new CookieJar();
    const victim = new CookieJar();
    const attackerCallback = await signInUpstream(attacker, 'uid-attacker', 'aino');
    await get(`${hubIssuer}/interaction/uid-victim`, victim);
    expect(await callback(attackerCallback, victim)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
  });

  it('an upstream error=access_denied is FORBIDDEN', async () => {
    const jar = new CookieJar();
    const callbackUrl = await signInUpstream(jar, 'uid-abort', 'cancel');
    expect(new URL(callbackUrl).searchParams.get('error')).toBe('access_denied');
    expect(await callback(callbackUrl, jar)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN', message: 'The sign-in was cancelled or refused by the identity provider' } });
  });

  it('a forged code is FORBIDDEN, and the failure is logged without the code', async () => {
    logLines = [];
    const jar = new CookieJar();
    const callbackUrl = new URL(await signInUpstream(jar, 'uid-forged', 'aino'));
    callbackUrl.searchParams.set('code', 'forged-authorization-code-value');
    expect(await callback(callbackUrl.href, jar)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN', message: expect.stringContaining('could not be completed') } });
    const log = logLines.join('');
    expect(log).toContain('upstream login failed');
    expect(log).not.toContain('forged-authorization-code-value');
  });

  it('an ID token without the identity claim is FORBIDDEN', async () => {
    const jar = new CookieJar();
    const callbackUrl = await signInUpstream(jar, 'uid-nobody', 'nobody');
    expect(await callback(callbackUrl, jar)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN', message: 'The identity provider did not vouch for a personal identity code' } });
  });

  it('the cookie is Secure when the hub is served over https', async () => {
    const secure = await createUpstreamLogin({
      login: { kind: 'upstream', issuer: upstreamIssuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, identityClaim: 'personal_identity_code' },
      issuer: 'https://hub.example',
      cookieKey: COOKIE_KEY,
      logger: createLogger({ service: 'auth', destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
    });
    const headers: Record<string, unknown> = {};
    let location = '';
    const res = {
      getHeader: (name: string) => headers[name],
      setHeader: (name: string, value: unknown) => { headers[name] = value; },
      writeHead: (_status: number, more: Record<string, string>) => { location = more.location!; },
      end: () => undefined,
    };
    await secure.start({} as IncomingMessage, res as unknown as ServerResponse, 'uid-https');
    expect(new URL(location).searchParams.get('redirect_uri')).toBe('https://hub.example/interaction/callback/upstream');
    expect((headers['set-cookie'] as string[])[0]).toMatch(/; Secure$/);
  });

  it('misuse throws a TypeError naming the option', async () => {
    const logger = createLogger({ service: 'auth', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    const login = { kind: 'upstream' as const, issuer: 'http://idp.example', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, identityClaim: 'personal_identity_code' };
    await expect(createUpstreamLogin({ login, issuer: hubIssuer, cookieKey: COOKIE_KEY, logger })).rejects.toThrow(new TypeError('login.issuer must be https unless it is on 127.0.0.1 or localhost (got http://idp.example)'));
    await expect(createUpstreamLogin({ login: { ...login, issuer: upstreamIssuer }, issuer: hubIssuer, cookieKey: Buffer.alloc(16), logger })).rejects.toThrow(new TypeError('cookieKey must be a Buffer of at least 32 bytes (got 16 bytes)'));
  });
});
