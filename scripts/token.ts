import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { signAccessToken } from '../consent/accessTokens.js';
import { loadIssuerKey } from '../consent/issuerKeys.js';
import { DEV_PARTNER_KEY_FILES, loadPartners } from '../consent/partners.js';
import { CASEWORKER_CONSOLE_CLIENT_ID, CITIZEN_PORTAL_CLIENT_ID, dataScopes, pairwiseSubject } from '../consent/provider.js';
import { loadCaseworkers } from '../requests/caseworkers.js';
import { caseScope, isCaseQueue } from '../schema/caseScopes.js';
import { signConsentReceipt } from '../consent/receipts.js';
import { readConsentDatabaseUrl, readGatewayAudience, readIssuer, readMode } from '../lib/config.js';
import { openConsentRecords } from '../lib/consents/index.js';
import { isValidHetu } from '../lib/hetu.js';
import { loadSecret } from '../lib/keys.js';
import { personIdFor, PSEUDONYM_KEY_DEV_FILE, PSEUDONYM_KEY_VARIABLE } from '../lib/personId.js';
import { dpopThumbprint } from '../lib/tokens/dpop.js';
import { isKnownScope, scopeCatalogue } from '../schema/scopes.js';

// `npm run token -- --persona <code> [--client <id>] [--scope "<s1 s2>"] [--ttl <s>]` (CONTRACT.md): prints exactly
// one line, an access token the running dev hub accepts, signed with the authorization server's own key. For a
// partner it first records the consent as if the citizen had approved it, and binds the token (DPoP, cnf.jkt) to
// the partner's committed dev key, so the token works only with proofs made with that key. Dev mode only.
// `npm run token -- --caseworker <queue> [--ttl <s>]` (requests issue) prints a token of the caseworkers' console for
// the first caseworker of that queue in data/caseworkers.json: subject the caseworker's id, scope `cases:<queue>`.

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

const env = process.env;
if (readMode(env) !== 'dev') fail('refused: tokens are minted by hand only in dev mode (HUB_MODE=dev)');

let values: { persona?: string; client?: string; scope?: string; ttl?: string; caseworker?: string };
try {
  ({ values } = parseArgs({
    options: { persona: { type: 'string' }, client: { type: 'string' }, scope: { type: 'string' }, ttl: { type: 'string' }, caseworker: { type: 'string' } },
    strict: true,
  }));
} catch (error) {
  fail(`${(error as Error).message}\nusage: npm run token -- --persona <personal identity code> [--client citizen-portal|demo-bank] [--scope "<s1 s2>"] [--ttl <seconds>]\n       npm run token -- --caseworker <population|tax|vehicles|education|triage> [--ttl <seconds>]`);
}
if (values.caseworker !== undefined) {
  if (values.persona !== undefined || values.client !== undefined || values.scope !== undefined) fail('--caseworker goes alone (with --ttl at most): a caseworker\'s token carries its queue and nothing else');
  const queue = values.caseworker;
  if (!isCaseQueue(queue)) fail('--caseworker must be one of population, tax, vehicles, education, triage');
  const caseworker = loadCaseworkers().find((c) => c.queue === queue);
  if (!caseworker) fail(`data/caseworkers.json has no caseworker of ${queue}`);
  const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > 86_400) fail('--ttl must be a whole number of seconds, 1-86400');
  const token = await signAccessToken(await loadIssuerKey(env), {
    issuer: readIssuer(env), audience: readGatewayAudience(env), clientId: CASEWORKER_CONSOLE_CLIENT_ID, ttlSeconds: ttl, subject: caseworker.id, scopes: [caseScope(queue)],
  });
  process.stdout.write(`${token}\n`);
  process.exit(0);
}
if (!values.persona) fail('--persona <personal identity code> is required (see data/personas.json)');
if (!isValidHetu(values.persona)) fail('--persona is not a valid personal identity code');
const clientId = values.client ?? CITIZEN_PORTAL_CLIENT_ID;
const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0 || ttl > 86_400) fail('--ttl must be a whole number of seconds, 1-86400');

const pseudonymKey = await loadSecret(env, PSEUDONYM_KEY_VARIABLE, PSEUDONYM_KEY_DEV_FILE);
const key = await loadIssuerKey(env);
const personId = personIdFor(values.persona, pseudonymKey);
const base = { issuer: readIssuer(env), audience: readGatewayAudience(env), clientId, ttlSeconds: ttl };

if (clientId === CITIZEN_PORTAL_CLIENT_ID) {
  const scopes = values.scope ? values.scope.split(/\s+/).filter(Boolean) : scopeCatalogue().map((entry) => entry.scope);
  const unknown = scopes.filter((scope) => !isKnownScope(scope));
  if (unknown.length > 0) fail(`unknown scope(s): ${unknown.join(', ')}`);
  process.stdout.write(`${await signAccessToken(key, { ...base, subject: personId, scopes })}\n`);
} else {
  const partner = loadPartners(env, 'dev').find((p) => p.clientId === clientId);
  if (!partner) fail(`unknown client "${clientId}": citizen-portal or a registered partner`);
  const allowed = dataScopes(partner.scopes.join(' '));
  const scopes = values.scope ? dataScopes(values.scope) : allowed;
  const refused = scopes.filter((scope) => !allowed.includes(scope));
  if (refused.length > 0) fail(`${clientId} may not ask for: ${refused.join(', ')}`);
  const keyFile = DEV_PARTNER_KEY_FILES[clientId];
  if (!keyFile) fail(`${clientId} has no committed dev key to bind the token to`);
  const { d: _private, ...publicJwk } = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
  const records = await openConsentRecords(readConsentDatabaseUrl(env));
  try {
    const grantedAt = new Date();
    const expiresAt = new Date(grantedAt.getTime() + partner.consentDays * 86_400_000);
    const subject = pairwiseSubject(await loadSecret(env, 'HUB_PAIRWISE_KEY', 'pairwise.key'), clientId, personId);
    const consent = await records.consents.createConsent({
      personId, clientId, clientName: partner.name, subject, purpose: partner.purpose, scopes, grantedAt, expiresAt, grantId: null,
    });
    await records.consents.setReceipt(consent.id, await signConsentReceipt(key, {
      issuer: base.issuer, consentId: consent.id, personId, clientId, clientName: partner.name, purpose: partner.purpose, scopes, grantedAt, expiresAt,
    }));
    const token = await signAccessToken(key, { ...base, subject, scopes, consentId: consent.id, confirmation: await dpopThumbprint(publicJwk) });
    process.stdout.write(`${token}\n`);
  } finally {
    await records.close();
  }
}
