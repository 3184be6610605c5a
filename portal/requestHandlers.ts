import type { HandlerKit, HandlerOptions } from './handlerKit.js';
import { HubClientError } from './hubClient.js';
import { renderAskPage, type AskError } from './pages/askPage.js';
import { renderRequestsPage } from './pages/requestsPage.js';
import { renderSentPage } from './pages/sentPage.js';
import { MAX_REQUEST_LENGTH, reportableItem } from './requestModel.js';
import { redirect, type PortalContext } from './respond.js';

/**
 * The largest request form read: 4,000 characters of text may take up to 12 bytes each once percent-encoded, so
 * a text just over the limit still reaches the API and comes back with its own message, text kept.
 */
export const REQUEST_FORM_LIMIT = 64 * 1024;
/** Case numbers as they may appear in a path; anything else is not found without asking the hub. */
const CASE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Which refusal the citizen sees for text the API called BAD_USER_INPUT. */
function inputError(text: string): Exclude<AskError, 'rateLimited'> {
  if (text.trim() === '') return 'empty';
  return text.length > MAX_REQUEST_LENGTH ? 'tooLong' : 'refused';
}

/** `/requests…`: Ask or report, the result page, My requests with answers and "wrong place". */
export function createRequestHandlers(options: HandlerOptions, kit: HandlerKit) {
  const { hub } = options;
  const { html, error, withHub, checkedForm } = kit;
  const askPath = (about: string | undefined) => (about === undefined ? '/requests/new' : `/requests/new?about=${encodeURIComponent(about)}`);

  return {
    async ask(ctx: PortalContext): Promise<void> {
      // Only the items of the Report an error links may be attached; anything else opens the plain box.
      const about = reportableItem(ctx.url.searchParams.get('about'));
      await withHub(ctx, async (_token, session) => {
        html(ctx, 200, renderAskPage({ lang: ctx.lang, path: ctx.path, csrfToken: session.csrfToken, about }));
      });
    },

    async submit(ctx: PortalContext): Promise<void> {
      const form = await checkedForm(ctx, REQUEST_FORM_LIMIT);
      if (!form) return;
      const text = form.get('text') ?? '';
      const about = reportableItem(form.get('about'));
      // After an expired token the citizen signs in and comes back to the box (the authorization server asks nothing).
      await withHub(ctx, async (token, session) => {
        try {
          session.sent = await hub.submitRequest(token, text, about);
        } catch (failure) {
          if (!(failure instanceof HubClientError) || (failure.code !== 'BAD_USER_INPUT' && failure.code !== 'RATE_LIMITED')) throw failure;
          // Refused: the box again, the reason beside it and the citizen's text kept.
          const limited = failure.code === 'RATE_LIMITED';
          if (limited && failure.retryAfterSeconds !== undefined) ctx.res.setHeader('retry-after', String(failure.retryAfterSeconds));
          const page = renderAskPage({ lang: ctx.lang, path: askPath(about), csrfToken: session.csrfToken, about, text, error: limited ? 'rateLimited' : inputError(text) });
          return html(ctx, limited ? 429 : 400, page);
        }
        redirect(ctx, '/requests/sent');
      }, askPath(about));
    },

    async sent(ctx: PortalContext): Promise<void> {
      await withHub(ctx, async (_token, session) => {
        if (session.sent === undefined) return redirect(ctx, '/requests');
        html(ctx, 200, renderSentPage({ lang: ctx.lang, path: ctx.path, csrfToken: session.csrfToken, receipt: session.sent }));
      });
    },

    async list(ctx: PortalContext): Promise<void> {
      await withHub(ctx, async (token, session) => {
        const requests = await hub.requests(token);
        const notice = session.notice?.kind === 'answered' || session.notice?.kind === 'disputed' ? session.notice : undefined;
        if (notice) session.notice = undefined;
        html(ctx, 200, renderRequestsPage({ lang: ctx.lang, path: ctx.path, csrfToken: session.csrfToken, requests, notice }));
      });
    },

    async answer(ctx: PortalContext, id: string): Promise<void> {
      const form = await checkedForm(ctx, REQUEST_FORM_LIMIT);
      if (!form) return;
      if (!CASE_ID.test(id)) return error(ctx, 404, 'notFound');
      const text = form.get('text') ?? '';
      await withHub(ctx, async (token, session) => {
        try {
          await hub.answerRequest(token, id, text);
        } catch (failure) {
          if (!(failure instanceof HubClientError) || failure.code !== 'BAD_USER_INPUT') throw failure;
          const requests = await hub.requests(token);
          const page = renderRequestsPage({ lang: ctx.lang, path: '/requests', csrfToken: session.csrfToken, requests, answerError: { id, error: inputError(text), text } });
          return html(ctx, 400, page);
        }
        session.notice = { kind: 'answered' };
        redirect(ctx, '/requests');
      }, '/requests');
    },

    async dispute(ctx: PortalContext, id: string): Promise<void> {
      if (!(await checkedForm(ctx))) return;
      if (!CASE_ID.test(id)) return error(ctx, 404, 'notFound');
      await withHub(ctx, async (token, session) => {
        await hub.disputeRoute(token, id);
        session.notice = { kind: 'disputed' };
        redirect(ctx, '/requests');
      }, '/requests');
    },
  };
}
