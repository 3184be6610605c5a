import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGateway } from '../../gateway/start.js';
import { createLogger } from '../../lib/logger.js';
import type { RunningService } from '../../lib/subgraph/start.js';
import { readResponse, type RawResponse } from '../support/http.js';
import { personas, startTestHub, type TestHub, type TestPersona } from '../support/hub.js';
import { authorizeWithPar, exchangeCode, partnerClient, partnerQuery, type PartnerClient } from '../support/partnerFlow.js';

// Rate limits at the gateway, on a whole hub: a citizen's requests over the limit are refused with 429
// RATE_LIMITED and a Retry-After within the window, and nothing of the person; other citizens are not affected;
// two gateways on one consent database share the count; the count starts again with the next window; a partner
// is limited across all its citizens and per citizen, and never uses up the citizen's own allowance.

const CITIZEN_LIMIT = 5;
const PARTNER_LIMIT = 8;
// Short, so that the reset can be waited for; every scenario starts at the beginning of a fresh window (windows
// are aligned to the epoch) so that its requests all fall in one window.
const WINDOW_SECONDS = 5;
const QUERY = '{ me { firstNames lastName } }';
// The one operation demo-bank may run here (trusted documents: partners run registered operations only).
const PARTNER_QUERY = '{ me { firstNames lastName isAdult } }';

const [alice, bob, carol] = personas as [TestPersona, TestPersona, TestPersona];
const logLines: string[] = [];
const logger = createLogger({ service: 'test', level: 'info', destination: { write: (line: string) => void logLines.push(line) } });
let hub: TestHub;
/** A second gateway process's worth of gateway, on the same hub and the same consent database. */
let second: RunningService;

beforeAll(async () => {
  hub = await startTestHub({
    logger,
    env: { RATE_LIMIT_CITIZEN_PER_MINUTE: String(CITIZEN_LIMIT), RATE_LIMIT_PARTNER_PER_MINUTE: String(PARTNER_LIMIT), RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS) },
    trustedDocuments: { 'demo-bank': [PARTNER_QUERY] },
  });
  second = await startGateway({ ...hub.env, GATEWAY_PORT: '0' }, { logger });
});
afterAll(async () => {
  await second?.stop();
  await hub?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the next window to begin (plus a little, for clocks read a moment apart). */
async function freshWindow(): Promise<void> {
  const windowMs = WINDOW_SECONDS * 1000;
  await sleep(windowMs - (Date.now() % windowMs) + 50);
}

async function ask(url: string, token: string, query = QUERY): Promise<RawResponse> {
  return readResponse(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) }));
}

/** Refused for the rate: 429, one RATE_LIMITED error, Retry-After whole seconds within the window, nothing of anyone. */
function expectRateLimited(response: { status: number; body: any; headers: Headers }, policy: string): number {
  expect({ status: response.status, codes: response.body?.errors?.map((e: any) => e.extensions.code) }).toEqual({ status: 429, codes: ['RATE_LIMITED'] });
  expect(response.body.data).toBeUndefined();
  const retryAfter = response.headers.get('retry-after');
  expect(retryAfter).toMatch(/^[1-9]\d*$/); // delay-seconds, RFC 9110 §10.2.3
  expect(Number(retryAfter)).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(response.headers.get('ratelimit-policy')).toMatch(new RegExp(`^"${policy}";q=\\d+;w=${WINDOW_SECONDS}$`));
  expect(response.headers.get('ratelimit')).toBe(`"${policy}";r=0;t=${retryAfter}`);
  const text = JSON.stringify(response.body);
  for (const p of personas) {
    for (const value of [p.firstNames, p.lastName, p.personalIdentityCode]) expect(text).not.toContain(value);
  }
  return Number(retryAfter);
}

function expectAnswered(response: { status: number; body: any }, persona: TestPersona): void {
  expect({ status: response.status, errors: response.body?.errors }).toEqual({ status: 200, errors: undefined });
  expect(response.body.data.me.lastName).toBe(persona.lastName);
}

describe('rate limits per citizen', () => {
  it('refuses a citizen\'s requests over the limit with 429, leaves another citizen alone, and resets with the window', async () => {
    const token = await hub.token(alice.personalIdentityCode);
    const other = await hub.token(bob.personalIdentityCode);
    await freshWindow();
    for (let i = 0; i < CITIZEN_LIMIT; i += 1) expectAnswered(await ask(hub.gatewayUrl, token), alice);
    const refused = await ask(hub.gatewayUrl, token);
    const retryAfter = expectRateLimited(refused, 'citizen');
    expect(refused.body.errors[0].message).toMatch(/^Too many requests: 5 requests per 5 s; try again in \d s$/);
    // Another citizen has their own count.
    expectAnswered(await ask(hub.gatewayUrl, other), bob);
    // Still refused until the window ends, then answered again.
    expectRateLimited(await ask(hub.gatewayUrl, token), 'citizen');
    await sleep(retryAfter * 1000);
    expectAnswered(await ask(hub.gatewayUrl, token), alice);
  });

  it('shares the count between two gateways on one consent database', async () => {
    const token = await hub.token(carol.personalIdentityCode);
    await freshWindow();
    const gateways = [hub.gatewayUrl, second.url];
    for (let i = 0; i < CITIZEN_LIMIT; i += 1) expectAnswered(await ask(gateways[i % 2]!, token), carol);
    // Five so far, three on one and two on the other: each gateway alone would still allow more.
    expectRateLimited(await ask(second.url, token), 'citizen');
    expectRateLimited(await ask(hub.gatewayUrl, token), 'citizen');
  });
});

describe('rate limits per partner', () => {
  it('limits a partner per citizen and across its citizens, and never uses up the citizen\'s own allowance', async () => {
    const sessions: Array<{ persona: TestPersona; partner: PartnerClient; accessToken: string }> = [];
    for (const persona of [alice, bob]) {
      const partner = await partnerClient(hub.env.ISSUER_URL!);
      const authorization = await authorizeWithPar(partner, { persona: persona.personalIdentityCode }, 'openid population:name population:adult');
      const tokens = await exchangeCode(partner, authorization);
      sessions.push({ persona, partner, accessToken: tokens.access_token });
    }
    const [aboutAlice, aboutBob] = sessions as [(typeof sessions)[0], (typeof sessions)[0]];
    const asPartner = (session: typeof aboutAlice, url = hub.gatewayUrl) => partnerQuery(session.partner, url, session.accessToken, PARTNER_QUERY);
    const own = await hub.token(alice.personalIdentityCode);
    await freshWindow();
    // The window the requests below are counted in: read now, not after them (a loaded machine may be in the next).
    const windowStart = Math.floor(Date.now() / (WINDOW_SECONDS * 1000)) * WINDOW_SECONDS * 1000;

    // Per citizen: the partner's sixth request about Alice in this window is refused (on either gateway).
    for (let i = 0; i < CITIZEN_LIMIT; i += 1) expectAnswered(await asPartner(aboutAlice, i % 2 === 0 ? hub.gatewayUrl : second.url), alice);
    expectRateLimited(await asPartner(aboutAlice, second.url), 'partner-citizen');
    // Across citizens: six counted so far (the refused one too); two more about Bob, then the partner is over.
    expectAnswered(await asPartner(aboutBob), bob);
    expectAnswered(await asPartner(aboutBob, second.url), bob);
    expectRateLimited(await asPartner(aboutBob), 'partner');
    // Alice's own allowance is untouched by the partner's requests about her.
    expectAnswered(await ask(hub.gatewayUrl, own), alice);

    // A refused request disclosed nothing: Alice's log holds exactly the five answered requests of this window.
    const log = await ask(hub.gatewayUrl, own, '{ me { disclosures { at client { id } } } }');
    const recent = log.body.data.me.disclosures.filter((d: any) => d.client.id === 'demo-bank' && Date.parse(d.at) >= windowStart);
    expect(recent).toHaveLength(CITIZEN_LIMIT);
  }, 60_000);
});

describe('logs', () => {
  it('never name a person, their identity code or register values', async () => {
    const persons = await Promise.all([alice, bob, carol].map((p) => hub.personId(p.personalIdentityCode)));
    const text = logLines.join('\n');
    expect(text).toContain('"status":429');
    for (const value of persons) expect(text).not.toContain(value);
    for (const p of personas) {
      for (const value of [p.firstNames, p.lastName, p.personalIdentityCode]) expect(text).not.toContain(value);
    }
  });
});
