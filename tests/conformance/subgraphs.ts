import { createServer, type Server } from 'node:http';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse, type GraphQLSchema } from 'graphql';
import { close, listen } from '../support/http.js';

/** One subgraph of a test supergraph: its SDL and resolvers (`@apollo/subgraph`'s). */
export interface TestSubgraph {
  readonly name: string;
  readonly typeDefs: string;
  readonly resolvers: Record<string, unknown>;
}

/** Test subgraphs served over HTTP on free ports, and the supergraph composed from them. */
export interface ServedSubgraphs {
  readonly supergraphSdl: string;
  readonly urls: Readonly<Record<string, string>>;
  /** Stops one subgraph (its fields' register "down"). */
  stopOne(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Serves each subgraph as a small GraphQL-over-HTTP server (graphql-js on `buildSubgraphSchema`) and composes them. */
export async function serveSubgraphs(subgraphs: readonly TestSubgraph[]): Promise<ServedSubgraphs> {
  const servers = new Map<string, Server>();
  const urls: Record<string, string> = {};
  try {
    for (const subgraph of subgraphs) {
      const schema = buildSubgraphSchema({ typeDefs: parse(subgraph.typeDefs), resolvers: subgraph.resolvers as never });
      const server = createServer((req, res) => void answer(schema, req, res));
      servers.set(subgraph.name, server);
      urls[subgraph.name] = `${await listen(server)}/graphql`;
    }
  } catch (error) {
    await Promise.all([...servers.values()].map((server) => close(server)));
    throw error;
  }
  const composed = composeServices(subgraphs.map((s) => ({ name: s.name, typeDefs: parse(s.typeDefs), url: urls[s.name] })));
  if (composed.errors) {
    await Promise.all([...servers.values()].map((server) => close(server)));
    throw new Error(`test supergraph does not compose: ${composed.errors.map((e) => e.message).join('; ')}`);
  }
  return {
    supergraphSdl: composed.supergraphSdl,
    urls,
    async stopOne(name) {
      const server = servers.get(name);
      servers.delete(name);
      if (server) await close(server);
    },
    async stop() {
      await Promise.all([...servers.values()].map((server) => close(server)));
      servers.clear();
    },
  };
}

async function answer(schema: GraphQLSchema, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const result = await graphql({ schema, source: query, variableValues: variables, operationName });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(result));
}
