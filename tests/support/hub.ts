import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signAccessToken } from '../../consent/accessTokens.js';
import { startConsentServer } from '../../consent/server.js';
import { loadIssuerKey } from '../../consent/issuerKeys.js';
import { startGateway } from '../../gateway/start.js';
import { devPartnerEntries } from './partners.js';
import { writeTrustedDocuments } from '../../scripts/devTrustedDocuments.js';
import { loadSecret } from '../../lib/keys.js';
import type { Logger } from '../../lib/logger.js';
import { personIdFor, PSEUDONYM_KEY_DEV_FILE, PSEUDONYM_KEY_VARIABLE } from '../../lib/personId.js';
import { startSubgraph, type RunningService } from '../../lib/subgraph/start.js';
import { startRequestsService } from '../../requests/server.js';
import { scopeCatalogue } from '../../schema/scopes.js';
import { educationModule } from '../../subgraphs/education/module.js';
import { populationModule } from '../../subgraphs/population/module.js';
import { taxModule } from '../../subgraphs/tax/module.js';
import { vehiclesModule } from '../../subgraphs/vehicles/module.js';
import { readResponse, type RawResponse } from './http.js';

/** A persona of data/personas.json. */
export interface TestPersona {
  personalIdentityCode: string;
  firstNames: string;
  lastName: string;
  tags: string[];
}

/** The committed personas. */
export const personas: TestPersona[] = JSON.parse(readFileSync(new URL('../../data/personas.json', import.meta.url), 'utf8'));

/** The first persona with `tag`. */
export function personaWith(tag: string): TestPersona {
  const persona = personas.find((p) => p.tags.includes(tag));
  if (!persona) throw new Error(`no persona tagged ${tag}`);
  return persona;
}

/** Every scope of the catalogue: what the citizen portal gets. */
export const ALL_SCOPES = scopeCatalogue().map((entry) => entry.scope);

/** A whole hub started in-process on free ports, with its own temporary hub home. */
export interface TestHub {
  readonly env: Record<string, string>;
  readonly gatewayUrl: string;
  readonly subgraphs: Record<string, RunningService>;
  /** A token as `npm run token` would print it. */
  token(persona: string, options?: { scopes?: readonly string[]; ttlSeconds?: number; clientId?: string }): Promise<string>;
  /** The hub's person id of a persona (what tokens and credentials carry). */
  personId(persona: string): Promise<string>;
  /** POSTs a GraphQL query to the gateway. */
  query(token: string | null, query: string, variables?: Record<string, unknown>): Promise<RawResponse>;
  stop(): Promise<void>;
}

/** Options for {@link startTestHub}. */
export interface TestHubOptions {
  env?: Record<string, string>;
  /** A logger for every service (tests of log output pass one that writes to memory). */
  logger?: Logger;
  persons?: number;
  /** Partners registered besides the dev registry's demo-bank (written to a PARTNERS_FILE in the hub home). */
  partners?: ReadonlyArray<Record<string, unknown>>;
  /**
   * Operations registered for clients besides the committed ones (`gateway/trusted-documents/`), by client id: a
   * partner runs only these. Written to a TRUSTED_DOCUMENTS_DIR in the hub home.
   */
  trustedDocuments?: Readonly<Record<string, readonly string[]>>;
}

/** Starts issuer, four subgraphs and gateway in this process, seeded with the personas plus a few persons. */
export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const home = mkdtempSync(join(tmpdir(), 'hub-test-'));
  const env: Record<string, string> = {
    HUB_MODE: 'dev',
    HUB_HOME: home,
    HUB_SEED_PERSONS: String(options.persons ?? 20),
    AUTH_PORT: '0',
    POPULATION_PORT: '0',
    TAX_PORT: '0',
    VEHICLES_PORT: '0',
    EDUCATION_PORT: '0',
    REQUESTS_PORT: '0',
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  if (options.partners?.length) {
    const file = join(home, 'partners.json');
    writeFileSync(file, JSON.stringify([...devPartnerEntries(), ...options.partners]));
    env.PARTNERS_FILE ??= file;
  }
  if (options.trustedDocuments) env.TRUSTED_DOCUMENTS_DIR ??= writeTrustedDocuments(join(home, 'trusted-documents'), options.trustedDocuments);
  const services: RunningService[] = [];
  const overrides = options.logger ? { logger: options.logger } : {};
  try {
    // The audience is the gateway's resource identifier, fixed before the issuer starts (the gateway's own port is 0).
    env.GATEWAY_AUDIENCE ??= 'http://127.0.0.1:4000/graphql';
    const issuer = await startConsentServer(env, overrides);
    services.push(issuer);
    env.ISSUER_URL ??= issuer.url;
    env.CONSENT_URL ??= `${issuer.url}/graphql`;
    const modules = { population: populationModule, tax: taxModule, vehicles: vehiclesModule, education: educationModule };
    const subgraphs: Record<string, RunningService> = {};
    for (const [name, module] of Object.entries(modules)) {
      const service = await startSubgraph(module as never, env, overrides);
      services.push(service);
      subgraphs[name] = service;
      env[`${name.toUpperCase()}_URL`] ??= service.url;
    }
    const requests = await startRequestsService(env, overrides);
    services.push(requests);
    subgraphs.requests = requests;
    env.REQUESTS_URL ??= requests.url;
    const gateway = await startGateway(env, overrides);
    services.push(gateway);
    const issuerKey = await loadIssuerKey(env);
    const pseudonymKey = await loadSecret(env, PSEUDONYM_KEY_VARIABLE, PSEUDONYM_KEY_DEV_FILE);
    const personId = async (persona: string) => personIdFor(persona, pseudonymKey);
    return {
      env,
      gatewayUrl: gateway.url,
      subgraphs,
      personId,
      token: async (persona, tokenOptions = {}) =>
        signAccessToken(issuerKey, {
          issuer: env.ISSUER_URL!,
          audience: env.GATEWAY_AUDIENCE!,
          subject: await personId(persona),
          clientId: tokenOptions.clientId ?? 'citizen-portal',
          scopes: tokenOptions.scopes ?? ALL_SCOPES,
          ttlSeconds: tokenOptions.ttlSeconds ?? 300,
        }),
      async query(token, query, variables) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (token !== null) headers.authorization = `Bearer ${token}`;
        return readResponse(await fetch(gateway.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) }));
      },
      async stop() {
        for (const service of [...services].reverse()) await service.stop();
        rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const service of [...services].reverse()) await service.stop().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
}

