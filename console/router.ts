import type { Logger } from '../lib/logger.js';
import type { PortalContext } from '../portal/respond.js';
import type { ConsoleHandlers } from './handlers.js';

const CASE_PAGE = /^\/cases\/([^/]+)$/;
const CASE_ACTION = /^\/cases\/([^/]+)\/(reply|resolve|move)$/;

/** A fixed label for the request log: no case number is logged. */
export function routeName(path: string): string | undefined {
  const action = CASE_ACTION.exec(path)?.[2];
  if (action) return `/cases/:id/${action}`;
  if (CASE_PAGE.test(path)) return '/cases/:id';
  return ['/', '/login', '/callback', '/logout'].includes(path) ? path : undefined;
}

/** Dispatches a request by path and method to the console's handlers. */
export function createRouter(handlers: ConsoleHandlers) {
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
    }
    const page = CASE_PAGE.exec(path);
    if (page) return get(() => handlers.casePage(ctx, page[1]!));
    const action = CASE_ACTION.exec(path);
    if (action) {
      const id = action[1]!;
      const verb = action[2] as 'reply' | 'resolve' | 'move';
      return post(() => handlers[verb](ctx, id));
    }
    handlers.notFound(ctx);
  };
}
