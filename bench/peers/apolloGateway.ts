import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { IncomingHttpHeaders } from 'node:http';
import { credentialHeader, readSupergraphs, withSubgraphUrls } from '../workloads.js';

// Peer 1: a bare @apollo/gateway, the way its documentation runs it (ApolloServer + startStandaloneServer), on the
// same supergraph as the hub (the loadable copy: @apollo/gateway refuses the committed one's SECURITY links) and
// with no security of its own. The registers still demand their internal credential: the load generator sends one
// per register in `x-bench-credential-<register>`, and this gateway forwards it as `authorization`, so the
// registers do the same work for every gateway and only the hub spends time on security.
// Env: BENCH_PORT, BENCH_SUBGRAPH_URLS (JSON: register -> URL).
process.env.APOLLO_TELEMETRY_DISABLED = '1';
const port = Number(process.env.BENCH_PORT);
const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS ?? '{}') as Record<string, string>;

interface PeerContext {
  headers: IncomingHttpHeaders;
}

const gateway = new ApolloGateway({
  supergraphSdl: withSubgraphUrls(readSupergraphs().loadable, urls),
  buildService: ({ name, url }) =>
    new RemoteGraphQLDataSource<PeerContext & Record<string, any>>({
      url,
      willSendRequest({ request, context }) {
        const credential = context.headers?.[credentialHeader(name)];
        if (typeof credential === 'string') request.http?.headers.set('authorization', `Bearer ${credential}`);
      },
    }),
});
const server = new ApolloServer<PeerContext>({
  gateway,
  introspection: false,
  plugins: [
    ApolloServerPluginLandingPageDisabled(),
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginSchemaReportingDisabled(),
    ApolloServerPluginInlineTraceDisabled(),
    ApolloServerPluginCacheControlDisabled(),
  ],
});
await startStandaloneServer(server, { listen: { host: '127.0.0.1', port }, context: async ({ req }) => ({ headers: req.headers }) });
process.stdout.write(`apollo-gateway peer listening on ${port}\n`);
