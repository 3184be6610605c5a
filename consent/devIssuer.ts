import { DEFAULT_PORTS, readHost, readIssuer, readMode, readPort, type Env } from '../lib/config.js';
import { close, createService, listen, sendJson } from '../lib/http/service.js';
import { createLogger, type Logger } from '../lib/logger.js';
import type { RunningService } from '../lib/subgraph/start.js';
import { loadIssuerKey } from './issuerKeys.js';

/**
 * The minimal token issuer that stands in for the authorization and consent server: it publishes its
 * discovery document and signing keys at the contract's address, and `npm run token` signs with its key.
 */
export async function startDevIssuer(env: Env, overrides: { logger?: Logger } = {}): Promise<RunningService> {
  const mode = readMode(env);
  const logger = overrides.logger ?? createLogger({ service: 'auth' });
  const key = await loadIssuerKey(env);
  const host = readHost(env);
  const port = readPort(env, 'AUTH_PORT', DEFAULT_PORTS.AUTH_PORT);
  // With port 0 (tests) the issuer identifier is known only once the port is bound.
  let issuer = readIssuer(env);
  const discovery = () => ({
    issuer,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: [key.alg],
    authorization_response_iss_parameter_supported: true,
  });
  const server = createService({
    logger,
    ready: async () => true,
    routes: {
      '/.well-known/openid-configuration': async (_req, res) => sendJson(res, 200, discovery(), { 'cache-control': 'public, max-age=300' }),
      '/jwks': async (_req, res) => sendJson(res, 200, { keys: [key.publicJwk] }, { 'cache-control': 'public, max-age=300' }),
    },
  });
  const bound = await listen(server, host, port);
  if (!env.ISSUER_URL) issuer = `http://${host}:${bound}`;
  logger.info({ port: bound, mode }, 'issuer listening');
  return { name: 'auth', port: bound, url: issuer, stop: () => close(server) };
}
