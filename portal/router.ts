import type { Logger } from '../lib/logger.js';
import type { Handlers } from './handlers.js';
import type { PortalContext } from './respond.js';

const CONSENT_ACTION = /^\/consents\/([^/]+)\/(revoke|receipt)$/;
const REQUEST_ACTION = /^\/requests\/([^/]+)\/(answer|dispute)$/;
const PATHS = ['/', '/login', '/callback', '/logout', '/consents', '/disclosures', '/download', '/requests', '/requests/new', '/requests/sent', '/.well-known/jwks.json'];

/** A fixed label for the request log: the consent id in a path is not logged. */
export function routeName(path: string): string | undefined {
  const action = CONSENT_ACTION.exec(path)?.[2];
  if (action) return `/consents/:id/${action}`;
  const requestAction = REQUEST_ACTION.exec(path)?.[2];
  if (requestAction) return `/requests/:id/${requestAction}`;
  return PATHS.includes(path) ? path : undefined;
}

/** Dispatches a request by path and method to the portal's handlers. */
export function createRouter(handlers: Handlers) {
  return async function route(ctx: PortalContext, scope: { logger: Logger }): Promise<void> {
    const path = ctx.url.pathname;
    const method = ctx.req.method === 'HEAD' ? 'GET' : ctx.req.method;
    const get = (handler: () => Promise<void>) => (method === 'GET' ? handler() : handlers.methodNotAllowed(ctx, 'GET, HEAD'));
    const post = (handler: () => Promise<void>) => (method === 'POST' ? handler() : handlers.methodNotAllowed(ctx, 'POST'));
    switch (path) {
      case '/': return get(() => handlers.home(ctx));
      case '/login': return get(() => handlers.login(ctx));
      case '/callback': return get(() => handlers.callback(ctx, scope));
      case '/logout': return post(() => handlers.logout(ctx));
      case '/consents': return get(() => handlers.consents(ctx));
      case '/disclosures': return get(() => handlers.disclosures(ctx));
      case '/download': return get(() => handlers.download(ctx));
      case '/.well-known/jwks.json': return get(async () => handlers.jwks(ctx));
      case '/requests/new': return get(() => handlers.requests.ask(ctx));
      case '/requests/sent': return get(() => handlers.requests.sent(ctx));
      case '/requests':
        if (method === 'GET') return handlers.requests.list(ctx);
        if (method === 'POST') return handlers.requests.submit(ctx);
        return handlers.methodNotAllowed(ctx, 'GET, HEAD, POST');
    }
    const requestAction = REQUEST_ACTION.exec(path);
    if (requestAction) {
      const id = requestAction[1]!; // not decoded: a case number is letters, digits and dashes, anything else is not found
      return post(() => (requestAction[2] === 'answer' ? handlers.requests.answer(ctx, id) : handlers.requests.dispute(ctx, id)));
    }
    const action = CONSENT_ACTION.exec(path);
    if (action) {
      const id = action[1]!; // not decoded: a consent id is a UUID, anything else is not found
      if (action[2] === 'receipt') return get(() => handlers.receipt(ctx, id));
      if (method === 'GET') return handlers.revokeConfirmation(ctx, id);
      if (method === 'POST') return handlers.revoke(ctx, id);
      return handlers.methodNotAllowed(ctx, 'GET, HEAD, POST');
    }
    handlers.notFound(ctx);
  };
}
