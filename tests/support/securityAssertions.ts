import { expect } from '@jest/globals';
import type { RawResponse } from './http.js';
import { personas, type TestPersona } from './hub.js';

// Assertions the security suites (tests/security/) share: every refusal is checked by its exact code, and every
// response, refused or not, by what it must never hold (a register value, a stack trace, an internal address).

/** The register values of a persona a response could leak: identity code and names (data/personas.json). */
export function registerValues(who: TestPersona | readonly TestPersona[] = personas): string[] {
  const list = Array.isArray(who) ? who : [who as TestPersona];
  return list.flatMap((p) => [p.personalIdentityCode, p.firstNames, p.lastName]);
}

/** No persona's identity code or names anywhere in `text` (all personas unless `who` narrows it). */
export function expectNoRegisterValues(text: string, who: TestPersona | readonly TestPersona[] = personas): void {
  for (const value of registerValues(who)) expect(text).not.toContain(value);
}

/** Nothing of the server's insides: no stack frame, source path, stack trace extension, or SQL. */
export function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\n\s+at |\bat [\w.<>]+ \(|stacktrace|node_modules|\/work\/|\.ts:\d+|\.js:\d+/i);
  expect(text).not.toMatch(/\bSELECT\b.+\bFROM\b|\bINSERT INTO\b|SQLITE_|syntax error at or near/);
}

/** The `extensions.code` of every GraphQL error of a response, in order. */
export function errorCodes(response: RawResponse): string[] | undefined {
  return response.body?.errors?.map((e: { extensions?: { code?: string } }) => e.extensions?.code);
}

/**
 * A GraphQL request refused as a whole: the HTTP status, exactly one error with `code`, no `data`, and neither a
 * register value nor the server's insides in the body.
 */
export function expectGraphQLRefusal(response: RawResponse, status: number, code: string): void {
  expect({ status: response.status, codes: errorCodes(response) }).toEqual({ status, codes: [code] });
  expect(response.body.data).toBeUndefined();
  expectNoRegisterValues(response.text);
  expectNoInternals(response.text);
}

/** A refused access token (CONTRACT.md): 401, a `WWW-Authenticate` challenge, UNAUTHENTICATED, nothing else. */
export function expectUnauthenticated(response: RawResponse, challenge: RegExp = /^(Bearer|DPoP) /): void {
  expectGraphQLRefusal(response, 401, 'UNAUTHENTICATED');
  expect(response.headers.get('www-authenticate') ?? '').toMatch(challenge);
}

/** An OAuth error response (RFC 6749 §5.2): the status, the `error` code, JSON, no token, no register value. */
export function expectOAuthError(response: RawResponse, status: number, error: string): void {
  expect({ status: response.status, error: response.body?.error }).toEqual({ status, error });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body.access_token).toBeUndefined();
  expectNoRegisterValues(response.text);
  expectNoInternals(response.text);
}

/**
 * An authorization error response sent back through the browser (RFC 6749 §4.1.2.1): a 303 to `redirectUri` with
 * `error`, the issuer (RFC 9207) and no code. Returns the callback URL.
 */
export function expectAuthorizationError(response: RawResponse, redirectUri: string, error: string, issuer: string): URL {
  expect(response.status).toBe(303);
  const location = response.headers.get('location');
  expect(location).toEqual(expect.any(String));
  const callback = new URL(location!, issuer);
  // oidc-provider answers in the fragment when the response type would put tokens there; we expect the query.
  const params = callback.hash ? new URLSearchParams(callback.hash.slice(1)) : callback.searchParams;
  expect({ target: `${callback.origin}${callback.pathname}`, error: params.get('error'), iss: params.get('iss'), code: params.get('code') })
    .toEqual({ target: redirectUri, error, iss: issuer, code: null });
  expectNoRegisterValues(response.text + location!);
  return callback;
}

/**
 * An error page of the authorization server (never a redirect): the status, HTML, the stable code shown in the
 * page, and neither a register value nor the server's insides.
 */
export function expectErrorPage(response: RawResponse, status: number, code: string): void {
  expect({ status: response.status, location: response.headers.get('location') }).toEqual({ status, location: null });
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.text).toContain(`<code>${code}</code>`);
  expectNoRegisterValues(response.text);
  expectNoInternals(response.text);
}
