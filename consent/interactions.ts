import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsentStore } from '../lib/consents/consentStore.js';
import { HubError } from '../lib/errors.js';
import { isValidHetu } from '../lib/hetu.js';
import { readBody, type RequestScope } from '../lib/http/service.js';
import type { SigningKey } from '../lib/keys.js';
import { personIdFor } from '../lib/personId.js';
import type { Persona } from '../lib/synthetic/personas.js';
import { scopeCatalogue } from '../schema/scopes.js';
import type { ConsentServerConfig } from './config.js';
import type { Partner } from './partners.js';
import { caseScope } from '../schema/caseScopes.js';
import type { DirectoryCaseworker } from './caseworkerDirectory.js';
import { CASEWORKER_CONSOLE_CLIENT_ID, CITIZEN_PORTAL_CLIENT_ID, dataScopes, pairwiseSubject } from './provider.js';
import { signConsentReceipt } from './receipts.js';
import { UpstreamRefusedError, type UpstreamLogin, type UpstreamOutcome } from './upstreamLoginTypes.js';
import { renderConsentPage } from './views/consentPage.js';
import { renderErrorPage } from './views/errorPage.js';
import { contentSecurityPolicy } from './views/html.js';
import { renderLoginPage } from './views/loginPage.js';
import { isLanguage, negotiateLanguage, type Language } from './views/messages.js';

/** Collaborators of {@link createInteractions}. */
export interface InteractionOptions {
  provider: () => any;
  config: ConsentServerConfig;
  partners: readonly Partner[];
  personas: readonly Persona[];
  /**
   * The caseworker directory (caseworkerDirectory.ts): the dev personas for the console's test login, or in
   * production `CASEWORKERS_FILE`, whose upstream subjects the console's upstream login is mapped through.
   */
  caseworkers?: readonly DirectoryCaseworker[];
  consents: ConsentStore;
  pseudonymKey: Buffer;
  pairwiseKey: Buffer;
  receiptKey: SigningKey;
  upstream?: UpstreamLogin;
  now?: () => Date;
}

const FORM_LIMIT = 16 * 1024;

/**
 * The citizen's side of an authorization: the login (test personas in dev, an upstream provider in production)
 * and the consent screen. The consent record is committed before the authorization code exists.
 */
export function createInteractions(options: InteractionOptions) {
  const { config, consents } = options;
  const now = options.now ?? (() => new Date());
  const partnerById = new Map(options.partners.map((p) => [p.clientId, p]));
  const personaCodes = new Set(options.personas.map((p) => p.personalIdentityCode));
  const catalogue = new Map(scopeCatalogue().map((entry) => [entry.scope, entry]));
  const caseworkerById = new Map((options.caseworkers ?? []).map((caseworker) => [caseworker.id, caseworker]));
  const caseworkerBySubject = new Map((options.caseworkers ?? []).filter((c) => c.upstreamSubject).map((c) => [c.upstreamSubject!, c]));
  // The console's test login lists caseworkers in the persona list's shape: the value is the caseworker's id.
  const caseworkerPersonas = (options.caseworkers ?? []).map((c) => ({ personalIdentityCode: c.id, firstNames: c.name, lastName: '', tags: [c.queue] }));
  const consoleOrigin = new URL(config.consoleUrl).origin;

  const portalOrigin = new URL(config.portalUrl).origin;
  /** Origins a form on these pages may end up at: Chrome applies `form-action` to the redirects after a POST too. */
  function formTargets(clientId: string | undefined): string[] {
    const partner = clientId ? partnerById.get(clientId) : undefined;
    if (partner) return [...new Set(partner.redirectUris.map((uri) => new URL(uri).origin))];
    if (clientId === CASEWORKER_CONSOLE_CLIENT_ID) return [consoleOrigin];
    return clientId === CITIZEN_PORTAL_CLIENT_ID ? [portalOrigin] : [];
  }

  function sendHtml(res: ServerResponse, status: number, html: string, clientId?: string): void {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': contentSecurityPolicy({ formAction: formTargets(clientId) }),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    res.end(html);
  }

  /**
   * The page language: `?lang=` (a language link), else the one chosen earlier in this sign-in (a cookie, so the
   * choice made on the login page carries over to the consent page), else Accept-Language.
   */
  function languageOf(req: IncomingMessage, res?: ServerResponse): Language {
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('lang') ?? undefined;
    const chosen = query !== undefined && isLanguage(query) ? query : /(?:^|;\s*)hub_lang=(fi|sv|en)\b/.exec(req.headers.cookie ?? '')?.[1];
    if (res && query !== undefined && isLanguage(query) && !res.headersSent) {
      res.appendHeader('set-cookie', `hub_lang=${query}; Path=/interaction; Max-Age=3600; HttpOnly; SameSite=Lax`);
    }
    return negotiateLanguage(chosen, req.headers['accept-language']);
  }

  async function details(req: IncomingMessage, res: ServerResponse): Promise<any> {
    try {
      return await options.provider().interactionDetails(req, res);
    } catch {
      // Expired, unknown, or belongs to another browser: the same answer for each.
      throw new HubError('NOT_FOUND', 'This sign-in has expired or is not yours; start again from the service you came from');
    }
  }

  async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(type)) throw new HubError('UNSUPPORTED_MEDIA_TYPE', 'Forms are sent as application/x-www-form-urlencoded');
    return new URLSearchParams(await readBody(req, FORM_LIMIT));
  }

  function clientName(clientId: string): string {
    if (clientId === CASEWORKER_CONSOLE_CLIENT_ID) return 'Caseworkers\' console';
    return clientId === CITIZEN_PORTAL_CLIENT_ID ? 'Citizen portal' : (partnerById.get(clientId)?.name ?? clientId);
  }

  async function showPrompt(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const interaction = await details(req, res);
    const lang = languageOf(req, res);
    const clientId = String(interaction.params.client_id);
    if (interaction.prompt.name === 'login' && clientId === CASEWORKER_CONSOLE_CLIENT_ID) {
      // Caseworkers sign in as caseworkers: in dev from the caseworker personas, in production at the upstream
      // provider, whose subject must be listed in CASEWORKERS_FILE (docs/requests.md).
      if (config.login.kind === 'upstream') {
        if (!options.upstream || caseworkerBySubject.size === 0) throw new HubError('FORBIDDEN', 'Caseworker sign-in is not configured on this server');
        await options.upstream.start(req, res, uid, 'caseworker');
        return;
      }
      if (caseworkerPersonas.length === 0) throw new HubError('FORBIDDEN', 'Caseworker sign-in is not configured on this server');
      sendHtml(res, 200, renderLoginPage({ lang, action: `/interaction/${uid}/login?lang=${lang}`, personas: caseworkerPersonas, clientName: clientName(clientId), languageLinksBase: `/interaction/${uid}` }), clientId);
      return;
    }
    if (interaction.prompt.name === 'login') {
      if (config.login.kind === 'upstream') {
        if (!options.upstream) throw new HubError('INTERNAL_SERVER_ERROR', 'Upstream login is not configured');
        await options.upstream.start(req, res, uid, 'citizen');
        return;
      }
      sendHtml(res, 200, renderLoginPage({ lang, action: `/interaction/${uid}/login?lang=${lang}`, personas: options.personas, clientName: clientName(clientId), languageLinksBase: `/interaction/${uid}` }), clientId);
      return;
    }
    if (clientId === CASEWORKER_CONSOLE_CLIENT_ID) {
      await grantConsole(req, res, interaction);
      return;
    }
    if (clientId === CITIZEN_PORTAL_CLIENT_ID) {
      // A browser signed in as a caseworker is not a citizen: the portal gets no token for a caseworker's account.
      if (caseworkerById.has(String(interaction.session?.accountId))) {
        await options.provider().interactionFinished(req, res, { error: 'access_denied', error_description: 'Signed in as a caseworker; sign out and sign in as a citizen' }, { mergeWithLastSubmission: false });
        return;
      }
      // The citizen's own portal reads the citizen's own data: there is nobody to consent to.
      await grantPortal(req, res, interaction);
      return;
    }
    const partner = partnerById.get(clientId);
    if (!partner) throw new HubError('NOT_FOUND', 'Unknown client');
    const requested = dataScopes(String(interaction.params.scope ?? ''));
    const expiresAt = new Date(now().getTime() + partner.consentDays * 86_400_000);
    sendHtml(res, 200, renderConsentPage({
      lang,
      action: `/interaction/${uid}/consent?lang=${lang}`,
      partner: { name: partner.name, purpose: partner.purpose },
      items: requested.map((scope) => {
        const entry = catalogue.get(scope);
        return { scope, description: entry!.description, register: entry!.register, required: partner.requiredScopes.includes(scope) };
      }),
      durationDays: partner.consentDays,
      expiresAt,
      portalUrl: config.portalUrl,
      languageLinksBase: `/interaction/${uid}`,
    }), clientId);
  }

  async function login(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const interaction = await details(req, res);
    if (interaction.uid !== uid || interaction.prompt.name !== 'login' || config.login.kind !== 'test-personas') {
      throw new HubError('BAD_REQUEST', 'This sign-in step is not expected now');
    }
    const form = await readForm(req);
    const code = form.get('persona') ?? '';
    if (String(interaction.params.client_id) === CASEWORKER_CONSOLE_CLIENT_ID) {
      if (!caseworkerById.has(code)) {
        sendHtml(res, 400, renderLoginPage({ lang: languageOf(req), action: `/interaction/${uid}/login`, personas: caseworkerPersonas, clientName: clientName(CASEWORKER_CONSOLE_CLIENT_ID), error: 'UNKNOWN_PERSONA', languageLinksBase: `/interaction/${uid}` }), CASEWORKER_CONSOLE_CLIENT_ID);
        return;
      }
      // The account is the caseworker's id: never a person id, so no register or consent ever matches it.
      await options.provider().interactionFinished(req, res, { login: { accountId: code } }, { mergeWithLastSubmission: false });
      return;
    }
    if (!isValidHetu(code) || !personaCodes.has(code)) {
      const clientId = String(interaction.params.client_id);
      sendHtml(res, 400, renderLoginPage({ lang: languageOf(req), action: `/interaction/${uid}/login`, personas: options.personas, clientName: clientName(clientId), error: 'UNKNOWN_PERSONA', languageLinksBase: `/interaction/${uid}` }), clientId);
      return;
    }
    await finishLogin(req, res, code);
  }

  async function finishLogin(req: IncomingMessage, res: ServerResponse, personalIdentityCode: string): Promise<void> {
    const accountId = personIdFor(personalIdentityCode, options.pseudonymKey);
    await options.provider().interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
  }

  async function grantPortal(req: IncomingMessage, res: ServerResponse, interaction: any): Promise<void> {
    const provider = options.provider();
    const grant = interaction.grantId ? await provider.Grant.find(interaction.grantId) : new provider.Grant({ accountId: interaction.session.accountId, clientId: CITIZEN_PORTAL_CLIENT_ID });
    const details = interaction.prompt.details ?? {};
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(resource, (scopes as string[]).join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  /**
   * The console's grant: exactly `cases:<queue>` of the signed-in caseworker, whatever else was asked for (the rest
   * is recorded as refused, so the prompt ends). A session that is not a caseworker's gets access_denied: the console
   * asks with `prompt=login`, so a citizen signed in on the same browser is asked to sign in as a caseworker first.
   */
  async function grantConsole(req: IncomingMessage, res: ServerResponse, interaction: any): Promise<void> {
    const provider = options.provider();
    const caseworker = caseworkerById.get(String(interaction.session?.accountId));
    const requested = dataScopes(String(interaction.params.scope ?? ''));
    const scope = caseworker ? caseScope(caseworker.queue) : undefined;
    if (!caseworker || !scope || !requested.includes(scope)) {
      const description = caseworker ? 'The console did not ask for this caseworker\'s queue' : 'Sign in as a caseworker';
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: description }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = interaction.grantId ? await provider.Grant.find(interaction.grantId) : new provider.Grant({ accountId: caseworker.id, clientId: CASEWORKER_CONSOLE_CLIENT_ID });
    const oidcScopes = String(interaction.params.scope ?? '').split(' ').filter((s) => s === 'openid');
    if (oidcScopes.length > 0) grant.addOIDCScope(oidcScopes.join(' '));
    grant.addResourceScope(config.audience, scope);
    const others = requested.filter((s) => s !== scope);
    if (others.length > 0) grant.rejectResourceScope(config.audience, others.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  async function consent(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const interaction = await details(req, res);
    const clientId = String(interaction.params.client_id);
    const partner = partnerById.get(clientId);
    if (interaction.uid !== uid || interaction.prompt.name !== 'consent' || !partner) throw new HubError('BAD_REQUEST', 'This consent step is not expected now');
    const form = await readForm(req);
    const provider = options.provider();
    if (form.get('decision') !== 'allow') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The citizen did not give consent' }, { mergeWithLastSubmission: false });
      return;
    }
    const requested = dataScopes(String(interaction.params.scope ?? ''));
    const ticked = new Set(form.getAll('scope'));
    // Required items cannot be unticked; anything not requested cannot be added by editing the form.
    const granted = requested.filter((scope) => ticked.has(scope) || partner.requiredScopes.includes(scope));
    const rejected = requested.filter((scope) => !granted.includes(scope));
    if (granted.length === 0) {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The citizen shared no items' }, { mergeWithLastSubmission: false });
      return;
    }
    const accountId: string = interaction.session.accountId;
    const grant = new provider.Grant({ accountId, clientId });
    const oidcScopes = String(interaction.params.scope ?? '').split(' ').filter((s) => s === 'openid' || s === 'offline_access');
    if (oidcScopes.length > 0) grant.addOIDCScope(oidcScopes.join(' '));
    grant.addResourceScope(config.audience, granted.join(' '));
    // Recording the unticked items tells oidc-provider the question was answered; otherwise it asks forever.
    if (rejected.length > 0) grant.rejectResourceScope(config.audience, rejected.join(' '));
    const grantId: string = await grant.save();

    const grantedAt = now();
    const expiresAt = new Date(grantedAt.getTime() + partner.consentDays * 86_400_000);
    const record = await consents.createConsent({
      personId: accountId,
      clientId,
      clientName: partner.name,
      subject: pairwiseSubject(options.pairwiseKey, clientId, accountId),
      purpose: partner.purpose,
      scopes: granted,
      grantedAt,
      expiresAt,
      grantId,
    });
    const receipt = await signConsentReceipt(options.receiptKey, {
      issuer: config.issuer, consentId: record.id, personId: accountId, clientId, clientName: partner.name,
      purpose: partner.purpose, scopes: granted, grantedAt, expiresAt,
    });
    await consents.setReceipt(record.id, receipt);
    // Only now, with the consent on record, does oidc-provider issue the authorization code.
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  async function upstreamCallback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!options.upstream) throw new HubError('NOT_FOUND', 'No such resource');
    let outcome: UpstreamOutcome;
    try {
      outcome = await options.upstream.finish(req, res);
    } catch (error) {
      // The citizen cancelled or the identity provider refused: the client hears access_denied at its redirect URI
      // (RFC 6749 §4.1.2.1), as when the citizen denies consent, instead of the browser stopping at an error page.
      if (error instanceof UpstreamRefusedError) {
        const interaction = await findLoginInteraction(error.uid);
        if (interaction) {
          await resumeWith(res, interaction, { error: 'access_denied', error_description: error.message });
          return;
        }
      }
      throw error;
    }
    const interaction = await findLoginInteraction(outcome.uid);
    if (!interaction) throw new HubError('NOT_FOUND', 'This sign-in has expired or is not yours; start again from the service you came from');
    // The purpose sealed at start must match the client the interaction is for: a citizen's login never signs a
    // caseworker in, and a caseworker's login never makes a citizen's session.
    const forConsole = String(interaction.params.client_id) === CASEWORKER_CONSOLE_CLIENT_ID;
    if (forConsole !== (outcome.purpose === 'caseworker')) throw new HubError('BAD_REQUEST', 'This sign-in step is not expected now');
    if (outcome.purpose === 'caseworker') {
      const caseworker = caseworkerBySubject.get(outcome.subject);
      // Nobody outside the directory becomes a caseworker; the page says so and the console gets no code.
      if (!caseworker) throw new HubError('FORBIDDEN', 'You are not registered as a caseworker on this server; ask your organisation to add you to the caseworker directory');
      // The account is the caseworker's id, exactly as in dev: never a person id, so no register or consent matches it.
      await resumeWith(res, interaction, { login: { accountId: caseworker.id } });
      return;
    }
    if (!isValidHetu(outcome.personalIdentityCode)) throw new HubError('FORBIDDEN', 'The identity provider did not vouch for a personal identity code');
    await resumeWith(res, interaction, { login: { accountId: personIdFor(outcome.personalIdentityCode, options.pseudonymKey) } });
  }

  /**
   * oidc-provider's interaction cookie is scoped to /interaction/<uid> and never reaches the upstream callback path:
   * the interaction is found by the uid sealed in our own cookie (which binds it to this browser), and the resume at
   * /auth/<uid> still needs oidc-provider's resume cookie.
   */
  async function findLoginInteraction(uid: string): Promise<any> {
    const interaction = await options.provider().Interaction.find(uid);
    return interaction && interaction.prompt.name === 'login' ? interaction : undefined;
  }

  /** Records the interaction's result (what interactionFinished would) and sends the browser to resume it. */
  async function resumeWith(res: ServerResponse, interaction: any, result: Record<string, unknown>): Promise<void> {
    interaction.result = result;
    await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
    res.statusCode = 303;
    res.setHeader('location', interaction.returnTo);
    res.end();
  }

  /** Routes `/interaction/...`; returns false for any other path. */
  return async function handle(req: IncomingMessage, res: ServerResponse, _scope: RequestScope): Promise<boolean> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const isCallback = path === '/interaction/callback/upstream';
    const match = isCallback ? null : /^\/interaction\/([\w-]{1,64})(?:\/(login|consent))?$/.exec(path);
    if (!match && !isCallback) return false;
    const [, uid = '', step] = (match ?? []) as unknown as [string, string, string | undefined];
    try {
      if (isCallback && req.method === 'GET') await upstreamCallback(req, res);
      else if (!step && req.method === 'GET') await showPrompt(req, res, uid);
      else if (step === 'login' && req.method === 'POST') await login(req, res, uid);
      else if (step === 'consent' && req.method === 'POST') await consent(req, res, uid);
      else throw new HubError('METHOD_NOT_ALLOWED', 'Method not allowed');
    } catch (error) {
      if (!(error instanceof HubError) || res.headersSent) throw error;
      sendHtml(res, error.status, renderErrorPage({ lang: languageOf(req), code: error.code, description: error.message }));
    }
    return true;
  };
}
