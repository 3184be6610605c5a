import { createHash } from 'node:crypto';

/**
 * The portal's only styling, inline and allowed by its hash: it must stay byte-for-byte what the hash covers, and
 * no `style=` attribute may appear (CSP blocks them). Colours meet WCAG 2.2 AA (4.5:1) on their backgrounds;
 * the layout works from 320 px up; wide tables scroll inside their own focusable box.
 */
export const STYLE = `*,*::before,*::after{box-sizing:border-box}
html{color-scheme:light;-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:#1a1a1a;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:break-word}
.skip{position:absolute;left:.5rem;top:-10rem;z-index:1;background:#fff;color:#0b3d91;padding:.5rem 1rem;border:2px solid #0b3d91}
.skip:focus{top:.5rem}
.page{max-width:60rem;margin:0 auto;padding:0 1rem}
header{border-bottom:1px solid #767676;padding:.75rem 0;margin-bottom:1rem}
.bar{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem 1rem}
.service{margin:0;font-weight:700;font-size:1.125rem}
.service a{color:#1a1a1a;text-decoration:none}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}
nav.main{margin-top:.75rem}
a{color:#0b3d91;text-decoration:underline}
a[aria-current]{font-weight:700;text-decoration:none;border-bottom:3px solid #0b3d91}
h1{font-size:1.625rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.25rem;line-height:1.3;margin:0 0 .25rem}
h3{font-size:1.0625rem;margin:1.25rem 0 .5rem}
section.register,article.consent{border:1px solid #767676;border-radius:4px;padding:1rem;margin:0 0 1.25rem}
article.consent h3{margin-top:0}
.muted{color:#4a4a4a}
.notice{border:2px solid #1e6b34;background:#eaf6ec;padding:.75rem 1rem;margin:0 0 1rem}
.unavailable{border:2px solid #7a5c00;background:#fff4c2;padding:.75rem 1rem;margin:.5rem 0}
.error{border:2px solid #a00000;padding:.75rem 1rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.25rem 1rem;margin:.5rem 0}
dt{font-weight:600}
dd{margin:0}
@media (max-width:30rem){dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}}
.table-wrap{overflow-x:auto;margin:.5rem 0 1rem}
table{border-collapse:collapse;width:100%;min-width:18rem}
caption{text-align:left;font-weight:600;padding:0 0 .25rem}
th,td{text-align:left;vertical-align:top;padding:.375rem .5rem;border-bottom:1px solid #a0a0a0}
thead th{border-bottom:2px solid #1a1a1a}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
ul.items{margin:0;padding-left:1.25rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1rem 0 0}
form{margin:0}
button,.button{display:inline-block;min-height:2.75rem;padding:.5rem 1rem;font:inherit;font-weight:700;line-height:1.6;border-radius:4px;cursor:pointer;text-align:center}
button,.button.secondary{color:#0b3d91;background:#fff;border:2px solid #0b3d91}
.button{color:#fff;background:#0b3d91;border:2px solid #0b3d91;text-decoration:none}
button.primary{color:#fff;background:#0b3d91}
button.primary:hover{background:#08306f}
label{display:block;font-weight:700}
textarea{display:block;width:100%;font:inherit;padding:.5rem;border:2px solid #4a4a4a;border-radius:4px;margin:.25rem 0}
textarea[aria-invalid=true]{border-color:#a00000}
textarea:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.field{margin:1rem 0}
.report{margin:1rem 0 0}
.report ul{display:inline-flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}
.text{white-space:pre-wrap;border-left:4px solid #767676;padding:.25rem .75rem;margin:.5rem 0}
article.request{border:1px solid #767676;border-radius:4px;padding:1rem;margin:0 0 1.25rem}
article.request h2{margin-top:0}
ol.conversation{list-style:none;margin:0;padding:0}
ol.conversation li{margin:0 0 .75rem}
ol.conversation li[data-from=CASEWORKER] .text{border-left-color:#0b3d91;background:#f2f5fb}
.who{margin:0;font-weight:600}
button.danger{color:#fff;background:#a00000;border-color:#a00000}
button:hover{background:#e8eef9}
button.danger:hover{background:#7d0000}
.vh{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
a:focus-visible,button:focus-visible,.table-wrap:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
main:focus{outline:none}
footer{border-top:1px solid #767676;margin-top:2rem;padding:1rem 0}
code{font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
`;

/** The CSP source that allows exactly {@link STYLE} (CSP Level 3 hash-source). */
export const STYLE_CSP_SOURCE = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/**
 * The portal's Content-Security-Policy: no script at all, the one inline style by hash, forms only to the portal
 * and the issuer (Chrome applies form-action to the redirects after a form POST: sign-out ends at the issuer).
 */
export function contentSecurityPolicy(issuerOrigin: string): string {
  if (!/^https?:\/\/[^\s;,'/]+$/.test(issuerOrigin)) throw new TypeError(`contentSecurityPolicy: "issuerOrigin" must be an origin, got ${JSON.stringify(issuerOrigin)}`);
  return `default-src 'none'; style-src ${STYLE_CSP_SOURCE}; img-src 'self'; form-action 'self' ${issuerOrigin}; frame-ancestors 'none'; base-uri 'none'`;
}
