import { createHmac } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';
import type { JWK } from 'jose';
import type { ConsentStore } from '../lib/consents/consentStore.js';
import type { Logger } from '../lib/logger.js';
import { CASE_QUEUES, caseScope, isCaseScope } from '../schema/caseScopes.js';
import { isKnownScope, scopeCatalogue } from '../schema/scopes.js';
import { renderErrorPage } from './views/errorPage.js';
import { contentSecurityPolicy } from './views/html.js';
import { renderLoggedOutPage, renderLogoutPage } from './views/logoutPage.js';
import { negotiateLanguage, type Language } from './views/messages.js';
import type { ConsentServerConfig } from './config.js';
import type { Partner } from './partners.js';

/** The hub's own client: the citizen portal, a public client that gets the citizen's own token. */
export const CITIZEN_PORTAL_CLIENT_ID = 'citizen-portal';
/**
 * The register owners' caseworkers' console: a public client (PKCE) whose tokens name a caseworker (not a person)
 * and carry exactly `cases:<that caseworker's queue>` (requests issue; docs/requests.md).
 */
export const CASEWORKER_CONSOLE_CLIENT_ID = 'caseworker-console';

/** The scopes the console may ask for: one `cases:<queue>` per queue; a token gets its caseworker's one only. */
export function caseworkerConsoleScopes(): string[] {
  return CASE_QUEUES.map(caseScope);
}

/** Collaborators of {@link createProvider}. */
export interface ProviderOptions {
  config: ConsentServerConfig;
  partners: readonly Partner[];
  /** The issuer's private signing key (ES256), published through the JWKS endpoint. */
  signingJwk: JWK;
  /** oidc-provider adapter class over the hub's storage. */
  adapter: unknown;
  consents: ConsentStore;
  /** Key of the pairwise subject HMAC. */
  pairwiseKey: Buffer;
  /** Keys that sign the provider's cookies (the first signs, all verify). */
  cookieKeys: string[];
  logger: Logger;
}

/** Data scopes the citizen portal gets: every catalogue scope (the catalogue never holds health) and `self`. */
export function citizenPortalScopes(): string[] {
  return scopeCatalogue().map((entry) => entry.scope);
}

/**
 * A partner's pairwise subject: an HMAC of the person id keyed per partner (OIDC Core §8.1), so two partners
 * cannot join their records on `sub`, and the value reveals nothing without the hub's key.
 */
export function pairwiseSubject(pairwiseKey: Buffer, clientId: string, personId: string): string {
  return `pw_${createHmac('sha256', pairwiseKey).update(`${clientId}\u0000${personId}`).digest('base64url')}`;
}

/** The language of a page oidc-provider renders itself: `?lang=`, else Accept-Language. */
function languageOf(ctx: any): Language {
  return negotiateLanguage(ctx.query?.lang, ctx.get('accept-language'));
}

/** Puts one of our pages on a Koa context with the pages' CSP (forms may end up at `formTargets`). */
function sendPage(ctx: any, html: string, formTargets: string[]): void {
  ctx.type = 'html';
  ctx.set('content-security-policy', contentSecurityPolicy({ formAction: formTargets }));
  ctx.set('cache-control', 'no-store');
  ctx.body = html;
}

/** The hub's own first-party clients: no consent screen, no consent record, the portal's token lifetime. */
const HUB_CLIENTS: ReadonlySet<string> = new Set([CITIZEN_PORTAL_CLIENT_ID, CASEWORKER_CONSOLE_CLIENT_ID]);

/** The data scopes (not `openid`/`offline_access`) of a space-separated scope string. */
export function dataScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((s) => s.length > 0 && s !== 'openid' && s !== 'offline_access');
}

/**
 * Builds the oidc-provider instance: authorization code with PKCE (S256 only), PAR, `private_key_jwt` and
 * DPoP for partners, RFC 9068 JWT access tokens for the gateway carrying the granted scopes and the consent id,
 * pairwise subjects for partners, refresh tokens bounded by the consent, revocation (RFC 7009).
 */
export function createProvider(options: ProviderOptions): any {
  const { config, partners, consents } = options;
  const partnerById = new Map(partners.map((p) => [p.clientId, p]));
  const portalScopes = citizenPortalScopes();
  const allowedDataScopes = (clientId: string): string[] => {
    if (clientId === CITIZEN_PORTAL_CLIENT_ID) return portalScopes;
    if (clientId === CASEWORKER_CONSOLE_CLIENT_ID) return caseworkerConsoleScopes();
    return dataScopes(partnerById.get(clientId)?.scopes.join(' '));
  };

  const clients = [
    {
      client_id: CITIZEN_PORTAL_CLIENT_ID,
      client_name: 'Citizen portal',
      token_endpoint_auth_method: 'none',
      redirect_uris: [`${config.portalUrl}/callback`],
      post_logout_redirect_uris: [`${config.portalUrl}/`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: 'openid',
      id_token_signed_response_alg: 'ES256',
    },
    {
      client_id: CASEWORKER_CONSOLE_CLIENT_ID,
      client_name: 'Caseworkers\' console',
      token_endpoint_auth_method: 'none',
      redirect_uris: [`${config.consoleUrl}/callback`],
      post_logout_redirect_uris: [`${config.consoleUrl}/`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: 'openid',
      id_token_signed_response_alg: 'ES256',
    },
    ...partners.map((partner) => ({
      client_id: partner.clientId,
      client_name: partner.name,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: partner.jwks.keys.map((key) => ({ ...key })) },
      redirect_uris: [...partner.redirectUris],
      grant_types: partner.scopes.includes('offline_access') ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
      response_types: ['code'],
      scope: partner.scopes.filter((s) => s === 'openid' || s === 'offline_access').join(' '),
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
      subject_type: 'pairwise',
      id_token_signed_response_alg: 'ES256',
    })),
  ];

  const grantSeconds = (clientId: string): number => (partnerById.get(clientId)?.consentDays ?? 1) * 86_400;

  const provider = new Provider(config.issuer, {
    adapter: options.adapter,
    clients,
    jwks: { keys: [options.signingJwk] },
    cookies: { keys: options.cookieKeys, long: { signed: true, httpOnly: true, sameSite: 'lax' }, short: { signed: true, httpOnly: true, sameSite: 'lax' } },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    claims: { openid: ['sub'] },
    scopes: ['openid', 'offline_access'],
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (_ctx: unknown, accountId: string, client: { clientId: string }) => pairwiseSubject(options.pairwiseKey, client.clientId, accountId),
    clientAuthMethods: ['private_key_jwt', 'none'],
    enabledJWA: {
      clientAuthSigningAlgValues: ['ES256', 'PS256', 'EdDSA'],
      dPoPSigningAlgValues: ['ES256', 'PS256', 'EdDSA'],
      idTokenSigningAlgValues: ['ES256'],
      requestObjectSigningAlgValues: ['ES256', 'PS256', 'EdDSA'],
    },
    responseTypes: ['code'],
    // RFC 7636 with S256 only (oidc-provider 9 knows no `plain`); required for every client, public or not.
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      // RFC 7009: a client may revoke only its own tokens (oidc-provider's default rule, stated here on purpose).
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: { clientId: string; clientAuthMethod: string }, token: { clientId: string }) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      introspection: { enabled: false },
      // Our own pages: oidc-provider's defaults load fonts from Google, which a national service never does.
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: any, form: string) => {
          sendPage(ctx, renderLogoutPage({ lang: languageOf(ctx), form }), [new URL(config.portalUrl).origin, new URL(config.consoleUrl).origin]);
        },
        postLogoutSuccessSource: async (ctx: any) => {
          sendPage(ctx, renderLoggedOutPage({ lang: languageOf(ctx) }), []);
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => config.audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx: any, resource: string, client: { clientId: string }) => {
          if (resource !== config.audience) throw new errors.InvalidTarget();
          const allowed = allowedDataScopes(client.clientId);
          // oidc-provider drops a scope the resource server does not offer without a word; the contract says
          // a partner asking for more than it may have is refused before any screen is shown.
          if (ctx.oidc.route === 'authorization' || ctx.oidc.route === 'pushed_authorization_request') {
            for (const scope of dataScopes(ctx.oidc.params.scope)) {
              // A caseworker's scope is known only to the console; the catalogue's only to the others.
              const known = client.clientId === CASEWORKER_CONSOLE_CLIENT_ID ? isCaseScope(scope) : isKnownScope(scope);
              if (!known || !allowed.includes(scope)) throw new errors.InvalidScope('requested scope is not allowed', scope);
            }
          }
          return {
            scope: allowed.join(' '),
            audience: config.audience,
            accessTokenTTL: HUB_CLIENTS.has(client.clientId) ? config.portalAccessTokenSeconds : config.partnerAccessTokenSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    extraTokenClaims: async (_ctx: unknown, token: { kind: string; clientId: string; grantId?: string }) => {
      if (token.kind !== 'AccessToken' || HUB_CLIENTS.has(token.clientId) || !token.grantId) return undefined;
      // The gateway maps the pairwise subject back to the person through this consent, and checks it is still
      // active on every request. A token is never issued for a consent that is no longer active.
      const consent = await consents.findConsentByGrantId(token.grantId);
      if (!consent || consent.status !== 'ACTIVE') throw new errors.InvalidGrant('the consent behind this grant is no longer active');
      return { consent_id: consent.id };
    },
    // Partners keep their refresh token (bound to their private_key_jwt authentication) and never get a fresh
    // lifetime from rotation: the refresh token dies with the consent.
    rotateRefreshToken: () => false,
    ttl: {
      AccessToken: (_ctx: unknown, _token: unknown, client: { clientId: string }) => (HUB_CLIENTS.has(client.clientId) ? config.portalAccessTokenSeconds : config.partnerAccessTokenSeconds),
      AuthorizationCode: 60,
      IdToken: 300,
      Interaction: 600,
      Session: 3600,
      Grant: (_ctx: unknown, grant: { clientId: string }) => grantSeconds(grant.clientId),
      RefreshToken: (ctx: any, _token: unknown, client: { clientId: string }) => {
        const grantExp = ctx?.oidc?.entities?.Grant?.exp;
        const remaining = typeof grantExp === 'number' ? grantExp - Math.floor(Date.now() / 1000) : grantSeconds(client.clientId);
        return Math.max(1, Math.min(remaining, grantSeconds(client.clientId)));
      },
    },
    // Every partner authorization shows the consent screen and creates its own consent record: a partner's grant
    // is the one the consent step just made, never one remembered in the session.
    loadExistingGrant: async (ctx: any) => {
      const clientId = ctx.oidc.client?.clientId;
      const fresh = ctx.oidc.result?.consent?.grantId;
      const grantId = fresh ?? (HUB_CLIENTS.has(clientId) ? ctx.oidc.session?.grantIdFor(clientId) : undefined);
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    renderError: async (ctx: any, out: { error: string; error_description?: string }) => {
      sendPage(ctx, renderErrorPage({ lang: languageOf(ctx), code: out.error, description: out.error_description ?? out.error }), []);
    },
    clientBasedCORS: (_ctx: unknown, origin: string) => origin === config.portalUrl,
    conformIdTokenClaims: true,
  });
  provider.proxy = config.trustProxy;
  // The pages oidc-provider renders (errors at /auth, sign-out, its self-submitting forms) get the protection our own
  // interaction pages have: never framed (RFC 9700 §4.16), no Referer (§4.2), no sniffing. Set after the route ran,
  // keeping a page's own CSP (which has frame-ancestors 'none'); a page without one gets just that directive.
  provider.use(async (ctx: any, next: () => Promise<void>) => {
    await next();
    ctx.set('x-frame-options', 'DENY');
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'no-referrer');
    if (!ctx.response.get('content-security-policy')) ctx.set('content-security-policy', "frame-ancestors 'none'");
  });
  provider.on('server_error', (_ctx: unknown, error: Error) => options.logger.error({ err: error }, 'authorization server error'));
  // oidc-provider revokes a grant (the Grant and its refresh tokens) at the token endpoint when a code is used twice
  // (RFC 6749 §4.1.2), and at the revocation endpoint when a partner revokes its refresh token (RFC 7009 §2.1). The
  // JWT access tokens already issued on that grant it cannot recall, but the gateway checks the consent on every
  // request: ending the consent ends them too. A logout (end_session) also revokes grants, and leaves consents alone.
  // The consent is ended before the response leaves: the event only registers the work, the middleware awaits it.
  const endings = new WeakMap<object, Promise<void>[]>();
  provider.use(async (ctx: object, next: () => Promise<void>) => {
    try {
      await next();
    } finally {
      const pending = endings.get(ctx);
      if (pending) await Promise.all(pending);
    }
  });
  provider.on('grant.revoked', (ctx: any, grantId: string) => {
    const route = ctx?.oidc?.route;
    if (route !== 'token' && route !== 'revocation') return;
    const ending = (async () => {
      const consent = await consents.findConsentByGrantId(grantId);
      if (consent && consent.status === 'ACTIVE') await consents.revokeConsent(consent.personId, consent.id);
      const fields = { consentId: consent?.id, clientId: consent?.clientId, route };
      if (route === 'token') options.logger.warn(fields, 'an authorization code was used twice: its grant and consent are ended');
      else options.logger.info(fields, 'the partner revoked its refresh token: its grant and consent are ended');
    })().catch((error: unknown) => options.logger.error({ err: error, route }, 'ending the consent of a revoked grant failed'));
    endings.set(ctx, [...(endings.get(ctx) ?? []), ending]);
  });
  return provider;
}
