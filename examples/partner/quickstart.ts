// A bank's side of the consent flow, in one file, to copy. Run the hub (`npm start`), then
//   node --import tsx examples/partner/quickstart.ts
// and open http://127.0.0.1:4300/ . It uses only openid-client (the OAuth client) and jose (to read the key):
//   1. PAR: the authorization request is pushed to the server, authenticated with private_key_jwt;
//   2. the browser goes to the server with only the request_uri; the citizen signs in and consents;
//   3. the callback exchanges the code with the PKCE verifier and a DPoP proof: the token is bound to our key;
//   4. every gateway call carries the token and a fresh DPoP proof for that call.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import { importJWK, type CryptoKey } from 'jose';

const ISSUER = process.env.ISSUER_URL ?? 'http://127.0.0.1:4100';
const GATEWAY = process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql';
const PORT = Number(process.env.PARTNER_PORT ?? 4300);
const REDIRECT_URI = `http://127.0.0.1:${PORT}/callback`;
// The dev-only key of demo-bank; a real partner keeps its private key in its own secret store.
const KEY_FILE = new URL('../../consent/partners/dev/demo-bank.private.jwk.json', import.meta.url);
const SCOPE = 'openid population:name population:address tax:income';
const QUERY = '{ me { firstNames lastName address { streetAddress postalCode municipality } taxAssessments { year earnedIncome } } }';

const privateKey = (await importJWK(JSON.parse(readFileSync(KEY_FILE, 'utf8')), 'ES256')) as CryptoKey;
const config = await client.discovery(new URL(ISSUER), 'demo-bank', { token_endpoint_auth_signing_alg: 'ES256' }, client.PrivateKeyJwt(privateKey), {
  // Plain http is for the local dev hub only.
  execute: ISSUER.startsWith('http://127.0.0.1') ? [client.allowInsecureRequests] : [],
});
// One DPoP key pair per session in a real app (kept server-side with the session); one for the demo.
const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
// Pending authorizations by state; a real app keeps these in its session store.
const pending = new Map<string, { codeVerifier: string }>();

const page = (body: string) => `<!doctype html><html lang="en"><meta charset="utf-8"><title>Demo Bank</title><body>${body}</body></html>`;
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${PORT}`);
  try {
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('<h1>Open an account</h1><p><a href="/start">Fill in with my register data</a></p>'));
    } else if (url.pathname === '/start') {
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = randomBytes(16).toString('base64url');
      pending.set(state, { codeVerifier });
      // Step 1: PAR. The server answers with a request_uri; the URL below carries nothing else of ours.
      const authorizationUrl = await client.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: REDIRECT_URI,
        scope: SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
      }, { DPoP: dpop });
      res.writeHead(303, { location: authorizationUrl.href }).end(); // Step 2: to the citizen.
    } else if (url.pathname === '/callback') {
      const state = url.searchParams.get('state') ?? '';
      const session = pending.get(state);
      pending.delete(state);
      if (!session) throw new Error('unknown or reused state');
      // Step 3: the code, with PKCE and DPoP. openid-client checks `iss` (RFC 9207) and `state`.
      const tokens = await client.authorizationCodeGrant(config, url, { pkceCodeVerifier: session.codeVerifier, expectedState: state }, undefined, { DPoP: dpop });
      // Step 4: the gateway, with a fresh proof for this call.
      const response = await client.fetchProtectedResource(config, tokens.access_token, new URL(GATEWAY), 'POST', JSON.stringify({ query: QUERY }),
        new Headers({ 'content-type': 'application/json' }), { DPoP: dpop });
      const result = await response.json();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(
        `<h1>What the citizen shared</h1><p>Scopes granted: ${escape(tokens.scope ?? '')}</p><pre>${escape(JSON.stringify(result, null, 2))}</pre><p><a href="/">Again</a></p>`));
    } else {
      res.writeHead(404).end();
    }
  } catch (error) {
    // The citizen may have denied (error=access_denied in the callback) or the consent may be gone (401).
    const message = url.searchParams.get('error') ?? (error as Error).message;
    res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(page(`<h1>Not completed</h1><p>${escape(message)}</p><p><a href="/">Back</a></p>`));
  }
}).listen(PORT, '127.0.0.1', () => process.stdout.write(`demo-bank quickstart on http://127.0.0.1:${PORT}/\n`));
