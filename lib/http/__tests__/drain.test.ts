import { request, Agent } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '../../logger.js';
import { beginDrain, endDrainForTests } from '../drain.js';
import { close, createService, listen, sendJson } from '../service.js';
import { Writable } from 'node:stream';

const quiet = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

afterEach(() => endDrainForTests());

/** A GET through `agent`, resolving with the status, the Connection header, the body and whether the socket was reused. */
function get(port: number, path: string, agent: Agent): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('draining (SIGTERM, lib/process.ts)', () => {
  it('fails /readyz, keeps serving with Connection: close, lets the request in flight finish, then closes every connection', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const server = createService({
      logger: quiet,
      ready: async () => true,
      routes: {
        '/slow': async (_req, res) => {
          await released;
          sendJson(res, 200, { done: true });
        },
        '/fast': async (_req, res) => sendJson(res, 200, { ok: true }),
      },
    });
    const port = await listen(server, '127.0.0.1', 0);
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    try {
      expect((await get(port, '/readyz', agent)).status).toBe(200);
      const before = await get(port, '/fast', agent);
      expect(before.connection).toBe('keep-alive');
      const slow = get(port, '/slow', agent);
      await new Promise((resolve) => setTimeout(resolve, 50));

      beginDrain();
      const readyz = await get(port, '/readyz', agent);
      expect(readyz).toMatchObject({ status: 503, connection: 'close' });
      expect(JSON.parse(readyz.body)).toEqual({ status: 'draining' });
      expect((await get(port, '/healthz', agent)).status).toBe(200);
      // Still serving during the drain, but each answer closes its connection.
      expect(await get(port, '/fast', agent)).toMatchObject({ status: 200, connection: 'close' });

      // The drain is over: close. The request in flight (on a keep-alive connection opened before the drain) finishes.
      let closed = false;
      const closing = close(server, 5000).then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(closed).toBe(false);
      release();
      const releasedAt = Date.now();
      expect(await slow).toMatchObject({ status: 200, body: '{"done":true}' });
      await closing;
      expect(Date.now() - releasedAt).toBeLessThan(1000);
      // Its keep-alive connection was closed too, well before the 5 s grace or the 65 s keep-alive timeout.
      expect(server.listening).toBe(false);
      await expect(get(port, '/fast', new Agent())).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      agent.destroy();
      if (server.listening) server.closeAllConnections();
    }
  });
});
