// Demo Bank: an "open an account" form that a citizen can fill in with their register data through the hub.
// This file is the partner integration guide in code: copy it. It uses only openid-client (the OAuth client),
// jose (to read the bank's key) and node:http. Nothing here comes from the hub's own code.
//
// The flow (docs/partners.md, "The flow, step by step"), and where each step is below:
//   Step 1  POST /fill: a fresh PKCE verifier, state and DPoP key; the authorization request is pushed (PAR),
//           authenticated with private_key_jwt. The browser goes to the hub with only the request_uri.
//   Step 2  the citizen signs in at the hub and chooses what to share (the hub's pages, not ours).
//   Step 3  GET /callback: check state (and iss), exchange the code with the PKCE verifier and a DPoP proof.
//   Step 4  call the gateway with the DPoP-bound token and a fresh proof; prefill exactly what came back.
//   Step 5  POST /refetch: the same call later; once the citizen has revoked the consent (or it expired): 401.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { importJWK, type CryptoKey, type JWK } from 'jose';

/** The process environment (or what a test passes). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The running app (the shape of the hub's other services). */
export interface PartnerApp {
  readonly name: 'partner';
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** What a test may swap. */
export interface PartnerAppOverrides {
  /** Receives each log entry (default: a JSON line on stdout). Entries never hold tokens or register data. */
  log?: (entry: Record<string, unknown>) => void;
}

// ---- What the bank asks for, and why -----------------------------------------------------------------------
// Ask only for what the form needs: anything outside the bank's registration is refused before the citizen
// sees a screen. `openid` is not a register item; it makes this an OpenID Connect sign-in.
const SCOPE = 'openid population:name population:address tax:income';
// The bank's own words; the same text as the English purpose of its registration (the hub shows the registered
// one on the consent screen, so keep the two in step).
const PURPOSE = 'Opening a bank account: we fill in your application with your details and check your income for the credit decision.';
// Each item in plain English, for the "Shared from the registers" box.
const ITEM_LABELS: Record<string, string> = {
  'population:name': 'your name (Population Information System)',
  'population:address': 'your address (Population Information System)',
  'population:adult': 'whether you are 18 or over (Population Information System)',
  'tax:income': 'your earned income (Tax Administration)',
  'vehicles:owned': 'the vehicles you own or hold (Traficom)',
};
// The one operation this app runs (prefill.graphql), registered with the hub as demo-bank's trusted document: the
// gateway runs only registered operations for a partner, so the app sends just the document's id, the SHA-256 of
// that exact text.
const PREFILL_DOCUMENT = readFileSync(new URL('./prefill.graphql', import.meta.url), 'utf8');
const PREFILL_DOCUMENT_ID = `sha256:${createHash('sha256').update(PREFILL_DOCUMENT, 'utf8').digest('hex')}`;
// demo-bank's dev-only key, committed for local use. A real bank keeps its key in its own secret store.
const DEV_KEY_FILE = new URL('../../consent/partners/dev/demo-bank.private.jwk.json', import.meta.url);

// The form: the fields the registers can fill, then the ones the citizen always types themself.
const REGISTER_FIELDS = [
  { name: 'firstNames', label: 'First names', autocomplete: 'given-name' },
  { name: 'lastName', label: 'Last name', autocomplete: 'family-name' },
  { name: 'streetAddress', label: 'Street address', autocomplete: 'street-address' },
  { name: 'postalCode', label: 'Postal code', autocomplete: 'postal-code' },
  { name: 'municipality', label: 'Municipality', autocomplete: 'address-level2' },
  { name: 'earnedIncome', label: 'Yearly earned income (EUR)', autocomplete: 'off' },
] as const;
const CONTACT_FIELDS = [
  { name: 'email', label: 'E-mail', autocomplete: 'email', type: 'email' },
  { name: 'phone', label: 'Phone', autocomplete: 'tel', type: 'tel' },
] as const;
type RegisterField = (typeof REGISTER_FIELDS)[number]['name'];
type ContactField = (typeof CONTACT_FIELDS)[number]['name'];

const NOTICES = {
  filled: 'Filled in from the registers. Please check the details and fill in the rest.',
  refetched: 'Fetched again from the registers.',
  denied: 'You chose not to share your register data. That is fine: please fill in the form yourself.',
  ended: 'Your consent has ended (revoked or expired); nothing was fetched. Please fill in the form yourself, or fill it in with your register data again.',
  unavailable: 'The registers could not be reached; nothing was fetched. Please try again in a moment or fill in the form yourself.',
  busy: 'The hub asked us to slow down (too many requests); nothing was fetched. Please try again in a minute.',
  failed: 'The sign-in could not be completed; nothing was fetched. Please try again.',
  stale: 'This sign-in does not belong to this browser session, or was already used. Please start again.',
  noToken: 'There is nothing to fetch again yet: use "Fill in with my register data" first.',
  applied: 'Thank you. This is a demo bank: your application was not sent anywhere.',
};

// ---- Sessions: server-side, keyed by a random HttpOnly SameSite=Lax cookie -----------------------------------
/** What the form shows (post/redirect/get keeps the code out of the address bar and history). */
interface View {
  values: Partial<Record<RegisterField, string>>;
  /** True when the form was filled from the registers: empty register fields are then marked "not shared". */
  filled: boolean;
  /** The tax year the income is from. */
  incomeYear?: number;
  notice?: string;
}
interface Session {
  touched: number;
  /** What the citizen typed themself, kept across the trip to the hub. */
  contact: Partial<Record<ContactField, string>>;
  /** Between /fill and /callback. */
  pending?: { state: string; codeVerifier: string; dpop: client.DPoPHandle };
  /** After /callback: the token, the granted items, and the DPoP key the token is bound to. */
  grant?: { accessToken: string; scopes: string[]; dpop: client.DPoPHandle };
  /** What GET / shows: the form as last filled in; its notice is shown once. */
  view?: View;
}
const COOKIE = 'bank_session';
const SESSION_TTL_MS = 30 * 60_000;
const MAX_SESSIONS = 10_000;

/** Starts the app. Config from `env` (see README.md in this folder). */
export async function startPartnerApp(env: Env, overrides: PartnerAppOverrides = {}): Promise<PartnerApp> {
  const setting = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const production = setting('HUB_MODE') === 'production';
  const host = setting('HUB_HOST') ?? '127.0.0.1';
  const issuer = new URL(setting('ISSUER_URL') ?? `http://127.0.0.1:${setting('AUTH_PORT') ?? 4100}`);
  const gateway = new URL(setting('GATEWAY_URL') ?? `http://127.0.0.1:${setting('GATEWAY_PORT') ?? 4000}/graphql`);
  const clientId = setting('PARTNER_CLIENT_ID') ?? 'demo-bank';
  const port = Number(setting('PARTNER_PORT') ?? 4300);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('PARTNER_PORT must be a TCP port (0-65535)');
  if (production && (issuer.protocol !== 'https:' || gateway.protocol !== 'https:')) throw new TypeError('production needs https ISSUER_URL and GATEWAY_URL');

  // The bank's private key, for private_key_jwt: from PARTNER_PRIVATE_JWK, else (dev only) the committed dev key.
  const jwkText = setting('PARTNER_PRIVATE_JWK') ?? (!production && clientId === 'demo-bank' ? readFileSync(DEV_KEY_FILE, 'utf8') : undefined);
  if (!jwkText) throw new TypeError('PARTNER_PRIVATE_JWK must be set (the dev key is for demo-bank outside production only)');
  const jwk = JSON.parse(jwkText) as JWK;
  const privateKey = { key: (await importJWK(jwk, jwk.alg ?? 'ES256')) as CryptoKey, kid: jwk.kid };

  const minLevel = ({ debug: 20, info: 30, warn: 40, error: 50, silent: 100 } as Record<string, number>)[setting('LOG_LEVEL') ?? 'info'] ?? 30;
  const levels = { info: 30, warn: 40, error: 50 };
  const log = (level: keyof typeof levels, msg: string, fields: Record<string, unknown> = {}) => {
    if (levels[level] < minLevel) return;
    const entry = { level: levels[level], time: Date.now(), service: 'partner', msg, ...fields };
    if (overrides.log) overrides.log(entry);
    else process.stdout.write(`${JSON.stringify(entry)}\n`);
  };

  // Discovery, lazily and retried on the next use when it fails: the app may start before the hub.
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () => {
    discovered ??= client
      .discovery(issuer, clientId, { token_endpoint_auth_signing_alg: 'ES256' }, client.PrivateKeyJwt(privateKey), {
        // Plain http is for a local dev hub only; production refuses it above.
        execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
        timeout: 5,
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  const sessions = new Map<string, Session>();
  let redirectUri = ''; // set once the port is known
  const secureCookie = () => (redirectUri.startsWith('https:') ? '; Secure' : '');

  /** The browser's session; with `create`, a new one (and its cookie) when it has none. */
  function sessionOf(req: IncomingMessage, res: ServerResponse, create: true): Session;
  function sessionOf(req: IncomingMessage, res: ServerResponse, create: false): Session | undefined;
  function sessionOf(req: IncomingMessage, res: ServerResponse, create: boolean): Session | undefined {
    const now = Date.now();
    const id = /(?:^|;\s*)bank_session=([A-Za-z0-9_-]{43})(?:;|$)/.exec(req.headers.cookie ?? '')?.[1];
    const existing = id ? sessions.get(id) : undefined;
    if (existing && now - existing.touched < SESSION_TTL_MS) {
      existing.touched = now;
      return existing;
    }
    if (id) sessions.delete(id);
    if (!create) return undefined;
    for (const [key, session] of sessions) {
      if (sessions.size >= MAX_SESSIONS || now - session.touched >= SESSION_TTL_MS) sessions.delete(key);
      else break; // the map is in creation order; the rest are newer
    }
    const fresh: Session = { touched: now, contact: {} };
    const newId = randomBytes(32).toString('base64url');
    sessions.set(newId, fresh);
    res.setHeader('set-cookie', `${COOKIE}=${newId}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}${secureCookie()}`);
    return fresh;
  }

  /** Step 4: the gateway, with the session's token and a fresh DPoP proof for this one request. */
  async function fetchRegisterData(grant: NonNullable<Session['grant']>): Promise<View> {
    const config = await configuration();
    let response: Response;
    try {
      response = await client.fetchProtectedResource(config, grant.accessToken, gateway, 'POST', JSON.stringify({ documentId: PREFILL_DOCUMENT_ID }),
        new Headers({ 'content-type': 'application/json', accept: 'application/json' }), { DPoP: grant.dpop });
    } catch (error) {
      // openid-client throws on a 401 with a WWW-Authenticate challenge: the consent was revoked or expired.
      if (error instanceof client.WWWAuthenticateChallengeError && error.status === 401) return { values: {}, filled: false, notice: NOTICES.ended };
      throw error;
    }
    if (response.status === 401) return { values: {}, filled: false, notice: NOTICES.ended };
    // 429 RATE_LIMITED: this client (or its requests about this person) went over the hub's rate limit. Retry-After
    // says when the window ends; a back end retrying on its own must wait at least that long.
    if (response.status === 429) {
      log('warn', 'the gateway asked us to slow down', { status: 429, retryAfter: response.headers.get('retry-after') });
      return { values: {}, filled: false, notice: NOTICES.busy };
    }
    if (!response.ok) {
      log('warn', 'the gateway did not answer with data', { status: response.status });
      return { values: {}, filled: false, notice: NOTICES.unavailable };
    }
    const body = (await response.json()) as { data?: { me?: MeResult | null } | null };
    // Exactly what came back. A field the citizen did not share is null (with UNAUTHORIZED_FIELD_OR_TYPE in
    // `errors`); a protected address is null with no error at all. Both simply stay empty: the bank never
    // learns, or guesses, why.
    const me = body.data?.me ?? {};
    const latest = [...(me.taxAssessments ?? [])].sort((a, b) => b.year - a.year)[0];
    const values: View['values'] = {
      firstNames: me.firstNames ?? undefined,
      lastName: me.lastName ?? undefined,
      streetAddress: me.address?.streetAddress ?? undefined,
      postalCode: me.address?.postalCode ?? undefined,
      municipality: me.address?.municipality ?? undefined,
      earnedIncome: latest ? String(latest.earnedIncome) : undefined,
    };
    return { values, filled: true, incomeYear: latest?.year };
  }

  // ---- Routes -----------------------------------------------------------------------------------------------
  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    if (url.pathname === '/healthz') return json(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      // Ready when the issuer's discovery document answers: without it nobody can fill anything in.
      const discoveryUrl = new URL(`${issuer.pathname.replace(/\/$/, '')}/.well-known/openid-configuration`, issuer);
      const ok = await fetch(discoveryUrl, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      return json(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready' });
    }
    if (method === 'POST' && !sameOrigin(req)) return html(res, 403, render({ values: {}, filled: false, notice: 'Forbidden.' }, {}, undefined));

    if (url.pathname === '/' && (method === 'GET' || method === 'HEAD')) {
      const session = sessionOf(req, res, false);
      const view = session?.view ?? { values: {}, filled: false };
      if (session?.view) session.view = { ...session.view, notice: undefined }; // a message is shown once
      return html(res, 200, render(view, session?.contact ?? {}, session?.grant?.scopes));
    }

    if (url.pathname === '/fill' && method === 'POST') {
      // Step 1. A new PKCE verifier, state and DPoP key pair for every attempt.
      const session = sessionOf(req, res, true);
      session.contact = contactFrom(await readForm(req));
      session.grant = undefined; // starting again forgets an earlier token and what it filled in
      session.view = undefined;
      let config: client.Configuration;
      try {
        config = await configuration();
      } catch (error) {
        log('warn', 'issuer discovery failed', { err: errorName(error) });
        return show(res, session, { values: {}, filled: false, notice: NOTICES.unavailable });
      }
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      // PAR: the parameters go server to server, signed in by our key; the code will be bound to our DPoP key.
      const authorizationUrl = await client.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: redirectUri,
        scope: SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
      }, { DPoP: dpop });
      session.pending = { state, codeVerifier, dpop };
      return redirect(res, authorizationUrl.href); // Step 2: the citizen, at the hub.
    }

    if (url.pathname === '/callback' && method === 'GET') {
      // Step 3. The answer must belong to this browser's pending request (state), and is usable once.
      const session = sessionOf(req, res, false);
      const pending = session?.pending;
      if (!session || !pending || url.searchParams.get('state') !== pending.state) {
        return html(res, 400, render({ values: {}, filled: false, notice: NOTICES.stale }, session?.contact ?? {}, undefined));
      }
      session.pending = undefined;
      if (url.searchParams.has('error')) {
        const denied = url.searchParams.get('error') === 'access_denied';
        if (!denied) log('warn', 'authorization ended with an error', { error: url.searchParams.get('error') });
        return show(res, session, { values: {}, filled: false, notice: denied ? NOTICES.denied : NOTICES.failed });
      }
      let tokens;
      try {
        const config = await configuration();
        // Our registered redirect URI plus the answer's parameters (code, state, iss). openid-client checks
        // `iss` (RFC 9207) and `state`, sends the PKCE verifier, our client assertion and a DPoP proof.
        const callbackUrl = new URL(redirectUri);
        callbackUrl.search = url.search;
        tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state },
          undefined, { DPoP: pending.dpop });
      } catch (error) {
        log('warn', 'code exchange failed', { err: errorName(error) });
        return show(res, session, { values: {}, filled: false, notice: NOTICES.failed });
      }
      // The token response's `scope` is what the citizen actually granted (they may untick items).
      const scopes = (tokens.scope ?? SCOPE).split(' ').filter((scope) => scope && scope !== 'openid');
      session.grant = { accessToken: tokens.access_token, scopes, dpop: pending.dpop };
      const view = await fetchOrExplain(session);
      return show(res, session, { ...view, notice: view.notice ?? NOTICES.filled });
    }

    if (url.pathname === '/refetch' && method === 'POST') {
      // Step 5. The same call later, with a new proof. The token lives only in this server-side session.
      const session = sessionOf(req, res, true);
      session.contact = contactFrom(await readForm(req));
      if (!session.grant) return show(res, session, { values: {}, filled: false, notice: NOTICES.noToken });
      const view = await fetchOrExplain(session);
      return show(res, session, { ...view, notice: view.notice ?? NOTICES.refetched });
    }

    if (url.pathname === '/apply' && method === 'POST') {
      // A real bank would process the application here. The demo forgets everything.
      const session = sessionOf(req, res, false);
      await readForm(req);
      if (session) {
        session.grant = undefined;
        session.contact = {};
      }
      return html(res, 200, render({ values: {}, filled: false, notice: NOTICES.applied }, {}, undefined));
    }

    return html(res, 404, render({ values: {}, filled: false, notice: 'There is no such page.' }, {}, undefined));
  }

  /** Fetches for the session's grant; a consent that has ended drops the token. */
  async function fetchOrExplain(session: Session): Promise<View> {
    try {
      const view = await fetchRegisterData(session.grant!);
      if (view.notice === NOTICES.ended) session.grant = undefined;
      return view;
    } catch (error) {
      log('warn', 'gateway call failed', { err: errorName(error) });
      return { values: {}, filled: false, notice: NOTICES.unavailable };
    }
  }

  /** Post/redirect/get: the session now shows `view`, and the browser goes to GET /. */
  function show(res: ServerResponse, session: Session, view: View): void {
    session.view = view;
    redirect(res, '/');
  }

  // CSP: no scripts at all; the one inline style is allowed by its hash; forms may go to us and (through the
  // /fill redirect) to the hub's authorization server.
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  const securityHeaders = {
    'content-security-policy': `default-src 'none'; style-src 'sha256-${styleHash}'; form-action 'self' ${issuer.origin}; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
    // Not no-referrer: browsers would then send `Origin: null` with our own form posts (see sameOrigin).
    'referrer-policy': 'same-origin',
    'cache-control': 'no-store',
  };
  const html = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { ...securityHeaders, 'content-type': 'text/html; charset=utf-8' }).end(body);
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  };
  const redirect = (res: ServerResponse, location: string) => {
    res.writeHead(303, { location, 'cache-control': 'no-store' }).end();
  };

  const server = createServer(async (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://app.invalid'); // only the path and query are used
    try {
      await route(req, res, url);
    } catch (error) {
      log('error', 'request failed', { err: errorName(error) });
      if (!res.headersSent) html(res, 500, render({ values: {}, filled: false, notice: 'Something went wrong. Please try again.' }, {}, undefined));
      else res.end();
    } finally {
      // Method, known route and status only: query strings carry codes, bodies carry personal data.
      const known = ['/', '/fill', '/callback', '/refetch', '/apply'].includes(url.pathname);
      if (url.pathname !== '/healthz' && url.pathname !== '/readyz') {
        log('info', 'request', { method: req.method, path: known ? url.pathname : '(unknown)', status: res.statusCode, ms: Date.now() - started });
      }
    }
  });
  const boundPort = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
  redirectUri = setting('PARTNER_REDIRECT_URI') ?? `http://127.0.0.1:${boundPort}/callback`;
  configuration().catch(() => undefined); // warm up; a failure is retried on first use
  log('info', 'partner app listening', { port: boundPort, clientId });

  return {
    name: 'partner',
    port: boundPort,
    url: `http://${host}:${boundPort}`,
    stop: () =>
      new Promise<void>((resolve) => {
        sessions.clear();
        const timer = setTimeout(() => server.closeAllConnections(), 2000);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** What the gateway's `me` can hold for this query. */
interface MeResult {
  firstNames?: string | null;
  lastName?: string | null;
  address?: { streetAddress?: string | null; postalCode?: string | null; municipality?: string | null } | null;
  taxAssessments?: Array<{ year: number; earnedIncome: number }> | null;
}

// ---- Small helpers -------------------------------------------------------------------------------------------
/** A POST must come from our own pages (besides the SameSite=Lax cookie). Browsers send `Origin` with form posts. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Reads an urlencoded form body (small: this form has a few short fields). */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16_384) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function contactFrom(form: URLSearchParams): Session['contact'] {
  return Object.fromEntries(CONTACT_FIELDS.map(({ name }) => [name, (form.get(name) ?? '').slice(0, 200)]));
}

/** A log-safe description of an error: its class and OAuth error code, never its message or data. */
function errorName(error: unknown): string {
  const e = error as { name?: string; error?: string; code?: string };
  return [e?.name ?? 'Error', e?.error ?? e?.code].filter(Boolean).join(':');
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// ---- The page ------------------------------------------------------------------------------------------------
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{color:#0b3d91}fieldset{border:1px solid #bbb;margin:1rem 0;padding:.5rem 1rem}label{display:block;font-weight:600;margin-top:.75rem}
input{font:inherit;padding:.3rem;width:100%;box-sizing:border-box}button{font:inherit;padding:.5rem 1rem;margin:.5rem .5rem 0 0}
.note{background:#eef3fb;border-left:4px solid #0b3d91;padding:.5rem 1rem}.not-shared{color:#8a4b00;font-size:.9rem}.hint{font-size:.9rem}
#notice:not(:empty){background:#fff7e0;border-left:4px solid #c77700;padding:.5rem 1rem}`;

/** The account-opening form, with what was filled in and why. Everything dynamic is escaped. */
function render(view: View, contact: Session['contact'], grantedScopes: string[] | undefined): string {
  const shared = grantedScopes && grantedScopes.length > 0;
  const field = ({ name, label, autocomplete }: (typeof REGISTER_FIELDS)[number]) => {
    const value = view.values[name];
    const note = view.filled && !value ? `<span class="not-shared" id="${name}-note" data-field="${name}">Not shared, please fill in</span>` : '';
    const hint = name === 'earnedIncome' && value && view.incomeYear ? `<span class="hint" id="${name}-note">From your tax assessment for ${view.incomeYear}</span>` : '';
    return `<label for="${name}">${label}</label>
<input id="${name}" name="${name}" autocomplete="${autocomplete}" value="${escape(value ?? '')}"${name === 'earnedIncome' ? ' inputmode="decimal"' : ''} required${note || hint ? ` aria-describedby="${name}-note"` : ''}>
${note}${hint}`;
  };
  const contactField = ({ name, label, autocomplete, type }: (typeof CONTACT_FIELDS)[number]) =>
    `<label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="${type}" autocomplete="${autocomplete}" value="${escape(contact[name] ?? '')}"${name === 'email' ? ' required' : ''}>`;
  const purpose = `<span id="purpose">${escape(PURPOSE)}</span>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Open an account - Demo Bank</title><style>${STYLE}</style></head>
<body>
<header><h1>Demo Bank</h1></header>
<main>
<h2>Open an account</h2>
<div id="notice" role="status">${view.notice ? escape(view.notice) : ''}</div>
${shared ? `<section class="note" aria-labelledby="shared-heading">
<h3 id="shared-heading">Shared from the registers:</h3>
<ul id="shared-items">${grantedScopes.map((scope) => `<li data-scope="${escape(scope)}">${escape(ITEM_LABELS[scope] ?? scope)}</li>`).join('')}</ul>
<p>for: ${purpose}</p>
</section>` : `<section class="note" aria-labelledby="fill-heading">
<h3 id="fill-heading">Save typing: fill in with your register data</h3>
<p>We will ask, through the personal data hub, for your name and address (Population Information System) and your
earned income from your latest tax assessment (Tax Administration). You sign in, see exactly what is asked and can
leave items out. You can end the consent any time in your hub portal.</p>
<p>Why: ${purpose}</p>
</section>`}
<form id="account" method="post" action="/apply">
<fieldset><legend>Your details</legend>
${REGISTER_FIELDS.map(field).join('\n')}
</fieldset>
<fieldset><legend>How we reach you</legend>
${CONTACT_FIELDS.map(contactField).join('\n')}
</fieldset>
<button id="fill" type="submit" formaction="/fill" formnovalidate>Fill in with my register data</button>
${shared ? '<button id="refetch" type="submit" formaction="/refetch" formnovalidate>Fetch again</button>' : ''}
<button id="apply" type="submit">Open the account</button>
</form>
</main>
</body>
</html>`;
}
