import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { createSubgraphTransport, SubgraphCallFailed, type SubgraphTransport } from '../subgraphTransport.js';

// The gateway's calls to the registers: keep-alive pools, a deadline over the whole call, and a failure named by
// what went wrong (out of time, no connection, a broken answer), never by an address.

const servers: Server[] = [];
let transport: SubgraphTransport | undefined;

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: URL; connections: () => number }> {
  const server = createServer(handler);
  let connections = 0;
  server.on('connection', () => (connections += 1));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`), connections: () => connections };
}

async function failure(promise: Promise<unknown>): Promise<SubgraphCallFailed> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof SubgraphCallFailed)) throw new Error(`expected SubgraphCallFailed, got ${String(error)}`);
  return error;
}

afterEach(() => {
  transport?.close();
  transport = undefined;
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('createSubgraphTransport', () => {
  it('posts the body with its headers and reads the whole answer, reusing pooled connections for calls in turn', async () => {
    const seen: { method?: string; headers: IncomingMessage['headers']; body: string }[] = [];
    const { url, connections } = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        // A subgraph of the hub says it takes batches of calls (lib/subgraph/batchProtocol.ts): the first two do not.
        res.writeHead(200, { 'content-type': 'application/json', ...(seen.length > 2 ? { 'hub-batch': '1' } : {}) });
        // Written in two parts, so the answer arrives in more than one chunk.
        res.write('{"data":{"me":{"firstNames":"Äi');
        res.end('nö"}}}');
      });
    });
    transport = createSubgraphTransport();
    for (let i = 0; i < 6; i += 1) {
      await expect(transport.post(url, '{"query":"{ me { firstNames } }"}', { 'content-type': 'application/json', authorization: 'Bearer t' }, 1000))
        .resolves.toEqual({ status: 200, body: '{"data":{"me":{"firstNames":"Äinö"}}}', acceptsBatches: i >= 2 });
    }
    expect(seen).toHaveLength(6);
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"query":"{ me { firstNames } }"}' });
    expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer t', 'content-length': '33' });
    // A call made as the previous answer ends may find that connection not yet free and take a second one; never more.
    expect(connections()).toBeLessThanOrEqual(2);
  });

  it('returns any status with its body: judging it is the caller\'s part', async () => {
    const { url } = await serve((_req, res) => {
      res.statusCode = 502;
      res.end('<html>502 Bad Gateway</html>');
    });
    transport = createSubgraphTransport();
    await expect(transport.post(url, '{}', {}, 1000)).resolves.toEqual({ status: 502, body: '<html>502 Bad Gateway</html>', acceptsBatches: false });
  });

  it('fails with TIMEOUT when no answer comes within the deadline', async () => {
    const { url } = await serve(() => undefined);
    transport = createSubgraphTransport();
    const started = Date.now();
    expect((await failure(transport.post(url, '{}', {}, 200))).failure).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('fails with TIMEOUT when the answer starts but does not finish within the deadline', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
    });
    transport = createSubgraphTransport();
    expect((await failure(transport.post(url, '{}', {}, 200))).failure).toBe('TIMEOUT');
  });

  it('fails with UNAVAILABLE when nothing listens, and says nothing of the address', async () => {
    const { url } = await serve(() => undefined);
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    transport = createSubgraphTransport();
    const error = await failure(transport.post(url, '{}', {}, 1000));
    expect(error.failure).toBe('UNAVAILABLE');
    expect(error.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });

  it('fails with BROKEN when the connection drops in the middle of the answer', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"data":', () => res.destroy());
    });
    transport = createSubgraphTransport();
    expect((await failure(transport.post(url, '{}', {}, 1000))).failure).toBe('BROKEN');
  });

  it('refuses bad options with a TypeError naming the option', () => {
    expect(() => createSubgraphTransport({ maxSockets: 0 })).toThrow(new TypeError('createSubgraphTransport: "maxSockets" must be a positive integer, got 0'));
    expect(() => createSubgraphTransport({ idleTimeoutMs: -1 })).toThrow(/"idleTimeoutMs" must be a positive integer, got -1/);
  });
});
