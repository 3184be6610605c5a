import { exportDocument } from './exportDocument.js';
import { createKit, type HandlerKit, type HandlerOptions } from './handlerKit.js';
import { renderConsentsPage } from './pages/consentsPage.js';
import { renderDisclosuresPage } from './pages/disclosuresPage.js';
import { renderMyDataPage } from './pages/myDataPage.js';
import { renderRevokePage } from './pages/revokePage.js';
import { renderSignedOutPage } from './pages/signedOutPage.js';
import { redirect, send, type PortalContext } from './respond.js';
import { createRequestHandlers } from './requestHandlers.js';
import { createSignInHandlers } from './signInHandlers.js';

export type { HandlerOptions } from './handlerKit.js';

const PAGE_SIZE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The portal's routes: pages, sign-in and sign-out, revocation, receipts and the download. */
export function createHandlers(options: HandlerOptions) {
  const { hub } = options;
  const kit: HandlerKit = createKit(options);
  const { html, error, withHub, checkedForm } = kit;
  const handlers = {
    ...createSignInHandlers(options, kit),
    requests: createRequestHandlers(options, kit),

    async home(ctx: PortalContext): Promise<void> {
      if (!ctx.session?.signedIn) return html(ctx, 200, renderSignedOutPage({ lang: ctx.lang, path: ctx.path }));
      await withHub(ctx, async (token, session) => {
        const data = await hub.myData(token);
        html(ctx, 200, renderMyDataPage({ lang: ctx.lang, path: ctx.path, csrfToken: session.csrfToken, data }));
      });
    },

    async consents(ctx: PortalContext): Promise<void> {
      await withHub(ctx, async (token, session) => {
        const consents = await hub.consents(token, ctx.lang);
        const notice = session.notice;
        session.notice = undefined;
        html(ctx, 200, renderConsentsPage({ lang: ctx.lang, path: ctx.path, csrfToken: session.csrfToken, consents, notice }));
      });
    },

    async revokeConfirmation(ctx: PortalContext, consentId: string): Promise<void> {
      if (!UUID.test(consentId)) return error(ctx, 404, 'notFound');
      await withHub(ctx, async (token, session) => {
        const consent = (await hub.consents(token, ctx.lang)).find((c) => c.id === consentId);
        if (!consent) return error(ctx, 404, 'notFound');
        html(ctx, 200, renderRevokePage({ lang: ctx.lang, path: ctx.path, csrfToken: session.csrfToken, consent }));
      });
    },

    async revoke(ctx: PortalContext, consentId: string): Promise<void> {
      if (!(await checkedForm(ctx))) return;
      if (!UUID.test(consentId)) return error(ctx, 404, 'notFound');
      // After an expired token, back to the confirmation: a revocation is never done without the citizen seeing it.
      await withHub(ctx, async (token, session) => {
        const consent = (await hub.consents(token, ctx.lang)).find((c) => c.id === consentId);
        if (!consent) return error(ctx, 404, 'notFound');
        // Already ended (revoked in another tab, or expired): nothing to do, and no notice that would mislead.
        if (consent.status === 'ACTIVE') {
          await hub.revokeConsent(token, consentId);
          session.notice = { kind: 'revoked', partner: consent.client.name };
        }
        redirect(ctx, '/consents');
      }, `/consents/${consentId}/revoke`);
    },

    async receipt(ctx: PortalContext, consentId: string): Promise<void> {
      if (!UUID.test(consentId)) return error(ctx, 404, 'notFound');
      await withHub(ctx, async (token) => {
        const receipt = await hub.receipt(token, consentId);
        if (receipt === undefined) return error(ctx, 404, 'notFound');
        send(ctx, 200, {
          ...options.pageHeaders,
          'content-type': 'application/jwt',
          'content-disposition': `attachment; filename="consent-${consentId.toLowerCase()}.jwt"`,
        }, receipt);
      });
    },

    async disclosures(ctx: PortalContext): Promise<void> {
      const before = ctx.url.searchParams.get('before') ?? undefined;
      if (before !== undefined && !/^[1-9]\d{0,15}$/.test(before)) return error(ctx, 404, 'notFound');
      await withHub(ctx, async (token, session) => {
        // One more than a page tells whether an older page exists.
        const [records, consents] = await Promise.all([hub.disclosures(token, { first: PAGE_SIZE + 1, before }), hub.consents(token, ctx.lang)]);
        const page = records.slice(0, PAGE_SIZE);
        const olderCursor = records.length > PAGE_SIZE ? page.at(-1)?.cursor : undefined;
        const purposes = new Map(consents.map((c) => [c.id, c.purpose]));
        html(ctx, 200, renderDisclosuresPage({ lang: ctx.lang, path: ctx.path, csrfToken: session.csrfToken, disclosures: page, olderCursor, paged: before !== undefined, purposes }));
      });
    },

    async download(ctx: PortalContext): Promise<void> {
      await withHub(ctx, async (token) => {
        const now = new Date(options.now());
        // A compact JWS signed with the portal's key (signedExport.ts): a third party can check what the registers say.
        const signed = await options.signExport(exportDocument(await hub.everything(token), now), now);
        send(ctx, 200, {
          ...options.pageHeaders,
          'content-type': 'application/jwt',
          'content-disposition': 'attachment; filename="my-data.jwt"',
        }, signed);
      });
    },

    /** The key set that verifies downloads: public, cacheable, readable from anywhere (it holds no secret). */
    jwks(ctx: PortalContext): void {
      send(ctx, 200, {
        'content-type': 'application/jwk-set+json',
        'cache-control': 'public, max-age=300',
        'x-content-type-options': 'nosniff',
        'access-control-allow-origin': '*',
      }, JSON.stringify(options.jwks));
    },

    errorPage: error,

    notFound(ctx: PortalContext): void {
      error(ctx, 404, 'notFound');
    },

    methodNotAllowed(ctx: PortalContext, allow: string): void {
      ctx.res.setHeader('allow', allow);
      error(ctx, 405, 'notFound');
    },

    internalError(ctx: PortalContext): void {
      ctx.response = undefined;
      error(ctx, 500, 'internal');
    },
  };
  return handlers;
}

/** The portal's handlers, as {@link createHandlers} makes them. */
export type Handlers = ReturnType<typeof createHandlers>;
