import type { SubgraphName } from '../lib/config.js';
import type { Readiness } from '../lib/http/service.js';
import type { AccessTokenKeysStatus } from '../lib/tokens/accessToken.js';

/** Collaborators of {@link createGatewayReadiness}. */
export interface GatewayReadinessOptions {
  /** The issuer's keys (the verifier's `keys()`): stale keys mean no token can be accepted. */
  issuerKeys: () => Promise<AccessTokenKeysStatus>;
  /** The consent database, where every partner request's consent is checked and every disclosure recorded. */
  consentDatabase: () => Promise<boolean>;
  subgraphUrls: Readonly<Record<SubgraphName, string>>;
  /** SHA-256 of the supergraph in service (gateway/supergraphReloader.ts), so operators see which one each process runs. */
  supergraphHash?: () => string;
  /** Subgraph `/readyz` fetch; tests swap it. */
  fetch?: typeof fetch;
}

/**
 * The gateway's `/readyz`: ready when it can serve, that is when the issuer's keys are fresh, the consent database
 * answers and every subgraph (the four registers and the consent service) answers its own `/readyz`. The issuer
 * itself is not asked: while its keys are fresh, tokens it issued can still be verified. `checks` names each
 * dependency's state, never an address.
 */
export function createGatewayReadiness(options: GatewayReadinessOptions): () => Promise<Readiness> {
  const doFetch = options.fetch ?? fetch;
  return async function readiness(): Promise<Readiness> {
    const [keys, database, subgraphs] = await Promise.all([
      options.issuerKeys(),
      options.consentDatabase().catch(() => false),
      subgraphStates(options.subgraphUrls, doFetch),
    ]);
    const ready = keys.state !== 'stale' && database && Object.values(subgraphs).every((state) => state === 'ready');
    return {
      ready,
      checks: {
        issuerKeys: keys.state, issuerKeysAgeSeconds: keys.ageSeconds, consentDatabase: database ? 'up' : 'down', subgraphs,
        ...(options.supergraphHash ? { supergraph: options.supergraphHash() } : {}),
      },
    };
  };
}

/** Each subgraph's `/readyz`, asked at once, 2 s at most. */
async function subgraphStates(urls: Readonly<Record<SubgraphName, string>>, doFetch: typeof fetch): Promise<Record<string, 'ready' | 'not ready'>> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      try {
        const response = await doFetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        return [name, response.ok ? 'ready' : 'not ready'] as const;
      } catch {
        return [name, 'not ready'] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
