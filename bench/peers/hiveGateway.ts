import { createServer } from 'node:http';
import { createGatewayRuntime, type GatewayConfigSupergraph } from '@graphql-hive/gateway';
import { credentialHeader, readSupergraphs, withSubgraphUrls } from '../workloads.js';

// Peers 2 and 3: Hive Gateway's runtime (what the `hive-gateway` CLI serves, one process, no fork) on node:http, on
// the committed supergraph as it is: it loads the @authenticated/@requiresScopes links and, with no auth plugin
// configured, enforces neither. `BENCH_HIVE_PLANNER=rust` plugs in the Rust query planner of Hive Router
// (`@graphql-hive/router-runtime`'s `unifiedGraphHandler`, what the CLI's `--hive-router-runtime` does); otherwise
// the default JavaScript planner runs. The registers' internal credentials come from the load generator in
// `x-bench-credential-<register>` and go on to each register as `authorization` (propagateHeaders), so the registers
// do the same work as behind the hub (its in-flight deduplication is off for that reason too).
// Env: BENCH_PORT, BENCH_SUBGRAPH_URLS (JSON: register -> URL), BENCH_HIVE_PLANNER (`javascript` | `rust`).
const port = Number(process.env.BENCH_PORT);
const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS ?? '{}') as Record<string, string>;
const planner = process.env.BENCH_HIVE_PLANNER ?? 'javascript';
if (planner !== 'javascript' && planner !== 'rust') throw new TypeError(`BENCH_HIVE_PLANNER must be javascript or rust, got ${JSON.stringify(planner)}`);

const config: GatewayConfigSupergraph = {
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
};
if (planner === 'rust') config.unifiedGraphHandler = (await import('@graphql-hive/router-runtime')).unifiedGraphHandler;
const runtime = createGatewayRuntime(config);
const server = createServer(runtime);
server.listen(port, '127.0.0.1', () => process.stdout.write(`hive-gateway peer (${planner} query planner) listening on ${port}\n`));
