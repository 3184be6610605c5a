import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { DEV_PARTNER_KEY_FILES } from '../../consent/partners.js';
import { formAction, inputValues, TestBrowser, type BrowserPage } from './browser.js';

/** demo-bank's committed dev key and registered redirect URI (CONTRACT.md). */
export const DEMO_BANK = {
  clientId: 'demo-bank',
  redirectUri: 'http://127.0.0.1:4300/callback',
  privateJwk: JSON.parse(readFileSync(DEV_PARTNER_KEY_FILES['demo-bank']!, 'utf8')) as JWK,
};

/** A partner client as a bank would configure openid-client: private_key_jwt, DPoP, PAR. */
export interface PartnerClient {
  config: client.Configuration;
  dpopKeys: client.CryptoKeyPair;
  dpop: client.DPoPHandle;
}

/** Discovers the authorization server and sets up demo-bank (or another partner) with a fresh DPoP key pair. */
export async function partnerClient(issuer: string, options: { clientId?: string; privateJwk?: JWK } = {}): Promise<PartnerClient> {
  const privateKey = (await importJWK(options.privateJwk ?? DEMO_BANK.privateJwk, 'ES256')) as CryptoKey;
  const config = await client.discovery(new URL(issuer), options.clientId ?? DEMO_BANK.clientId, { token_endpoint_auth_signing_alg: 'ES256' }, client.PrivateKeyJwt(privateKey), {
    execute: [client.allowInsecureRequests],
  });
  const dpopKeys = await client.randomDPoPKeyPair('ES256');
  return { config, dpopKeys, dpop: client.getDPoPHandle(config, dpopKeys) };
}

/** What the citizen does on the authorization server's pages. */
export interface CitizenChoices {
  persona: string;
  /** Items to untick on the consent screen. */
  untick?: readonly string[];
  decision?: 'allow' | 'deny';
  language?: string;
}

/** The result of the front-channel part: the callback the browser arrived at, and the PKCE verifier. */
export interface Authorization {
  callback: URL;
  codeVerifier: string;
  state: string;
  consentPage?: BrowserPage;
}

/** PAR (private_key_jwt), then the browser steps: test login and consent. Stops at the partner's callback. */
export async function authorizeWithPar(partner: PartnerClient, choices: CitizenChoices, scope: string, redirectUri = DEMO_BANK.redirectUri): Promise<Authorization> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = await client.buildAuthorizationUrlWithPAR(partner.config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
  }, { DPoP: partner.dpop });
  const browser = new TestBrowser({ stopAt: [new URL(redirectUri).origin], language: choices.language });
  const { callback, consentPage } = await walkBrowserSteps(browser, url, choices);
  return { callback, codeVerifier, state, consentPage };
}

/** Logs in as the persona and answers the consent screen; resolves at the client's redirect URI. */
export async function walkBrowserSteps(browser: TestBrowser, url: URL, choices: CitizenChoices): Promise<{ callback: URL; consentPage?: BrowserPage }> {
  let page = await browser.get(url);
  if (!page.stopped && page.html.includes('id="login"')) {
    page = await browser.submit(formAction(page, 'login'), [['persona', choices.persona]]);
  }
  let consentPage: BrowserPage | undefined;
  if (!page.stopped && page.html.includes('id="consent"')) {
    consentPage = page;
    const untick = new Set(choices.untick ?? []);
    const ticked = inputValues(page, 'scope', 'checkbox').filter((scope) => !untick.has(scope));
    const hidden = inputValues(page, 'scope', 'hidden');
    const fields: Array<[string, string]> = [...new Set([...ticked, ...hidden])].map((scope) => ['scope', scope]);
    fields.push(['decision', choices.decision ?? 'allow']);
    page = await browser.submit(formAction(page, 'consent'), fields);
  }
  if (!page.stopped) throw new Error(`the flow stopped at ${page.url.pathname} with status ${page.status}: ${page.html.slice(0, 500)}`);
  return { callback: page.url, consentPage };
}

/** Exchanges the code with PKCE and DPoP, as the partner's back end does. */
export function exchangeCode(partner: PartnerClient, authorization: Authorization) {
  return client.authorizationCodeGrant(partner.config, authorization.callback, {
    pkceCodeVerifier: authorization.codeVerifier,
    expectedState: authorization.state,
  }, undefined, { DPoP: partner.dpop });
}

/** Calls the gateway with a DPoP-bound token and a fresh proof for this request. */
export function partnerQuery(partner: PartnerClient, gatewayUrl: string, accessToken: string, query: string): Promise<{ status: number; body: any; headers: Headers }> {
  return partnerRequest(partner, gatewayUrl, accessToken, { query });
}

/** POSTs any GraphQL request body (a registered document's id, say) with a DPoP-bound token and a fresh proof. */
export async function partnerRequest(partner: PartnerClient, gatewayUrl: string, accessToken: string, request: Record<string, unknown>): Promise<{ status: number; body: any; headers: Headers }> {
  let response: Response;
  try {
    response = await client.fetchProtectedResource(
      partner.config, accessToken, new URL(gatewayUrl), 'POST', JSON.stringify(request),
      new Headers({ 'content-type': 'application/json' }), { DPoP: partner.dpop },
    );
  } catch (error) {
    // openid-client throws on a 401 challenge; the tests want to look at it.
    if (!(error instanceof client.WWWAuthenticateChallengeError)) throw error;
    response = error.response as Response;
  }
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}
