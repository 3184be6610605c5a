import { createHash } from 'node:crypto';
import { STYLE as PORTAL_STYLE } from '../../portal/pages/style.js';

/**
 * The console's only styling: the portal's (the same accessible look, WCAG 2.2 AA colours) and a few rules of its
 * own, inline and allowed by its hash; no `style=` attribute anywhere (the CSP blocks them).
 */
export const STYLE = `${PORTAL_STYLE}.signed-in-as{margin:0;color:#4a4a4a}
select{font:inherit;min-height:2.75rem;padding:.25rem .5rem;border:2px solid #4a4a4a;border-radius:4px;background:#fff;color:#1a1a1a}
select:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
section.status-group{margin:0 0 1.5rem}
a.case{white-space:nowrap}
.excerpt{display:block;max-width:28rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.case-actions{display:grid;gap:1.5rem;margin-top:1.5rem}
.case-actions form{border:1px solid #767676;border-radius:4px;padding:1rem}
.case-actions h2{margin-top:0}
`;

/** The CSP source that allows exactly {@link STYLE}. */
export const STYLE_CSP_SOURCE = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/** The console's Content-Security-Policy: no script at all, the one style by hash, forms to itself and the issuer. */
export function contentSecurityPolicy(issuerOrigin: string): string {
  if (!/^https?:\/\/[^\s;,'/]+$/.test(issuerOrigin)) throw new TypeError(`contentSecurityPolicy: "issuerOrigin" must be an origin, got ${JSON.stringify(issuerOrigin)}`);
  return `default-src 'none'; style-src ${STYLE_CSP_SOURCE}; img-src 'self'; form-action 'self' ${issuerOrigin}; frame-ancestors 'none'; base-uri 'none'`;
}
