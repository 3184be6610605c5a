import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { base64url, decodeProtectedHeader, EmbeddedJWK, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { proofKey, verifyProofSync } from '../proofSignature.js';

// The synchronous check accepts exactly the proofs jose's jwtVerify would, and leaves everything else to jose
// (undefined); dpop.test.ts proves the verifier's verdicts through both paths.

const CLAIMS = { htm: 'POST', htu: 'https://hub.example/graphql', jti: 'j-1', iat: 1_900_000_000, ath: 'x' };

async function signer(alg: 'ES256' | 'EdDSA' | 'PS256' | 'ES384') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const sign = (claims: Record<string, unknown> = CLAIMS, header: Record<string, unknown> = {}, key: CryptoKey = privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg, typ: 'dpop+jwt', jwk, ...header }).sign(key);
  return { jwk, privateKey, sign };
}

async function judge(compact: string) {
  const header = decodeProtectedHeader(compact);
  return verifyProofSync(compact, header, proofKey(await EmbeddedJWK(header), header.alg!));
}

const es = await signer('ES256');
const ed = await signer('EdDSA');

describe('verifyProofSync', () => {
  it('accepts a valid ES256 or EdDSA proof and returns its claims', async () => {
    await expect(judge(await es.sign())).resolves.toEqual(CLAIMS);
    await expect(judge(await ed.sign())).resolves.toEqual(CLAIMS);
  });

  it('leaves a proof whose signature is not by its embedded key to jose', async () => {
    const forger = await signer('ES256');
    await expect(judge(await es.sign(CLAIMS, {}, forger.privateKey))).resolves.toBeUndefined();
    const [header, payload, signature] = (await es.sign()).split('.');
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...CLAIMS, htm: 'GET' }))}.${signature}`;
    await expect(judge(tampered)).resolves.toBeUndefined();
    // A signature segment that is not canonical base64url, or of another length.
    await expect(judge(`${header}.${payload}.${signature}A`)).resolves.toBeUndefined();
    await expect(judge(`${header}.${payload}.${signature!.slice(0, -4)}`)).resolves.toBeUndefined();
  });

  it('leaves claims jose checks itself (nbf, exp, an iat that is not a number) and non-object payloads to jose', async () => {
    for (const claims of [{ ...CLAIMS, exp: 1 }, { ...CLAIMS, nbf: 1 }, { ...CLAIMS, iat: '1900000000' }]) {
      await expect(judge(await es.sign(claims))).resolves.toBeUndefined();
    }
    const [header] = (await es.sign()).split('.');
    for (const payload of [base64url.encode('[1]'), base64url.encode('"x"'), base64url.encode(new Uint8Array([0x7b, 0xff, 0x7d]))]) {
      const { privateKey } = es;
      const input = `${header}.${payload}`;
      const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new TextEncoder().encode(input)));
      await expect(judge(`${input}.${base64url.encode(signature)}`)).resolves.toBeUndefined();
    }
  });

  it('leaves crit and b64 headers, and other algorithms, to jose', async () => {
    await expect(judge(await es.sign(CLAIMS, { crit: ['b64'], b64: true }))).resolves.toBeUndefined();
    await expect(judge(await (await signer('PS256')).sign())).resolves.toBeUndefined();
    await expect(judge(await (await signer('ES384')).sign())).resolves.toBeUndefined();
  });

  it('uses a key only for the algorithm it was checked against', async () => {
    const compact = await es.sign();
    const header = decodeProtectedHeader(compact);
    const key = await EmbeddedJWK(header);
    expect(verifyProofSync(compact, header, proofKey(key, 'ES256'))).toEqual(CLAIMS);
    expect(verifyProofSync(compact, header, proofKey(key, 'EdDSA'))).toBeUndefined();
    expect(verifyProofSync(compact, { ...header, alg: 'EdDSA' }, proofKey(key, 'ES256'))).toBeUndefined();
    // A P-384 key never passes for ES256.
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }) as JWK;
    const imported = await crypto.subtle.importKey('jwk', p384, { name: 'ECDSA', namedCurve: 'P-384' }, true, ['verify']);
    expect(proofKey(imported as CryptoKey, 'ES256').object).toBeUndefined();
  });
});
