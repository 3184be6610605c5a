import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';
import { authorizeWithPar, exchangeCode, partnerClient, partnerQuery } from '../support/partnerFlow.js';
import { freshPostgresDatabase } from '../support/postgres.js';

// The production storage: the authorization server's state, the consents and the disclosure log on PostgreSQL
// (CONSENT_DATABASE_URL), through the whole partner flow and a revocation.

const fresh = await freshPostgresDatabase();
const describeWithPostgres = fresh ? describe : describe.skip;

describeWithPostgres(`the consent flow on PostgreSQL${fresh ? '' : ' (SKIPPED: no PostgreSQL available)'}`, () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ env: { CONSENT_DATABASE_URL: fresh!.url }, trustedDocuments: { 'demo-bank': ['{ me { firstNames } }'] } });
  });
  afterAll(async () => {
    await hub?.stop();
    await fresh?.drop();
  });

  it('keeps grants, consents and disclosures in PostgreSQL, and a revocation stops the partner', async () => {
    const persona = personaWith('complete');
    const partner = await partnerClient(hub.env.ISSUER_URL!);
    const authorization = await authorizeWithPar(partner, { persona: persona.personalIdentityCode }, 'openid population:name tax:income');
    const tokens = await exchangeCode(partner, authorization);
    const consentId = decodeJwt(tokens.access_token).consent_id as string;
    const first = await partnerQuery(partner, hub.gatewayUrl, tokens.access_token, '{ me { firstNames } }');
    expect(first.body.data.me.firstNames).toBe(persona.firstNames);

    const client = new pg.Client({ connectionString: fresh!.url });
    await client.connect();
    try {
      const consents = await client.query('select count(*)::int as n from consents where id = $1', [consentId]);
      const disclosures = await client.query('select count(*)::int as n from disclosures where consent_id = $1', [consentId]);
      const models = await client.query("select count(*)::int as n from oidc_models where model = 'Grant'");
      expect(consents.rows[0].n).toBe(1);
      expect(disclosures.rows[0].n).toBe(1);
      expect(models.rows[0].n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }

    const own = await hub.token(persona.personalIdentityCode);
    const revoked = await hub.query(own, `mutation { revokeConsent(id: "${consentId}") { status } }`);
    expect(revoked.body.data.revokeConsent.status).toBe('REVOKED');
    const after = await partnerQuery(partner, hub.gatewayUrl, tokens.access_token, '{ me { firstNames } }');
    expect(after.status).toBe(401);
    expect(after.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
