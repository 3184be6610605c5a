import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { Supergraph } from '@apollo/federation-internals';
import { createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { signAccessToken } from '../../consent/accessTokens.js';
import { startGateway } from '../../gateway/start.js';
import { loadSigningKey } from '../../lib/keys.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import { loadableSupergraph } from '../../schema/gatewaySupergraph.js';

/** A GraphQL answer as a client reads it. */
export interface GraphQLAnswer {
  data?: unknown;
  errors?: ReadonlyArray<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>;
}

/** Something that answers GraphQL queries on one supergraph. */
export interface QueryTarget {
  query(query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer>;
  stop(): Promise<void>;
}

/** Options of {@link startHubPipeline}. */
export interface HubPipelineOptions {
  /** The supergraph as composed (security `@link`s and all). */
  readonly supergraphSdl: string;
  /** URL of each subgraph by its name in the supergraph. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** Scopes of the token every query is sent with. */
  readonly scopes: readonly string[];
  /** More gateway configuration (limits, timeouts), as environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  readonly logger?: Logger;
}

/**
 * The hub's gateway, started by `startGateway()` as in production, on another supergraph: every query goes over HTTP
 * with a citizen's bearer token and through the whole request pipeline (token check, rate limit, request reading,
 * trusted documents, validation and limits, field authorization, planning, the subgraph transport with internal
 * credentials, response completion, disclosure recording). Dev mode on a temporary hub home: the citizen's own client
 * may send ad-hoc documents, as the audit's queries are.
 */
export async function startHubPipeline(options: HubPipelineOptions): Promise<QueryTarget & { readonly url: string }> {
  const home = mkdtempSync(join(tmpdir(), 'hub-conformance-'));
  const documents = join(home, 'trusted-documents');
  mkdirSync(documents);
  const issuerPair = await generateKeyPair('ES256', { extractable: true });
  const env: Record<string, string> = {
    HUB_MODE: 'dev',
    HUB_HOME: home,
    GATEWAY_PORT: '0',
    ISSUER_URL: 'https://issuer.conformance.invalid',
    GATEWAY_AUDIENCE: 'https://hub.conformance.invalid/graphql',
    CONSENT_DATABASE_URL: `sqlite:${join(home, 'consent.sqlite')}`,
    // No client has registered documents on a foreign graph; the citizen's own client may send its own in dev mode.
    TRUSTED_DOCUMENTS_DIR: documents,
    ISSUER_PRIVATE_JWK: JSON.stringify({ ...(await exportJWK(issuerPair.privateKey)), kid: 'conformance' }),
    ...options.env,
  };
  const issuerKey = await loadSigningKey({ env, variable: 'ISSUER_PRIVATE_JWK', devFile: 'unused', alg: 'ES256' });
  const logger = options.logger ?? createLogger({ service: 'gateway', level: 'fatal' });
  let gateway;
  try {
    gateway = await startGateway(env, {
      logger,
      keySet: createLocalJWKSet({ keys: [issuerKey.publicJwk] }),
      supergraphSdl: options.supergraphSdl,
      subgraphUrls: options.subgraphUrls,
    });
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  const token = await signAccessToken(issuerKey, {
    issuer: env.ISSUER_URL!,
    audience: env.GATEWAY_AUDIENCE!,
    subject: 'conformance-subject',
    clientId: 'citizen-portal',
    scopes: [...options.scopes],
    ttlSeconds: 3600,
  });
  const url = gateway.url;
  return {
    url,
    async query(query, variables) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLAnswer;
    },
    async stop() {
      await gateway.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * A bare `@apollo/gateway` (the version the hub wraps) in an `@apollo/server`, with nothing of the hub: the reference
 * answers. It loads the supergraph less its security `@link`s, which it refuses (GUIDE.md), and enforces nothing.
 */
export async function startBareGateway(options: { readonly supergraphSdl: string }): Promise<QueryTarget> {
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  const gateway = new ApolloGateway({ supergraphSdl: loadableSupergraph(options.supergraphSdl), logger: silentLogger });
  const server = new ApolloServer({ gateway, logger: silentLogger, includeStacktraceInErrorResponses: false });
  await server.start();
  return {
    async query(query, variables) {
      const response = await server.executeOperation({ query, variables });
      if (response.body.kind !== 'single') throw new TypeError('bare gateway: incremental delivery is not expected');
      return JSON.parse(JSON.stringify(response.body.singleResult)) as GraphQLAnswer;
    },
    async stop() {
      await server.stop();
    },
  };
}

/** Each subgraph's URL as the supergraph names it (`@join__graph(name:, url:)`). */
export function subgraphUrlsOf(supergraphSdl: string): Record<string, string> {
  const supergraph = Supergraph.build(loadableSupergraph(supergraphSdl));
  return Object.fromEntries([...supergraph.subgraphs().values()].map((subgraph) => [subgraph.name, subgraph.url]));
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };
