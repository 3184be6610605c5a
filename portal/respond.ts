import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Language } from '../lib/web/language.js';
import type { Session } from './session.js';

/** One request as the portal's handlers see it. */
export interface PortalContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The request URL resolved against the portal's public URL (never the Host header). */
  readonly url: URL;
  /** The page's own path and query without `lang`, which language links and sign-in returns use. */
  readonly path: string;
  session: Session | undefined;
  readonly lang: Language;
  /** `Set-Cookie` values to send with the response. */
  readonly cookies: string[];
  /**
   * The response the handlers made, written by the server only after the session is saved: the browser's next
   * request may reach another replica, which must find the session as this one left it.
   */
  response?: PortalResponse;
}

/** A response made by a handler and not yet written. */
export interface PortalResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Headers every portal response carries: nothing cached (personal data), no framing, no sniffing. */
export function securityHeaders(options: { csp: string; secure: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': options.csp,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on the portal's own form POSTs.
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
  if (options.secure) headers['strict-transport-security'] = 'max-age=31536000';
  return headers;
}

/** Makes the request's response (written by {@link writeResponse} once the session is saved); one per request. */
export function send(ctx: PortalContext, status: number, headers: Record<string, string>, body: string): void {
  if (ctx.response) throw new TypeError(`send: a response (${ctx.response.status}) was already made for this request`);
  ctx.response = { status, headers, body };
}

/** Writes the response the handlers made, with the context's cookies. */
export function writeResponse(ctx: PortalContext): void {
  const { status, headers, body } = ctx.response ?? { status: 500, headers: {}, body: '' };
  if (ctx.cookies.length > 0) ctx.res.setHeader('set-cookie', ctx.cookies);
  ctx.res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  ctx.res.end(body);
}

/** A 303 See Other (after a POST, or to another site), carrying the context's cookies. */
export function redirect(ctx: PortalContext, location: string | URL, headers: Record<string, string> = {}): void {
  send(ctx, 303, { ...headers, location: String(location), 'cache-control': 'no-store' }, '');
}

/** A portal path safe to return to after sign-in: same origin, not an auth route; anything else is `/`. */
export function safeReturnPath(value: string | null | undefined): string {
  if (typeof value !== 'string' || value.length > 512 || !/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return '/';
  if (/^\/(login|callback|logout)\b/.test(value)) return '/';
  return value;
}
