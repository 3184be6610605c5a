import * as client from 'openid-client';
import { scopeCatalogue } from '../schema/scopes.js';
import { isLoopbackHttp, PORTAL_CLIENT_ID, type PortalConfig } from './config.js';
import type { PendingSignIn, SignedIn } from './session.js';

/** Every data scope of the catalogue (the portal shows the citizen everything), `self` included, and `openid`. */
export const PORTAL_SCOPE = ['openid', ...scopeCatalogue().map((entry) => entry.scope)].join(' ');

/** An access token is dropped this long before it expires, so no request is sent with one about to die. */
const EXPIRY_MARGIN_MS = 10_000;

/** Why a sign-in could not be finished; each code has its own page. */
export type SignInFailureCode = 'ISSUER_UNAVAILABLE' | 'SIGN_IN_CANCELLED' | 'SIGN_IN_FAILED';

/** A sign-in that could not start or finish. Never carries a code, token or identity in its message. */
export class SignInError extends Error {
  readonly code: SignInFailureCode;
  constructor(code: SignInFailureCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignInError';
    this.code = code;
  }
}

/** The portal as an OAuth public client of the authorization server: PKCE S256, no client secret. */
export interface SignIn {
  /** The issuer's configuration, discovered on first use and retried while the issuer is not up. */
  configuration(): Promise<client.Configuration>;
  /** Starts a sign-in: the URL to send the browser to and what the callback will need. */
  start(returnTo: string, now: number): Promise<{ url: URL; pending: PendingSignIn }>;
  /** Finishes one at the callback: exchanges the code (checks `iss`, `state`, the PKCE verifier and the ID token). */
  finish(callbackUrl: URL, pending: PendingSignIn, now: number): Promise<SignedIn>;
  /** The issuer's end_session URL (OpenID RP-Initiated Logout), or undefined when it cannot be built. */
  endSessionUrl(idToken: string | undefined): Promise<URL | undefined>;
}

/** Options for {@link createSignIn}. */
export interface SignInOptions {
  config: Pick<PortalConfig, 'issuer' | 'upstreamTimeoutMs'>;
  /** The OAuth client (default the portal's, `citizen-portal`); the caseworkers' console passes its own. */
  clientId?: string;
  /** The scope asked for (default {@link PORTAL_SCOPE}). */
  scope?: string;
  /** The portal's public URL, known once its port is bound. */
  publicUrl: () => string;
  fetch?: typeof fetch;
}

/** Creates the portal's OAuth client over openid-client 6 (or, with `clientId` and `scope`, another public client's). */
export function createSignIn(options: SignInOptions): SignIn {
  const { config } = options;
  const clientId = options.clientId ?? PORTAL_CLIENT_ID;
  const scope = options.scope ?? PORTAL_SCOPE;
  let discovered: Promise<client.Configuration> | undefined;

  function configuration(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(new URL(config.issuer), clientId, { token_endpoint_auth_method: 'none' }, client.None(), {
        // openid-client refuses plain http; allowed only for the issuer on this machine (dev).
        execute: isLoopbackHttp(config.issuer) ? [client.allowInsecureRequests] : [],
        timeout: Math.ceil(config.upstreamTimeoutMs / 1000),
        // openid-client's fetch type differs from the DOM one only in body typings.
        ...(options.fetch ? { [client.customFetch]: options.fetch as unknown as client.CustomFetch } : {}),
      })
      .catch((error: unknown) => {
        // Not remembered: the next request tries again (the portal may start before the issuer).
        discovered = undefined;
        throw new SignInError('ISSUER_UNAVAILABLE', 'The sign-in service could not be reached', { cause: error });
      });
    return discovered;
  }

  return {
    configuration,
    async start(returnTo, now) {
      const issuer = await configuration();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(issuer, {
        redirect_uri: `${options.publicUrl()}/callback`,
        scope,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
      });
      return { url, pending: { codeVerifier, state, returnTo, startedAt: now } };
    },
    async finish(callbackUrl, pending, now) {
      const error = callbackUrl.searchParams.get('error');
      if (error === 'access_denied' || error === 'login_required' || error === 'interaction_required') {
        throw new SignInError('SIGN_IN_CANCELLED', 'The sign-in was cancelled');
      }
      const issuer = await configuration();
      try {
        const tokens = await client.authorizationCodeGrant(issuer, callbackUrl, { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state });
        const lifetimeMs = (tokens.expiresIn() ?? 300) * 1000;
        return { accessToken: tokens.access_token, idToken: tokens.id_token, scope: tokens.scope, expiresAt: now + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, 1000), signedInAt: now };
      } catch (cause) {
        throw new SignInError('SIGN_IN_FAILED', 'The sign-in could not be completed', { cause });
      }
    },
    async endSessionUrl(idToken) {
      const issuer = await configuration().catch(() => undefined);
      if (issuer === undefined || !issuer.serverMetadata().end_session_endpoint) return undefined;
      const parameters: Record<string, string> = { post_logout_redirect_uri: `${options.publicUrl()}/` };
      if (idToken !== undefined) parameters.id_token_hint = idToken;
      return client.buildEndSessionUrl(issuer, parameters);
    },
  };
}
