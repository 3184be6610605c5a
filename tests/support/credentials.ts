import { subgraphAudience, type Register } from '../../lib/config.js';
import { loadSigningKey } from '../../lib/keys.js';
import { createInternalCredentialMinter, INTERNAL_KEY_SOURCE, type Party } from '../../lib/tokens/internalCredential.js';

/** Mints internal credentials as the gateway of a test hub would, for direct subgraph tests. */
export async function gatewayCredentials(env: Record<string, string>) {
  const key = await loadSigningKey({ env, variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
  const mint = createInternalCredentialMinter({ key });
  return (register: Register, subject: string, scopes: readonly string[], party: Party = 'citizen') =>
    mint(subgraphAudience(register), { subject, scopes: new Set(scopes), party, clientId: party === 'citizen' ? 'citizen-portal' : 'demo-bank' });
}

/** POSTs a GraphQL body straight to a subgraph. */
export async function callSubgraph(url: string, authorization: string | null, query: string, variables?: Record<string, unknown>) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization) headers.authorization = authorization;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}
