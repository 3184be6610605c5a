import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { DEV_PARTNER_KEY_FILES } from '../../consent/partners.js';
import { createDpopProof } from '../../lib/tokens/dpopProof.js';
import { documentIdOf } from '../../lib/trustedDocuments.js';
import { devTrustedDocuments } from '../../scripts/devTrustedDocuments.js';
import { personas } from '../support/hub.js';

// The newcomer's path, for real: `npm start` on a fresh hub home, every service ready within 20 s, then
// `npm run token` and one HTTP request return a complete persona's data from all four registers; SIGTERM
// stops everything cleanly.

const base = 20_000 + Math.floor(Math.random() * 400) * 10;
const ports = {
  GATEWAY_PORT: base,
  POPULATION_PORT: base + 1,
  TAX_PORT: base + 2,
  VEHICLES_PORT: base + 3,
  EDUCATION_PORT: base + 4,
  AUTH_PORT: base + 5,
  PORTAL_PORT: base + 6,
  PARTNER_PORT: base + 7,
  REQUESTS_PORT: base + 8,
  CONSOLE_PORT: base + 9,
};
const home = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
// PORTAL_URL follows PORTAL_PORT: the issuer registers the portal's redirect URIs under it, so 4200 is never needed.
const env = {
  ...process.env,
  HUB_MODE: 'dev',
  HUB_HOME: home,
  ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  PORTAL_URL: `http://127.0.0.1:${ports.PORTAL_PORT}`,
};
let hub: ChildProcess;
let output = '';
let readyMs = 0;

async function allReady(): Promise<boolean> {
  const checks = Object.values(ports).map((port) =>
    fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false),
  );
  return (await Promise.all(checks)).every(Boolean);
}

beforeAll(async () => {
  const started = Date.now();
  hub = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  hub.stdout!.on('data', (chunk) => (output += chunk));
  hub.stderr!.on('data', (chunk) => (output += chunk));
  while (Date.now() - started < 60_000 && !(await allReady())) await new Promise((r) => setTimeout(r, 200));
  readyMs = Date.now() - started;
}, 70_000);

afterAll(async () => {
  try {
    process.kill(-hub.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  rmSync(home, { recursive: true, force: true });
});

describe('npm start, npm run token and one request', () => {
  it('is ready in under 20 s', () => {
    console.log(`npm start: every service ready after ${readyMs} ms`);
    expect(readyMs).toBeLessThan(20_000);
  });

  it.each(personas.filter((p) => p.tags.includes('complete')).map((p) => [p.personalIdentityCode]))(
    'returns all four registers for complete persona %s',
    async (code) => {
      const result = spawnSync('npm', ['run', 'token', '--', '--persona', code], { env, encoding: 'utf8' });
      expect(result.status).toBe(0);
      const lines = result.stdout.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      const response = await fetch(`http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${lines[0]}` },
        body: JSON.stringify({ query: '{ me { personalIdentityCode firstNames lastName taxAssessments { year } vehicles { registrationNumber } drivingLicence { categories } qualifications { name } enrolments { programme } } }' }),
      });
      const body = (await response.json()) as any;
      expect(response.status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data.me.personalIdentityCode).toBe(code);
      expect(body.data.me.taxAssessments.length).toBeGreaterThan(0);
      expect(body.data.me.vehicles.length + (body.data.me.drivingLicence ? 1 : 0)).toBeGreaterThan(0);
      expect(body.data.me.qualifications.length + body.data.me.enrolments.length).toBeGreaterThan(0);
    },
  );

  it('npm run token --client demo-bank records a consent and prints a DPoP-bound partner token', async () => {
    const persona = personas.find((p) => p.tags.includes('complete'))!;
    const result = spawnSync('npm', ['run', 'token', '--', '--persona', persona.personalIdentityCode, '--client', 'demo-bank', '--scope', 'population:name tax:income'], { env, encoding: 'utf8' });
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const url = `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;
    // Demo Bank's registered operation (examples/partner/prefill.graphql), by its document id.
    const query = JSON.stringify({ documentId: documentIdOf(devTrustedDocuments()['demo-bank']!.operations[0]!.body) });
    const bearer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${lines[0]}` }, body: query });
    expect(bearer.status).toBe(401);
    // The token is bound to demo-bank's committed dev key: proofs are made with it.
    const { d: _private, ...publicJwk } = JSON.parse(readFileSync(DEV_PARTNER_KEY_FILES['demo-bank']!, 'utf8')) as JWK;
    const privateKey = (await importJWK(JSON.parse(readFileSync(DEV_PARTNER_KEY_FILES['demo-bank']!, 'utf8')), 'ES256')) as CryptoKey;
    const proof = await createDpopProof(privateKey, publicJwk, 'ES256', { htm: 'POST', htu: url, accessToken: lines[0]! });
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `DPoP ${lines[0]}`, dpop: proof }, body: query });
    const body = (await response.json()) as any;
    expect(response.status).toBe(200);
    expect(body.data.me.firstNames).toBe(persona.firstNames);
    expect(body.data.me.taxAssessments.length).toBeGreaterThan(0);
    // population:address was not in the consent's scopes.
    expect(body.data.me.address).toBeNull();
    expect(body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    // Anything demo-bank did not register is refused before it is parsed, whatever the token allows.
    const adHoc = JSON.stringify({ query: '{ me { firstNames taxAssessments { year } personalIdentityCode } }' });
    const secondProof = await createDpopProof(privateKey, publicJwk, 'ES256', { htm: 'POST', htu: url, accessToken: lines[0]! });
    const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `DPoP ${lines[0]}`, dpop: secondProof }, body: adHoc });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('QUERY_NOT_IN_SAFELIST');
  });

  it('npm run token refuses in production mode', () => {
    const result = spawnSync('npm', ['run', 'token', '--', '--persona', personas[0]!.personalIdentityCode], { env: { ...env, HUB_MODE: 'production' }, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
  });

  it('stops every service on SIGTERM', async () => {
    // The signal goes to the whole process group, as Ctrl-C does; npm itself dies by it, the hub stops cleanly.
    process.kill(-hub.pid!, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !output.includes('"msg":"stopped"')) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('"msg":"stopped"');
    await new Promise((r) => setTimeout(r, 300));
    for (const port of Object.values(ports)) {
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    }
    expect(output).not.toContain(personas[0]!.personalIdentityCode);
  });
});
