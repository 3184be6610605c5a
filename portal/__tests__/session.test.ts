import { describe, expect, it } from '@jest/globals';
import { readPortalConfig } from '../config.js';
import { readCookies, setCookie } from '../cookies.js';
import { safeReturnPath } from '../respond.js';

describe('cookies and return paths', () => {
  it('writes HttpOnly, SameSite=Lax, Path=/ cookies, Secure when asked', () => {
    expect(setCookie('portal_session', 'abc', { secure: false })).toBe('portal_session=abc; Path=/; HttpOnly; SameSite=Lax');
    expect(setCookie('__Host-portal_session', '', { secure: true, maxAgeSeconds: 0 })).toBe('__Host-portal_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure');
    expect(() => setCookie('a', 'b;c', { secure: false })).toThrow(TypeError);
    expect(readCookies('a=1; b=2; a=3')).toEqual(new Map([['a', '1'], ['b', '2']]));
  });

  it('returns only to portal paths after sign-in', () => {
    expect(safeReturnPath('/consents')).toBe('/consents');
    expect(safeReturnPath('/disclosures?before=12')).toBe('/disclosures?before=12');
    for (const hostile of ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/login', '/callback?code=x', '/a b', null, undefined]) {
      expect(safeReturnPath(hostile)).toBe('/');
    }
  });
});

describe('readPortalConfig', () => {
  it('reads ports and URLs with defaults, frozen', () => {
    const config = readPortalConfig({});
    expect(config).toMatchObject({ port: 4200, publicUrl: 'http://127.0.0.1:4200', issuer: 'http://127.0.0.1:4100', gatewayUrl: 'http://127.0.0.1:4000/graphql', secureCookies: false });
    expect(Object.isFrozen(config)).toBe(true);
    expect(readPortalConfig({ PORTAL_URL: 'https://omat.example.fi/', GATEWAY_PORT: '5000' })).toMatchObject({ publicUrl: 'https://omat.example.fi', secureCookies: true, gatewayUrl: 'http://127.0.0.1:5000/graphql' });
  });

  it('refuses plain http outside this machine, and http for the portal in production', () => {
    expect(() => readPortalConfig({ ISSUER_URL: 'http://issuer.example' })).toThrow(new TypeError('ISSUER_URL must be https (plain http only for 127.0.0.1 or localhost), got "http://issuer.example"'));
    expect(() => readPortalConfig({ GATEWAY_URL: 'not a url' })).toThrow(new TypeError('GATEWAY_URL must be an absolute URL, got "not a url"'));
    expect(() => readPortalConfig({ HUB_MODE: 'production' })).toThrow(/PORTAL_URL must be https in production mode/);
    expect(() => readPortalConfig({ PORTAL_PORT: 'x' })).toThrow(TypeError);
  });
});
