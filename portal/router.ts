import type { Logger } from '../lib/logger.js';
import type { Handlers } from './handlers.js';
import type { PortalContext } from './respond.js';

const CONSENT_ACTION = /^\/consents\/([^/]+)\/(revoke|receipt)$/;

/** A fixed label for the request log: the consent id in a path is not logged. */
export function routeName(path: string): string | undefined {
  const action = CONSENT_ACTION.exec(path)?.[2];
  if (action) return `/consents/:id/${action}`;
  return ['/', '/login', '/callback', '/logout', '/consents', '/disclosures', '/download'].includes(path) ? path : undefined;
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
