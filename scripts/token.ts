import { parseArgs } from 'node:util';
import { signAccessToken } from '../consent/accessTokens.js';
import { loadIssuerKey } from '../consent/issuerKeys.js';
import { readGatewayAudience, readIssuer, readMode } from '../lib/config.js';
import { isValidHetu } from '../lib/hetu.js';
import { loadSecret } from '../lib/keys.js';
import { personIdFor, PSEUDONYM_KEY_DEV_FILE, PSEUDONYM_KEY_VARIABLE } from '../lib/personId.js';
import { isKnownScope, scopeCatalogue } from '../schema/scopes.js';

// `npm run token -- --persona <code> [--client <id>] [--scope "<s1 s2>"] [--ttl <s>]` (CONTRACT.md):
// prints exactly one line, an access token the running dev hub accepts. Dev mode only.

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

const env = process.env;
if (readMode(env) !== 'dev') fail('refused: tokens are minted by hand only in dev mode (HUB_MODE=dev)');

let values: { persona?: string; client?: string; scope?: string; ttl?: string };
try {
  ({ values } = parseArgs({
    options: { persona: { type: 'string' }, client: { type: 'string' }, scope: { type: 'string' }, ttl: { type: 'string' } },
    strict: true,
  }));
} catch (error) {
  fail(`${(error as Error).message}\nusage: npm run token -- --persona <personal identity code> [--client citizen-portal] [--scope "<s1 s2>"] [--ttl <seconds>]`);
}
if (!values.persona) fail('--persona <personal identity code> is required (see data/personas.json)');
if (!isValidHetu(values.persona)) fail('--persona is not a valid personal identity code');
const clientId = values.client ?? 'citizen-portal';
if (clientId !== 'citizen-portal') fail(`client "${clientId}" is not supported yet: partner tokens come with the consent server`);
const scopes = values.scope ? values.scope.split(/\s+/).filter(Boolean) : scopeCatalogue().map((entry) => entry.scope);
const unknown = scopes.filter((scope) => !isKnownScope(scope));
if (unknown.length > 0) fail(`unknown scope(s): ${unknown.join(', ')}`);
const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0 || ttl > 86_400) fail('--ttl must be a whole number of seconds, 1-86400');

const pseudonymKey = await loadSecret(env, PSEUDONYM_KEY_VARIABLE, PSEUDONYM_KEY_DEV_FILE);
const key = await loadIssuerKey(env);
const token = await signAccessToken(key, {
  issuer: readIssuer(env),
  audience: readGatewayAudience(env),
  subject: personIdFor(values.persona, pseudonymKey),
  clientId,
  scopes,
  ttlSeconds: ttl,
});
process.stdout.write(`${token}\n`);
