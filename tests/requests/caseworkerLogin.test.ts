import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { createLogger } from '../../lib/logger.js';
import { TestBrowser, formAction } from '../support/browser.js';
import { personas, startTestHub, type TestHub } from '../support/hub.js';
import { partnerClient, walkBrowserSteps } from '../support/partnerFlow.js';
import { CASE_QUEUE, codeOf, SUBMIT, TAX_TEXT } from './support.js';

// The caseworkers' console as an OAuth public client of the authorization server (_notes/INTERFACES.md): PKCE, the
// dev test login listing caseworker personas, and a token whose scope is exactly `cases:<queue>` and whose subject
// is the caseworker. Neither the citizen portal nor a partner can ever get a caseworker's scope.

const CONSOLE_ORIGIN = 'http://127.0.0.1:4400';
const REDIRECT_URI = `${CONSOLE_ORIGIN}/callback`;
const ALL_CASES = 'cases:population cases:tax cases:vehicles cases:education cases:triage';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let hub: TestHub;
let consoleClient: client.Configuration;
let portalClient: client.Configuration;

beforeAll(async () => {
  hub = await startTestHub({ logger: createLogger({ service: 'test', level: 'warn' }) });
  const discover = (clientId: string) => client.discovery(new URL(hub.env.ISSUER_URL!), clientId, { token_endpoint_auth_method: 'none' }, client.None(), { execute: [client.allowInsecureRequests] });
  consoleClient = await discover('caseworker-console');
  portalClient = await discover('citizen-portal');
}, 120_000);
afterAll(async () => {
  await hub?.stop();
});

async function authorizationUrl(config: client.Configuration, scope: string, redirectUri = REDIRECT_URI, extra: Record<string, string> = {}) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope, code_challenge: await client.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256', state, ...extra,
  });
  return { url, codeVerifier, state };
}

async function signInAsCaseworker(caseworkerId: string, scope = `openid ${ALL_CASES}`) {
  const request = await authorizationUrl(consoleClient, scope, REDIRECT_URI, { prompt: 'login' });
  const browser = new TestBrowser({ stopAt: [CONSOLE_ORIGIN] });
  const { callback } = await walkBrowserSteps(browser, request.url, { persona: caseworkerId });
  return { request, callback };
}

describe('the caseworkers\' console signs a caseworker in', () => {
  it('lists the caseworker personas on the test login, and issues a token of exactly cases:<queue> for the caseworker', async () => {
    const request = await authorizationUrl(consoleClient, `openid ${ALL_CASES}`, REDIRECT_URI, { prompt: 'login' });
    const page = await new TestBrowser({ stopAt: [CONSOLE_ORIGIN] }).get(request.url);
    expect(page.html).toContain('id="login"');
    expect(page.html).toContain('<option value="cw-tax-1">');
    expect(page.html).toContain('<option value="cw-triage-1">');
    expect(page.html).not.toContain(personas[0]!.personalIdentityCode);

    const { request: signedIn, callback } = await signInAsCaseworker('cw-tax-1');
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('error')).toBeNull();
    const tokens = await client.authorizationCodeGrant(consoleClient, callback, { pkceCodeVerifier: signedIn.codeVerifier, expectedState: signedIn.state });
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({ sub: 'cw-tax-1', client_id: 'caseworker-console', scope: 'cases:tax', aud: hub.env.GATEWAY_AUDIENCE });

    const queue = await hub.query(tokens.access_token, CASE_QUEUE, {});
    expect(queue.status).toBe(200);
    expect(queue.body.data.caseQueue).toEqual(expect.any(Array));
    const citizenData = await hub.query(tokens.access_token, '{ me { firstNames requests { id } } }');
    expect(citizenData.body.data?.me ?? null).toBeNull();
    expect(codeOf(await hub.query(tokens.access_token, SUBMIT, { text: TAX_TEXT }))).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('a vehicles caseworker gets cases:vehicles only, even when the console asks for every queue', async () => {
    const { request, callback } = await signInAsCaseworker('cw-vehicles-1');
    const tokens = await client.authorizationCodeGrant(consoleClient, callback, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: 'cw-vehicles-1', scope: 'cases:vehicles' });
  });

  it('refuses a citizen\'s identity code on the console\'s login, and a caseworker id on the citizen portal\'s', async () => {
    const request = await authorizationUrl(consoleClient, `openid ${ALL_CASES}`, REDIRECT_URI, { prompt: 'login' });
    const browser = new TestBrowser({ stopAt: [CONSOLE_ORIGIN] });
    const page = await browser.get(request.url);
    const refused = await browser.submit(formAction(page, 'login'), [['persona', personas[0]!.personalIdentityCode]]);
    expect(refused.status).toBe(400);
    expect(refused.stopped).toBe(false);

    const portal = await authorizationUrl(portalClient, 'openid self', 'http://127.0.0.1:4200/callback');
    const portalBrowser = new TestBrowser({ stopAt: ['http://127.0.0.1:4200'] });
    const portalPage = await portalBrowser.get(portal.url);
    const portalRefused = await portalBrowser.submit(formAction(portalPage, 'login'), [['persona', 'cw-tax-1']]);
    expect(portalRefused.status).toBe(400);
  });

  it('refuses the console any citizen scope: the authorization ends in invalid_scope', async () => {
    for (const scope of ['openid cases:tax self', 'openid population:name']) {
      const request = await authorizationUrl(consoleClient, scope);
      const page = await new TestBrowser({ stopAt: [CONSOLE_ORIGIN] }).get(request.url);
      const error = page.stopped ? page.url.searchParams.get('error') : page.html;
      expect(error).toContain('invalid_scope');
    }
  });
});

describe('nobody else ever gets a caseworker\'s scope', () => {
  it('the citizen portal asking for cases:tax is refused with invalid_scope', async () => {
    const request = await authorizationUrl(portalClient, 'openid self cases:tax', 'http://127.0.0.1:4200/callback');
    const page = await new TestBrowser({ stopAt: ['http://127.0.0.1:4200'] }).get(request.url);
    const error = page.stopped ? page.url.searchParams.get('error') : page.html;
    expect(error).toContain('invalid_scope');
  });

  it('a partner (demo-bank) pushing an authorization request for cases:tax is refused with invalid_scope', async () => {
    const partner = await partnerClient(hub.env.ISSUER_URL!);
    const attempt = client.buildAuthorizationUrlWithPAR(partner.config, {
      redirect_uri: 'http://127.0.0.1:4300/callback', scope: 'openid population:name cases:tax',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    }, { DPoP: partner.dpop });
    await expect(attempt).rejects.toMatchObject({ error: 'invalid_scope' });
  });
});

describe('npm run token -- --caseworker <queue>', () => {
  const run = (args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], {
    cwd: ROOT, env: { ...process.env, ...hub.env, HUB_MODE: 'dev' },
  });

  it('prints one line, a token of the first caseworker of that queue that the gateway accepts', async () => {
    const { stdout } = await run(['--caseworker', 'triage']);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(decodeJwt(lines[0]!)).toMatchObject({ sub: 'cw-triage-1', scope: 'cases:triage', client_id: 'caseworker-console' });
    const queue = await hub.query(lines[0]!, CASE_QUEUE, {});
    expect(queue.status).toBe(200);
    expect(queue.body.errors).toBeUndefined();
  }, 30_000);

  it('refuses an unknown queue (health has none) and any citizen option beside it', async () => {
    await expect(run(['--caseworker', 'health'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--caseworker must be one of') });
    await expect(run(['--caseworker', 'tax', '--scope', 'self'])).rejects.toMatchObject({ code: 2 });
  }, 30_000);
});
