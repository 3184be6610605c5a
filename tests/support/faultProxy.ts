import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to each GraphQL request (`/readyz` and `/healthz` always pass, except under `reset`). */
export type FaultMode =
  | { kind: 'pass' }
  /** Holds each request this long before passing it on. */
  | { kind: 'slow'; delayMs: number }
  /** Answers 200 `application/json` with a body that is not JSON, as a broken deploy behind a load balancer might. */
  | { kind: 'garbage' }
  /** Cuts every connection without an answer (health checks included): the register's host is gone. */
  | { kind: 'reset' };

/** A fault-injecting HTTP proxy in front of one real service. */
export interface FaultProxy {
  readonly url: string;
  set(mode: FaultMode): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port that forwards to `target` (an origin) in the current {@link FaultMode}. */
export async function startFaultProxy(target: URL): Promise<FaultProxy> {
  let mode: FaultMode = { kind: 'pass' };
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server = createServer((req, res) => {
    const health = req.url === '/readyz' || req.url === '/healthz';
    const current = mode;
    if (current.kind === 'reset') return void req.socket.destroy();
    if (health || current.kind === 'pass') return forward(req, res);
    if (current.kind === 'garbage') {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('<html><body>502 Bad Gateway</body></html>');
    }
    const timer = setTimeout(() => forward(req, res), current.delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    set(next) {
      mode = next;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
