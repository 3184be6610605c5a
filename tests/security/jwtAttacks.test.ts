import { createHmac, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { loadIssuerKey } from '../../consent/issuerKeys.js';
import { startGateway } from '../../gateway/start.js';
import { subgraphAudience } from '../../lib/config.js';
import type { SigningKey } from '../../lib/keys.js';
import { createDpopProof } from '../../lib/tokens/dpopProof.js';
import { close, listen, readResponse, type RawResponse } from '../support/http.js';
import { personaWith, personas, startTestHub, type TestHub } from '../support/hub.js';
import { authorizeRaw, clientAssertion, exchangeRaw, newDpopKey, type DpopKey } from '../support/oauthRequests.js';
import { DEMO_BANK } from '../support/partnerFlow.js';
import { gatewayCredentials } from '../support/credentials.js';
import { expectNoRegisterValues, expectUnauthenticated } from '../support/securityAssertions.js';

// jwt_tool's attack set (ticarpi/jwt_tool: -X a/n/b/s/k/i/p, -I claim and header injection, -T tampering) against
// the gateway's access token check (lib/tokens/accessToken.ts: jose jwtVerify with pinned ES256, typ at+jwt, iss,
// aud, exp, iat; keys only from the issuer's discovered JWKS). tests/security/tokens.test.ts holds the first
// round (alg none, HS256 with the public key, forged and unknown kid, embedded jwk without kid, expired, nbf, iat,
// aud, iss, typ JWT); this file adds the rest of the set and the variants. Every forged token gets 401, a
// WWW-Authenticate challenge, UNAUTHENTICATED, no data, and no register value; the answer never echoes the token.

const persona = personaWith('complete');
const QUERY = '{ me { firstNames lastName personalIdentityCode } }';
// demo-bank's one operation in this hub: the DPoP-scheme forgeries must meet the token check, not the safelist.
const PARTNER_QUERY = '{ me { firstNames lastName } }';

let hub: TestHub;
let issuerKey: SigningKey;
let personId: string;
/** Another persona's person id, for tampered subjects. */
let otherPersonId: string;
/** A real partner grant: its access token, ID token, pairwise subject, consent and DPoP key. */
let partner: { accessToken: string; idToken: string; subject: string; consentId: string; key: DpopKey; jkt: string };
/** The citizen's consent receipt for that grant (a JWS signed with the issuer key, typ consent-receipt+jwt). */
let receipt: string;
/** The attacker's key server (jku / x5u targets) and what it was asked for. */
let attackerServer: Server;
let attackerOrigin: string;
const attackerRequests: string[] = [];
let attacker: { privateKey: CryptoKey; publicJwk: JWK };

beforeAll(async () => {
  hub = await startTestHub({ trustedDocuments: { 'demo-bank': [PARTNER_QUERY] } });
  issuerKey = await loadIssuerKey(hub.env);
  personId = await hub.personId(persona.personalIdentityCode);
  otherPersonId = await hub.personId(personas.find((p) => p.personalIdentityCode !== persona.personalIdentityCode)!.personalIdentityCode);

  const key = await newDpopKey();
  const authorization = await authorizeRaw(hub.env.ISSUER_URL!, DEMO_BANK, 'openid population:name', { persona: persona.personalIdentityCode });
  const tokens = await exchangeRaw(hub.env.ISSUER_URL!, DEMO_BANK, authorization, { dpop: key });
  expect(tokens.status).toBe(200);
  const claims = decodeJwt(tokens.body.access_token);
  partner = {
    accessToken: tokens.body.access_token, idToken: tokens.body.id_token, subject: String(claims.sub), consentId: String(claims.consent_id), key,
    jkt: await calculateJwkThumbprint(key.publicJwk),
  };
  const own = await hub.query(await hub.token(persona.personalIdentityCode), '{ me { consents { id receipt } } }');
  receipt = own.body.data.me.consents.find((c: { id: string }) => c.id === partner.consentId).receipt;

  const pair = await generateKeyPair('ES256', { extractable: true });
  attacker = { privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid: 'attacker', alg: 'ES256', use: 'sig' } };
  attackerServer = createServer((req, res) => {
    attackerRequests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [attacker.publicJwk, { ...attacker.publicJwk, kid: issuerKey.kid }] }));
  });
  attackerOrigin = await listen(attackerServer);
}, 60_000);
afterAll(async () => {
  if (attackerServer) await close(attackerServer);
  await hub?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The claims of a good citizen-portal access token for the persona. */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: hub.env.ISSUER_URL, aud: hub.env.GATEWAY_AUDIENCE, sub: personId, client_id: 'citizen-portal',
    scope: 'population:name', jti: `jwt-attacks-${Math.random()}`, iat: now(), exp: now() + 300, ...overrides,
  };
}

/** The claims of demo-bank's real grant, bound to `jkt` (the attacker's own DPoP key in the forgeries). */
function partnerClaims(jkt: string): Record<string, unknown> {
  return claims({ sub: partner.subject, client_id: DEMO_BANK.clientId, consent_id: partner.consentId, cnf: { jkt } });
}

/** Signs with the issuer's own key: what only the authorization server can do. */
function signWithIssuer(payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: issuerKey.kid, ...header }).sign(issuerKey.privateKey);
}

/** Signs with the attacker's key, under whatever header the attack needs. */
function signWithAttacker(payload: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...header } as never).sign(attacker.privateKey);
}

/** header.payload, and a signature made by `sign` over exactly those bytes. */
function assemble(header: Record<string, unknown>, payload: Record<string, unknown>, sign: (input: string) => string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(input)}`;
}

/** ES256 by the issuer's key over any header, even one jose refuses to produce (unknown `crit`). */
const issuerSignature = (input: string) =>
  sign('sha256', Buffer.from(input), { key: createPrivateKey({ key: issuerKey.privateJwk as never, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }).toString('base64url');

const hmac = (alg: 'HS256' | 'HS384' | 'HS512', secret: string | Buffer) => (input: string) =>
  createHmac(`sha${alg.slice(2)}`, secret).update(input).digest('base64url');

/** POSTs QUERY with this Authorization header (and DPoP proof). */
async function send(authorization: string, dpop?: string, query = QUERY): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization };
  if (dpop) headers.dpop = dpop;
  return readResponse(await fetch(hub.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query }) }));
}

/** The token is refused as a bearer token, and the answer holds nothing of it. */
async function expectRefused(token: string): Promise<RawResponse> {
  const response = await send(`Bearer ${token}`);
  expectUnauthenticated(response, /^Bearer /);
  expectNotEchoed(response, token);
  return response;
}

/** A refusal never repeats the token (or its payload) back: it may sit in logs and proxies downstream. */
function expectNotEchoed(response: RawResponse, token: string): void {
  const everything = `${response.text}\n${response.headers.get('www-authenticate') ?? ''}`;
  for (const part of token.split('.').filter((p) => p.length > 16)) expect(everything).not.toContain(part);
}

describe('control', () => {
  it('a token signed by the issuer with correct claims is answered (the forgeries below differ from it in one way)', async () => {
    const response = await send(`Bearer ${await signWithIssuer(claims())}`, undefined, '{ me { firstNames lastName } }');
    expect({ status: response.status, errors: response.body.errors }).toEqual({ status: 200, errors: undefined });
    expect(response.body.data.me).toEqual({ firstNames: persona.firstNames, lastName: persona.lastName });
  });

  it('demo-bank\'s real token with a proof by its own key is answered', async () => {
    const proof = await createDpopProof(partner.key.privateKey, partner.key.publicJwk, 'ES256', { htm: 'POST', htu: hub.gatewayUrl, accessToken: partner.accessToken });
    const response = await send(`DPoP ${partner.accessToken}`, proof, PARTNER_QUERY);
    expect(response.body).toEqual({ data: { me: { firstNames: persona.firstNames, lastName: persona.lastName } } });
  });
});

describe('alg none (jwt_tool -X a): every casing, with and without a signature', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])('alg "%s" with an empty signature', async (alg) => {
    await expectRefused(`${b64({ alg, typ: 'at+jwt', kid: issuerKey.kid })}.${b64(claims())}.`);
  });

  it('alg "none" keeping a valid signature of the same payload', async () => {
    const valid = await signWithIssuer(claims());
    const [, payload, signature] = valid.split('.');
    await expectRefused(`${b64({ alg: 'none', typ: 'at+jwt', kid: issuerKey.kid })}.${payload}.${signature}`);
  });
});

describe('signature exclusion and psychic signatures', () => {
  it('a null signature: the issuer\'s header and a good payload with the signature removed (CVE-2020-28042)', async () => {
    const [header, payload] = (await signWithIssuer(claims())).split('.');
    await expectRefused(`${header}.${payload}.`);
    await expectRefused(`${header}.${payload}`);
  });

  it('a truncated signature', async () => {
    const [header, payload, signature] = (await signWithIssuer(claims())).split('.');
    await expectRefused(`${header}.${payload}.${signature!.slice(0, 43)}`);
  });

  it.each([
    ['raw r = s = 0 (64 zero bytes, JOSE form)', Buffer.alloc(64).toString('base64url')],
    ['DER r = s = 0 (jwt_tool -X p: MAYCAQACAQA)', 'MAYCAQACAQA'],
    ['r = s = n, the curve order', Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'.repeat(2), 'hex').toString('base64url')],
  ])('a psychic signature, %s (CVE-2022-21449)', async (_label, signature) => {
    await expectRefused(`${b64({ alg: 'ES256', typ: 'at+jwt', kid: issuerKey.kid })}.${b64(claims())}.${signature}`);
  });
});

describe('HMAC with the issuer\'s public key (jwt_tool -X k, RFC 8725 §2.1)', () => {
  // HS256 with the PEM and the JWK's JSON is in tokens.test.ts; here the other HMAC sizes and key encodings.
  const pem = () => createPublicKey({ key: issuerKey.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
  const der = () => createPublicKey({ key: issuerKey.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'der' });

  it.each(['HS256', 'HS384', 'HS512'] as const)('%s keyed with the PEM (with and without its newline), the DER bytes and the JWK\'s x', async (alg) => {
    for (const secret of [pem(), pem().trimEnd(), der(), String(issuerKey.publicJwk.x)]) {
      await expectRefused(assemble({ alg, typ: 'at+jwt', kid: issuerKey.kid }, claims(), hmac(alg, secret)));
    }
  });

  it('the gateway refuses to start when configured with a symmetric or "none" algorithm', async () => {
    for (const algorithms of ['HS256', 'ES256,HS256', 'none']) {
      await expect(startGateway({ ...hub.env, GATEWAY_PORT: '0', ACCESS_TOKEN_ALGORITHMS: algorithms })).rejects.toThrow(/asymmetric algorithms only/);
    }
  });
});

describe('blank and weak HMAC secrets (jwt_tool -X b, -C)', () => {
  it.each(['', 'secret', 'password', 'hub', 'demo-bank', 'citizen-portal'])('HS256 with the secret "%s"', async (secret) => {
    await expectRefused(assemble({ alg: 'HS256', typ: 'at+jwt', kid: issuerKey.kid }, claims(), hmac('HS256', secret)));
    await expectRefused(assemble({ alg: 'HS256', typ: 'at+jwt' }, claims(), hmac('HS256', secret)));
  });
});

describe('keys named by the token itself', () => {
  it('an embedded jwk under the issuer\'s kid (jwt_tool -X i, CVE-2018-0114)', async () => {
    await expectRefused(await signWithAttacker(claims(), { kid: issuerKey.kid, jwk: attacker.publicJwk }));
  });

  it('an embedded RSA jwk with RS256 (jwt_tool\'s own key type)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'jwt_tool' };
    await expectRefused(await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'jwt_tool', jwk }).sign(privateKey));
  });

  it('jku and x5u pointing at the attacker\'s key server (jwt_tool -X s): refused, and the server is never asked', async () => {
    const before = attackerRequests.length;
    const jwks = `${attackerOrigin}/.well-known/jwks.json`;
    await expectRefused(await signWithAttacker(claims(), { kid: 'attacker', jku: jwks }));
    await expectRefused(await signWithAttacker(claims(), { kid: issuerKey.kid, jku: jwks }));
    await expectRefused(await signWithAttacker(claims(), { kid: 'attacker', x5u: `${attackerOrigin}/cert.pem` }));
    await expectRefused(await signWithAttacker(claims(), { kid: issuerKey.kid, x5u: `${attackerOrigin}/cert.pem` }));
    // The issuer's jku with an attacker's signature: the header names a trusted place, the key is still not the issuer's.
    await expectRefused(await signWithAttacker(claims(), { kid: 'attacker', jku: `${hub.env.ISSUER_URL}/jwks` }));
    // API7 (SSRF): nothing the token names is fetched.
    expect(attackerRequests.slice(before)).toEqual([]);
  });
});

describe('kid injection (jwt_tool -I -hc kid)', () => {
  it.each([
    ['path traversal to /dev/null, HS256 with an empty key', '../../../../../../../../dev/null', ''],
    ['an absolute path, HS256 with an empty key', '/dev/null', ''],
    ['a path to the hub\'s own key file', '../keys/issuer.jwk', ''],
    ['SQL injection choosing the key', "x' UNION SELECT 'attacker-secret';--", 'attacker-secret'],
    ['SQL injection, boolean', "' OR '1'='1", 'attacker-secret'],
    ['command injection', 'key.pem|/usr/bin/id', 'attacker-secret'],
  ])('%s', async (_label, kid, secret) => {
    const hmacToken = assemble({ alg: 'HS256', typ: 'at+jwt', kid }, claims(), hmac('HS256', secret));
    const signed = await signWithAttacker(claims(), { kid });
    for (const token of [hmacToken, signed]) {
      const response = await expectRefused(token);
      expect(response.text).not.toContain(kid);
    }
  });

  it('a kid that is not a string, and a 6 KB kid', async () => {
    await expectRefused(`${b64({ alg: 'ES256', typ: 'at+jwt', kid: { $ne: null } })}.${b64(claims())}.${Buffer.alloc(64, 1).toString('base64url')}`);
    await expectRefused(await signWithAttacker(claims(), { kid: 'k'.repeat(6 * 1024) }));
  });
});

describe('time claims (jwt_tool -T) beyond tokens.test.ts\'s expired, nbf and iat', () => {
  it('exp or iat written as a string, and no iat at all, even when signed by the issuer', async () => {
    await expectRefused(await signWithIssuer(claims({ exp: String(now() + 300) })));
    await expectRefused(await signWithIssuer(claims({ iat: String(now()) })));
    const { iat: _iat, ...withoutIat } = claims();
    await expectRefused(await signWithIssuer(withoutIat));
  });

  it('an expired token whose exp is pushed forward without re-signing', async () => {
    const expired = await signWithIssuer(claims({ iat: now() - 900, exp: now() - 600 }));
    const [header, payload, signature] = expired.split('.');
    const extended = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), exp: now() + 3600 };
    await expectRefused(`${header}.${b64(extended)}.${signature}`);
  });
});

describe('claims and header tampered without re-signing (jwt_tool -I)', () => {
  let valid: string;
  beforeAll(async () => {
    valid = await signWithIssuer(claims());
  });

  function tamper(change: { header?: Record<string, unknown>; payload?: Record<string, unknown> }): string {
    const [header, payload, signature] = valid.split('.');
    const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString());
    return `${b64({ ...decode(header!), ...change.header })}.${b64({ ...decode(payload!), ...change.payload })}.${signature}`;
  }

  it.each<[string, { header?: Record<string, unknown>; payload?: Record<string, unknown> }]>([
    ['sub set to another person', { payload: { sub: 'OTHER' } }],
    ['scope widened to the identity code', { payload: { scope: 'population:name population:identity' } }],
    ['client_id set to a partner', { payload: { client_id: 'demo-bank' } }],
    ['aud set to another resource', { payload: { aud: 'https://elsewhere.example/graphql' } }],
    ['header alg set to ES384', { header: { alg: 'ES384' } }],
    ['header kid set to another key', { header: { kid: 'attacker' } }],
    ['header typ set to JWT', { header: { typ: 'JWT' } }],
  ])('%s', async (_label, change) => {
    const payload = change.payload?.sub === 'OTHER' ? { ...change.payload, sub: otherPersonId } : change.payload;
    await expectRefused(tamper({ ...change, payload }));
  });

  it('demo-bank\'s real token with its scope widened, presented with a valid proof by its own key', async () => {
    const [header, payload, signature] = partner.accessToken.split('.');
    const widened = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), scope: 'population:name population:identity' };
    const token = `${header}.${b64(widened)}.${signature}`;
    const proof = await createDpopProof(partner.key.privateKey, partner.key.publicJwk, 'ES256', { htm: 'POST', htu: hub.gatewayUrl, accessToken: token });
    const response = await send(`DPoP ${token}`, proof, PARTNER_QUERY);
    expectUnauthenticated(response, /^DPoP /);
    expectNotEchoed(response, token);
  });
});

describe('type confusion: another JWT of the hub presented as an access token (RFC 8725 §2.8, §3.11)', () => {
  it('demo-bank\'s real ID token (signed by the issuer, aud = the client)', async () => {
    await expectRefused(partner.idToken);
  });

  it('the citizen\'s real consent receipt (signed by the issuer, typ consent-receipt+jwt)', async () => {
    await expectRefused(receipt);
  });

  it.each(['logout+jwt', 'consent-receipt+jwt', 'dpop+jwt', 'hub-internal+jwt', 'application/jwt'])(
    'every access token claim right, signed by the issuer, but typ %s',
    async (typ) => {
      await expectRefused(await signWithIssuer(claims({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }), { typ }));
    },
  );

  it('no typ at all, signed by the issuer', async () => {
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: issuerKey.kid }).sign(issuerKey.privateKey);
    await expectRefused(token);
  });

  it('a DPoP proof, a private_key_jwt client assertion, and the gateway\'s own internal credential', async () => {
    await expectRefused(await createDpopProof(partner.key.privateKey, partner.key.publicJwk, 'ES256', { htm: 'POST', htu: hub.gatewayUrl }));
    await expectRefused(await clientAssertion(hub.env.ISSUER_URL!, DEMO_BANK, { aud: hub.env.GATEWAY_AUDIENCE }));
    const mint = await gatewayCredentials(hub.env);
    await expectRefused(await mint('population', personId, ['population:name']));
  });
});

describe('tokens of another audience or issuer', () => {
  // aud = elsewhere and iss = evil.example are in tokens.test.ts.
  it.each<[string, Record<string, unknown>]>([
    ['aud = a register\'s internal audience', { aud: subgraphAudience('population') }],
    ['aud = the issuer itself', { aud: 'ISSUER' }],
    ['aud = the gateway URL with a trailing slash', { aud: 'AUDIENCE/' }],
    ['iss = the issuer with a trailing slash', { iss: 'ISSUER/' }],
    ['iss = the issuer under another host name (localhost)', { iss: 'LOCALHOST' }],
    ['iss = the gateway\'s internal issuer', { iss: 'urn:hub:gateway' }],
  ])('%s, signed by the issuer', async (_label, override) => {
    const resolve = (value: unknown) => value === 'ISSUER' ? hub.env.ISSUER_URL
      : value === 'ISSUER/' ? `${hub.env.ISSUER_URL}/`
        : value === 'AUDIENCE/' ? `${hub.env.GATEWAY_AUDIENCE}/`
          : value === 'LOCALHOST' ? hub.env.ISSUER_URL!.replace('127.0.0.1', 'localhost') : value;
    await expectRefused(await signWithIssuer(claims(Object.fromEntries(Object.entries(override).map(([k, v]) => [k, resolve(v)])))));
  });
});

describe('other serializations and header tricks', () => {
  it('a critical header extension the gateway does not know (crit), and an unencoded payload (b64: false)', async () => {
    await expectRefused(assemble({ alg: 'ES256', typ: 'at+jwt', kid: issuerKey.kid, crit: ['x-hub-extension'], 'x-hub-extension': true }, claims(), issuerSignature));
    // The control: the same signing path without crit is accepted, so the refusal above is crit's doing.
    const control = await send(`Bearer ${assemble({ alg: 'ES256', typ: 'at+jwt', kid: issuerKey.kid }, claims(), issuerSignature)}`, undefined, '{ me { firstNames } }');
    expect(control.body).toEqual({ data: { me: { firstNames: persona.firstNames } } });
    const input = `${b64({ alg: 'ES256', typ: 'at+jwt', kid: issuerKey.kid, b64: false, crit: ['b64'] })}.${JSON.stringify(claims())}`;
    const response = await send(`Bearer ${input}.${Buffer.alloc(64, 1).toString('base64url')}`);
    expectUnauthenticated(response, /^Bearer /);
  });

  it('a JWE-shaped token (five parts) and a JWS in JSON serialization', async () => {
    await expectRefused(`${b64({ alg: 'dir', enc: 'A256GCM', kid: issuerKey.kid })}..${b64('iv')}.${b64(claims())}.${b64('tag')}`);
    const valid = await signWithIssuer(claims());
    const [protectedHeader, payload, signature] = valid.split('.');
    const json = JSON.stringify({ protected: protectedHeader, payload, signature });
    const response = await send(`Bearer ${json}`);
    expectUnauthenticated(response, /^Bearer /);
  });
});

describe('forged partner tokens under the DPoP scheme, with a valid proof by the attacker\'s own key', () => {
  // The realistic forgery: demo-bank's real subject and consent, bound to a key the attacker holds, so that the proof
  // checks out and only the token's signature stands in the way.
  let thief: DpopKey;
  let jkt: string;
  beforeAll(async () => {
    thief = await newDpopKey();
    jkt = await calculateJwkThumbprint(thief.publicJwk);
  });

  async function expectRefusedWithProof(token: string): Promise<void> {
    const proof = await createDpopProof(thief.privateKey, thief.publicJwk, 'ES256', { htm: 'POST', htu: hub.gatewayUrl, accessToken: token });
    const response = await send(`DPoP ${token}`, proof, PARTNER_QUERY);
    expectUnauthenticated(response, /^DPoP /);
    expectNotEchoed(response, token);
    expectNoRegisterValues(response.text, persona);
  }

  it('alg none, a psychic signature, an embedded jwk, a jku, and HS256 with the public key', async () => {
    const payload = partnerClaims(jkt);
    await expectRefusedWithProof(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(payload)}.`);
    await expectRefusedWithProof(`${b64({ alg: 'ES256', typ: 'at+jwt', kid: issuerKey.kid })}.${b64(payload)}.${Buffer.alloc(64).toString('base64url')}`);
    await expectRefusedWithProof(await signWithAttacker(payload, { kid: issuerKey.kid, jwk: attacker.publicJwk }));
    await expectRefusedWithProof(await signWithAttacker(payload, { kid: 'attacker', jku: `${attackerOrigin}/jwks.json` }));
    const pem = createPublicKey({ key: issuerKey.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    await expectRefusedWithProof(assemble({ alg: 'HS256', typ: 'at+jwt', kid: issuerKey.kid }, payload, hmac('HS256', pem as string)));
  });

  it('demo-bank\'s real token re-bound to the attacker\'s key without re-signing', async () => {
    const [header, payload, signature] = partner.accessToken.split('.');
    const rebound = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), cnf: { jkt } };
    await expectRefusedWithProof(`${header}.${b64(rebound)}.${signature}`);
    expect(partner.jkt).not.toBe(jkt);
  });
});
