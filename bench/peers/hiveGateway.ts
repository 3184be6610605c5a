import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { credentialHeader, readSupergraphs, withSubgraphUrls } from '../workloads.js';

// Peer 2: Hive Gateway's runtime (what the `hive-gateway` CLI serves, one process, no fork) on node:http, on the
// committed supergraph as it is: it loads the @authenticated/@requiresScopes links and, with no auth plugin
// configured, enforces neither. The registers' internal credentials come from the load generator in
// `x-bench-credential-<register>` and go on to each register as `authorization` (propagateHeaders), so the registers
// do the same work as behind the hub (its in-flight deduplication is off for that reason too). Env: BENCH_PORT, BENCH_SUBGRAPH_URLS (JSON: register -> URL).
const port = Number(process.env.BENCH_PORT);
const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS ?? '{}') as Record<string, string>;

const runtime = createGatewayRuntime({
  supergraph: withSubgraphUrls(readSupergraphs().committed, urls),
  logging: 'warn',
  landingPage: false,
  graphiql: false,
  // Off: with one persona every request is identical, so Hive's default merging of identical in-flight subgraph calls
  // would answer most of them from another request's call, which real traffic (different people) never allows.
  transportEntries: { '*': { options: { deduplicateInflightRequests: false } } },
  propagateHeaders: {
    fromClientToSubgraphs({ request, subgraphName }) {
      const credential = request.headers.get(credentialHeader(subgraphName));
      return credential ? { authorization: `Bearer ${credential}` } : {};
    },
  },
});
const server = createServer(runtime);
server.listen(port, '127.0.0.1', () => process.stdout.write(`hive-gateway peer listening on ${port}\n`));
