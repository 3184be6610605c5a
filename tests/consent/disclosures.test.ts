import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DatabaseSync } from 'node:sqlite';
import { decodeJwt, exportJWK } from 'jose';
import { disclosureHash } from '../../lib/consents/disclosureHash.js';
import { createDpopProof } from '../../lib/tokens/dpopProof.js';
import type { RawResponse } from '../support/http.js';
import { personas, startTestHub, type TestHub, type TestPersona } from '../support/hub.js';
import { dpopGatewayQuery, type DpopKey } from '../support/oauthRequests.js';
import { authorizeWithPar, exchangeCode, partnerClient, partnerQuery, type PartnerClient } from '../support/partnerFlow.js';
import { devPartnerEntries } from '../support/partners.js';

// The disclosure log as the citizen and an auditor see it: one record per partner response that carried data,
// naming the request, the consent, the partner, the purpose and exactly the fields that left; a hash chain that
// `npm run verify-disclosures` checks; and no data for the partner when the record cannot be written.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DISCLOSURES = '{ me { disclosures(first: 500) { cursor at consentId purpose fields requestId client { id name } } } }';
/** Every operation this file's partner sends, registered for demo-bank (a partner runs only registered operations). */
const PARTNER_DOCUMENTS = [
  '{ me { firstNames } }', '{ me { lastName } }', '{ me { firstNames lastName } }', '{ me { address { municipality } } }', '{ me { taxAssessments { year } } }',
  '{ me { firstNames lastName vehicles { registrationNumber } personalIdentityCode } }',
  '{ me { n: firstNames home: address { postalCode municipality } taxAssessments { year earnedIncome } } }',
  '{ me { firstNames address { streetAddress postalCode } } }', '{ me { vehicles { registrationNumber } personalIdentityCode } }',
  '{ __typename }', '{ me { __typename } }', '{ me { disclosures { requestId fields } } }',
  '{ me { n: firstNames address { streetAddress postalCode municipality } } }', '{ me { vehicles { registrationNumber } } }',
];
const DEMO_BANK_PURPOSE = (devPartnerEntries().find((p) => p.clientId === 'demo-bank') as { purpose: { en: string } }).purpose.en;

function persona(code: string): TestPersona {
  const found = personas.find((p) => p.personalIdentityCode === code);
  if (!found) throw new Error(`no persona ${code}`);
  return found;
}
const CITIZEN = persona('140385-962D'); // Aino Maria Virtanen: complete, with an address and tax assessments
const PROTECTED = persona('081268-946W'); // Sofia Kristiina Lindqvist: non-disclosure order on her address
const BLOCKED = persona('021172-917A'); // Mikko Juhani Korhonen: used while the log is unavailable

interface PartnerGrant {
  token: string;
  consentId: string;
  partner: PartnerClient;
  key: DpopKey;
}

let hub: TestHub;
let databaseFile: string;

beforeAll(async () => {
  hub = await startTestHub({ trustedDocuments: { 'demo-bank': PARTNER_DOCUMENTS } });
  databaseFile = join(hub.env.HUB_HOME!, 'consent.sqlite');
});
afterAll(async () => {
  await hub?.stop();
});

async function grant(who: TestPersona, scope: string): Promise<PartnerGrant> {
  const partner = await partnerClient(hub.env.ISSUER_URL!);
  const authorization = await authorizeWithPar(partner, { persona: who.personalIdentityCode }, scope);
  const tokens = await exchangeCode(partner, authorization);
  const key = { privateKey: partner.dpopKeys.privateKey, publicJwk: await exportJWK(partner.dpopKeys.publicKey) };
  return { token: tokens.access_token, consentId: decodeJwt(tokens.access_token).consent_id as string, partner, key };
}

/** A partner request with a fresh DPoP proof (or a broken one when `proof` is given). */
function ask(g: PartnerGrant, query: string, proof?: string): Promise<RawResponse> {
  return dpopGatewayQuery(hub.gatewayUrl, { token: g.token, key: g.key, query, proof });
}

async function asCitizen(who: TestPersona, query: string, variables?: Record<string, unknown>) {
  return hub.query(await hub.token(who.personalIdentityCode), query, variables);
}

/** The citizen's disclosure records, newest first. */
async function disclosuresOf(who: TestPersona): Promise<any[]> {
  const { status, body } = await asCitizen(who, DISCLOSURES);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  return body.data.me.disclosures;
}

/** Runs `scripts/verifyDisclosures.ts --full` (tampering here edits old records, which only a full run re-reads), without blocking the in-process hub. */
function verifyDisclosures(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/verifyDisclosures.ts', '--database-url', url, '--full'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Another handle on the live consent database, as an attacker or an outage would touch it. */
function withDatabase<T>(use: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(databaseFile, { timeout: 5000 });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

describe('one disclosure record per partner response that carried data', () => {
  let g: PartnerGrant;

  beforeAll(async () => {
    g = await grant(CITIZEN, 'openid population:name population:address tax:income');
  }, 60_000);

  it('names the request id, consent, partner, English purpose and exactly the fields returned', async () => {
    expect(await disclosuresOf(CITIZEN)).toEqual([]);
    const started = Date.now();
    const answer = await ask(g, '{ me { firstNames lastName vehicles { registrationNumber } personalIdentityCode } }');
    expect(answer.status).toBe(200);
    expect(answer.body.data.me).toEqual({ firstNames: CITIZEN.firstNames, lastName: CITIZEN.lastName, vehicles: null, personalIdentityCode: null });
    const requestId = answer.headers.get('x-request-id');
    expect(requestId).toMatch(UUID);

    const records = await disclosuresOf(CITIZEN);
    expect(records).toHaveLength(1);
    expect(records[0]).toEqual({
      cursor: expect.any(String),
      at: expect.any(String),
      consentId: g.consentId,
      purpose: DEMO_BANK_PURPOSE,
      // Not the unauthorized (null) vehicles and identity code.
      fields: ['Person.firstNames', 'Person.lastName'],
      requestId,
      client: { id: 'demo-bank', name: 'Demo Bank' },
    });
    expect(Date.parse(records[0].at)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(records[0].at)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('counts nested, listed and aliased fields by their schema coordinates', async () => {
    const answer = await ask(g, '{ me { n: firstNames home: address { postalCode municipality } taxAssessments { year earnedIncome } } }');
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.me.home.postalCode).toEqual(expect.any(String));
    expect(answer.body.data.me.taxAssessments.length).toBeGreaterThan(0);
    const [newest] = await disclosuresOf(CITIZEN);
    expect(newest.requestId).toBe(answer.headers.get('x-request-id'));
    expect(newest.fields).toEqual(['Address.municipality', 'Address.postalCode', 'Person.address', 'Person.firstNames', 'Person.taxAssessments', 'TaxAssessment.earnedIncome', 'TaxAssessment.year']);
  });

  it('does not count a field that came back null (a protected address)', async () => {
    const protectedGrant = await grant(PROTECTED, 'openid population:name population:address');
    const answer = await ask(protectedGrant, '{ me { firstNames address { streetAddress postalCode } } }');
    expect(answer.body).toEqual({ data: { me: { firstNames: PROTECTED.firstNames, address: null } } });
    const records = await disclosuresOf(PROTECTED);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ consentId: protectedGrant.consentId, requestId: answer.headers.get('x-request-id'), fields: ['Person.firstNames'] });
  }, 60_000);

  it('a response without data creates no record', async () => {
    const before = await disclosuresOf(CITIZEN);
    // Nothing requested is authorized: an error and no data.
    const unauthorized = await ask(g, '{ me { vehicles { registrationNumber } personalIdentityCode } }');
    expect(unauthorized.body.data ?? null).toBeNull();
    expect(unauthorized.body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE', 'UNAUTHORIZED_FIELD_OR_TYPE']);
    // Operations nobody registered (invalid ones too) are refused before they are even parsed.
    expect((await ask(g, '{ me { noSuchField } }')).status).toBe(403);
    expect((await ask(g, '{ me { firstNames')).status).toBe(403);
    // A refused proof.
    const stale = await createDpopProof(g.key.privateKey, g.key.publicJwk, 'ES256', { htm: 'POST', htu: hub.gatewayUrl, accessToken: g.token, iat: Math.floor(Date.now() / 1000) - 600 });
    expect((await ask(g, '{ me { firstNames } }', stale)).status).toBe(401);
    // Only type names: nothing of the person's data.
    expect((await ask(g, '{ __typename }')).body.data).toEqual({ __typename: 'Query' });
    expect((await ask(g, '{ me { __typename } }')).body.data).toEqual({ me: { __typename: 'Person' } });
    // The citizen's own reads are not disclosures.
    await asCitizen(CITIZEN, '{ me { firstNames address { streetAddress } taxAssessments { year } } }');
    expect(await disclosuresOf(CITIZEN)).toEqual(before);
  });

  it('N requests make N records, newest first, each with its own request id', async () => {
    const before = await disclosuresOf(CITIZEN);
    const requestIds: string[] = [];
    const queries = ['{ me { firstNames } }', '{ me { lastName } }', '{ me { address { municipality } } }', '{ me { taxAssessments { year } } }', '{ me { firstNames lastName } }'];
    for (const query of queries) {
      const answer = await ask(g, query);
      expect(answer.status).toBe(200);
      requestIds.push(answer.headers.get('x-request-id')!);
    }
    // openid-client's own DPoP handling records the same way.
    const viaLibrary = await partnerQuery(g.partner, hub.gatewayUrl, g.token, '{ me { firstNames } }');
    expect(viaLibrary.status).toBe(200);
    requestIds.push(viaLibrary.headers.get('x-request-id')!);
    expect(new Set(requestIds).size).toBe(requestIds.length);

    const after = await disclosuresOf(CITIZEN);
    expect(after).toHaveLength(before.length + requestIds.length);
    expect(after.slice(0, requestIds.length).map((d) => d.requestId)).toEqual([...requestIds].reverse());
    expect(after.slice(requestIds.length)).toEqual(before);
    expect(after.slice(0, requestIds.length).map((d) => d.fields)).toEqual(
      [['Person.firstNames'], ['Person.firstNames', 'Person.lastName'], ['Person.taxAssessments', 'TaxAssessment.year'], ['Address.municipality', 'Person.address'], ['Person.lastName'], ['Person.firstNames']],
    );
    // Newest first: cursors and times never increase down the list.
    for (let i = 1; i < after.length; i += 1) {
      expect(Number(after[i].cursor)).toBeLessThan(Number(after[i - 1].cursor));
      expect(Date.parse(after[i].at)).toBeLessThanOrEqual(Date.parse(after[i - 1].at));
    }
  });

  it('pages with first and before', async () => {
    const all = await disclosuresOf(CITIZEN);
    expect(all.length).toBeGreaterThanOrEqual(5);
    const pages: any[][] = [];
    let before: string | null = null;
    for (;;) {
      const { body }: { body: any } = await asCitizen(CITIZEN, 'query($before: String) { me { disclosures(first: 2, before: $before) { cursor requestId } } }', { before });
      expect(body.errors).toBeUndefined();
      const page = body.data.me.disclosures;
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(2);
      pages.push(page);
      before = page[page.length - 1].cursor;
    }
    expect(pages.length).toBe(Math.ceil(all.length / 2));
    expect(pages.flat()).toEqual(all.map((d) => ({ cursor: d.cursor, requestId: d.requestId })));
    const first = await asCitizen(CITIZEN, '{ me { disclosures(first: 1) { requestId } } }');
    expect(first.body.data.me.disclosures).toEqual([{ requestId: all[0].requestId }]);

  });

  const BAD_PAGING = ['first: 0', 'first: 501', 'before: "abc"', 'before: "0"'];

  it('bad paging arguments null only the disclosures, with a pathed error', async () => {
    for (const args of BAD_PAGING) {
      const bad = await asCitizen(CITIZEN, `{ me { firstNames disclosures(${args}) { requestId } } }`);
      expect(bad.status).toBe(200);
      expect(bad.body.data.me).toEqual({ firstNames: CITIZEN.firstNames, disclosures: null });
      expect(bad.body.errors).toHaveLength(1);
      expect(bad.body.errors[0].path).toEqual(['me', 'disclosures']);
    }
  });

  // The client's own mistake is named as such (the gateway passes BAD_USER_INPUT through), not masked as SUBGRAPH_ERROR.
  it('bad paging arguments answer BAD_USER_INPUT', async () => {
    for (const args of BAD_PAGING) {
      const bad = await asCitizen(CITIZEN, `{ me { firstNames disclosures(${args}) { requestId } } }`);
      expect(bad.body.errors.map((e: any) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('a partner cannot read the disclosure log', async () => {
    const answer = await ask(g, '{ me { disclosures { requestId fields } } }');
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
  });
});

describe('no disclosure record, no data', () => {
  let g: PartnerGrant;

  beforeAll(async () => {
    g = await grant(BLOCKED, 'openid population:name population:address');
  }, 60_000);

  it('answers 503 DISCLOSURE_UNAVAILABLE with no data while records cannot be appended, and recovers without a restart', async () => {
    const ok = await ask(g, '{ me { firstNames } }');
    expect(ok.status).toBe(200);
    const before = await disclosuresOf(BLOCKED);
    expect(before).toHaveLength(1);

    withDatabase((db) => db.exec(`CREATE TRIGGER block_disclosures BEFORE INSERT ON disclosures BEGIN SELECT RAISE(ABORT, 'unavailable'); END;`));
    try {
      for (const query of ['{ me { firstNames lastName } }', '{ me { n: firstNames address { streetAddress postalCode municipality } } }']) {
        const refused = await ask(g, query);
        expect(refused.status).toBe(503);
        expect(refused.body.data).toBeUndefined();
        expect(refused.body.errors).toHaveLength(1);
        expect(refused.body.errors[0].extensions.code).toBe('DISCLOSURE_UNAVAILABLE');
        for (const secret of [BLOCKED.firstNames, BLOCKED.lastName, BLOCKED.personalIdentityCode]) expect(refused.text).not.toContain(secret);
        expect(refused.text).not.toMatch(/sqlite|trigger|unavailable'|insert/i);
      }
      // openid-client sees the same.
      const viaLibrary = await partnerQuery(g.partner, hub.gatewayUrl, g.token, '{ me { firstNames } }');
      expect(viaLibrary.status).toBe(503);
      expect(viaLibrary.body.data).toBeUndefined();
      // A partner response without data needs no record, so it is answered as usual.
      const nothing = await ask(g, '{ me { vehicles { registrationNumber } } }');
      expect(nothing.status).toBe(200);
      expect(nothing.body.errors[0].extensions.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
      // The citizen's own reads are not disclosures and are unaffected.
      const own = await asCitizen(BLOCKED, '{ me { firstNames lastName disclosures { requestId } } }');
      expect(own.status).toBe(200);
      expect(own.body.errors).toBeUndefined();
      expect(own.body.data.me).toMatchObject({ firstNames: BLOCKED.firstNames, lastName: BLOCKED.lastName });
      expect(own.body.data.me.disclosures).toEqual(before.map((d) => ({ requestId: d.requestId })));
    } finally {
      withDatabase((db) => db.exec('DROP TRIGGER IF EXISTS block_disclosures'));
    }

    const recovered = await ask(g, '{ me { firstNames lastName } }');
    expect(recovered.status).toBe(200);
    expect(recovered.body.data.me).toEqual({ firstNames: BLOCKED.firstNames, lastName: BLOCKED.lastName });
    const after = await disclosuresOf(BLOCKED);
    // Exactly one new record: the refused responses left none.
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({ requestId: recovered.headers.get('x-request-id'), fields: ['Person.firstNames', 'Person.lastName'] });
    const verified = await verifyDisclosures(`sqlite:${databaseFile}`);
    expect(verified.code).toBe(0);
  }, 30_000);
});

// Last in the file: it leaves the log tampered with.
describe('npm run verify-disclosures detects edited and deleted records', () => {
  let personId: string;
  let url: string;

  beforeAll(async () => {
    personId = await hub.personId(CITIZEN.personalIdentityCode);
    url = `sqlite:${databaseFile}`;
  });

  it('exits 0 while the chain is intact', async () => {
    const result = await verifyDisclosures(url);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/verify-disclosures: full: \d+ records of \d+ persons, 0 problems/);
  }, 30_000);

  it('exits 1 naming HASH_MISMATCH when a record\'s fields are edited, and 0 again once they are put back', async () => {
    const row = withDatabase((db) => db.prepare('SELECT * FROM disclosures WHERE person_id = ? ORDER BY seq LIMIT 1 OFFSET 1').get(personId)) as any;
    expect(row).toBeDefined();
    withDatabase((db) => db.prepare('UPDATE disclosures SET fields = ? WHERE id = ?').run(JSON.stringify(['Person.firstNames']), row.id));
    const edited = await verifyDisclosures(url);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain(`${personId} seq ${row.seq}: HASH_MISMATCH`);
    // The report names pseudonymous person ids only, never a record's contents or a persona.
    expect(edited.stdout).not.toContain(DEMO_BANK_PURPOSE);
    for (const p of personas) expect(edited.stdout).not.toContain(p.personalIdentityCode);

    withDatabase((db) => db.prepare('UPDATE disclosures SET fields = ? WHERE id = ?').run(row.fields, row.id));
    expect((await verifyDisclosures(url)).code).toBe(0);
  }, 30_000);

  it('exits 1 when an edited record is given a recomputed hash (the next link breaks)', async () => {
    const row = withDatabase((db) => db.prepare('SELECT * FROM disclosures WHERE person_id = ? ORDER BY seq LIMIT 1 OFFSET 1').get(personId)) as any;
    const purpose = 'Something harmless';
    const hash = disclosureHash({
      id: row.id, personId: row.person_id, seq: Number(row.seq), clientId: row.client_id, clientName: row.client_name, consentId: row.consent_id,
      purpose, fields: JSON.parse(row.fields), requestId: row.request_id, at: Number(row.at), prevHash: row.prev_hash,
    });
    withDatabase((db) => db.prepare('UPDATE disclosures SET purpose = ?, hash = ? WHERE id = ?').run(purpose, hash, row.id));
    const edited = await verifyDisclosures(url);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain(`${personId} seq ${Number(row.seq) + 1}: BROKEN_LINK`);
    withDatabase((db) => db.prepare('UPDATE disclosures SET purpose = ?, hash = ? WHERE id = ?').run(row.purpose, row.hash, row.id));
    expect((await verifyDisclosures(url)).code).toBe(0);
  }, 30_000);

  it('exits 1 when the newest record is deleted', async () => {
    const newest = withDatabase((db) => db.prepare('SELECT id, seq FROM disclosures WHERE person_id = ? ORDER BY seq DESC LIMIT 1').get(personId)) as any;
    withDatabase((db) => db.prepare('DELETE FROM disclosures WHERE id = ?').run(newest.id));
    const result = await verifyDisclosures(url);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${personId} seq ${Number(newest.seq) - 1}: HEAD_MISMATCH`);
    // And the citizen's view shows one record fewer (the record is gone, the check is what tells).
    expect((await disclosuresOf(CITIZEN)).map((d) => Number(d.cursor))).not.toContain(Number(newest.seq));
  }, 30_000);
});

