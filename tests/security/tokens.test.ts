import { createHmac, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPair, SignJWT, type JWK } from 'jose';
import { loadIssuerKey } from '../../consent/issuerKeys.js';
import { personas, startTestHub, type TestHub } from '../support/hub.js';

// Every way an access token can be wrong gets 401, a WWW-Authenticate header and UNAUTHENTICATED, and the
// answer carries no register value. Attacks after RFC 8725 and the ones jwt_tool automates.

let hub: TestHub;
let personId: string;
let issuerKid: string;
let issuerPublicJwk: JWK;
const persona = personas[0]!;
const QUERY = '{ me { firstNames lastName personalIdentityCode } }';

beforeAll(async () => {
  hub = await startTestHub();
  personId = await hub.personId(persona.personalIdentityCode);
  const key = await loadIssuerKey(hub.env);
  issuerKid = key.kid;
  issuerPublicJwk = key.publicJwk;
});
afterAll(async () => {
  await hub?.stop();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function claims(overrides: Record<string, unknown> = {}) {
  return {
    iss: hub.env.ISSUER_URL,
    aud: hub.env.GATEWAY_AUDIENCE,
    sub: personId,
    client_id: 'citizen-portal',
    scope: 'population:name population:identity',
    jti: 'test-jti',
    iat: now(),
    exp: now() + 300,
    ...overrides,
  };
}

async function signWithIssuer(payload: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const key = await loadIssuerKey(hub.env);
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid, ...header }).sign(key.privateKey);
}

async function expectRejected(authorization: string | null) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  const response = await fetch(hub.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: QUERY }) });
  const text = await response.text();
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
  const body = JSON.parse(text);
  expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect(body.data).toBeUndefined();
  expect(text).not.toContain(persona.lastName);
  expect(text).not.toContain(persona.personalIdentityCode);
  return body.errors[0].message as string;
}

describe('the gateway refuses every bad access token', () => {
  it('accepts a good token (the control case)', async () => {
    const { status, body } = await hub.query(await signWithIssuer(claims()), QUERY);
    expect(status).toBe(200);
    expect(body.data.me.lastName).toBe(persona.lastName);
  });

  it('no token', async () => {
    await expectRejected(null);
  });

  it.each([
    ['empty bearer', 'Bearer '],
    ['not a JWT', 'Bearer not-a-token'],
    ['two segments', 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0'],
    ['garbage segments', 'Bearer eyJ.eyJ.sig'],
    ['basic scheme', 'Basic dXNlcjpwYXNz'],
    ['token in wrong scheme', 'Token abc.def.ghi'],
  ])('malformed: %s', async (_name, header) => {
    await expectRejected(header);
  });

  it('expired', async () => {
    expect(await expectRejected(`Bearer ${await signWithIssuer(claims({ iat: now() - 600, exp: now() - 60 }))}`)).toMatch(/expired/);
  });

  it('not yet valid (nbf in the future)', async () => {
    await expectRejected(`Bearer ${await signWithIssuer(claims({ nbf: now() + 600 }))}`);
  });

  it('issued in the future (iat)', async () => {
    await expectRejected(`Bearer ${await signWithIssuer(claims({ iat: now() + 600, exp: now() + 900 }))}`);
  });

  it('wrongly addressed (aud)', async () => {
    expect(await expectRejected(`Bearer ${await signWithIssuer(claims({ aud: 'https://elsewhere.example/graphql' }))}`)).toMatch(/not meant/);
  });

  it('wrongly issued (iss)', async () => {
    await expectRejected(`Bearer ${await signWithIssuer(claims({ iss: 'https://evil.example' }))}`);
  });

  it('without exp', async () => {
    const { exp: _exp, ...rest } = claims();
    await expectRejected(`Bearer ${await signWithIssuer(rest)}`);
  });

  it('without the at+jwt type (an ID token or other JWT replayed)', async () => {
    await expectRejected(`Bearer ${await signWithIssuer(claims(), { typ: 'JWT' })}`);
  });

  it('alg: none', async () => {
    const token = `${b64({ alg: 'none', typ: 'at+jwt', kid: issuerKid })}.${b64(claims())}.`;
    await expectRejected(`Bearer ${token}`);
  });

  it('HS256 signed with the issuer public key as the secret (algorithm confusion)', async () => {
    const pem = createPublicKey({ key: issuerPublicJwk as any, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    for (const secret of [pem, JSON.stringify(issuerPublicJwk)]) {
      const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: issuerKid })}.${b64(claims())}`;
      const signature = createHmac('sha256', secret).update(input).digest('base64url');
      await expectRejected(`Bearer ${input}.${signature}`);
    }
  });

  it('signed by another key under the issuer kid (forged signature)', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: issuerKid }).sign(privateKey);
    expect(await expectRejected(`Bearer ${token}`)).toMatch(/signature/);
  });

  it('an unknown kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'unknown-kid' }).sign(privateKey);
    expect(await expectRejected(`Bearer ${token}`)).toMatch(/unknown key/);
  });

  it('an embedded jwk header is not trusted', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const { exportJWK } = await import('jose');
    const jwk = await exportJWK(publicKey);
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', jwk }).sign(privateKey);
    await expectRejected(`Bearer ${token}`);
  });

  it('a token of an unknown client', async () => {
    await expectRejected(`Bearer ${await signWithIssuer(claims({ client_id: 'someone-else' }))}`);
  });

  it('a sender-constrained token presented as a bearer token', async () => {
    await expectRejected(`Bearer ${await signWithIssuer(claims({ cnf: { jkt: 'thumbprint' } }))}`);
  });
});
