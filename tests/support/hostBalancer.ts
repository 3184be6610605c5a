import { mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnInHost, type HostProcess } from './hostProcess.js';
import type { Teardown } from './teardown.js';

/** One balanced service: where it listens, and its servers (name -> `address:port`). */
export interface BalancedService {
  readonly name: string;
  /** `address:port` pairs HAProxy binds. */
  readonly binds: readonly string[];
  readonly servers: Readonly<Record<string, string>>;
  /** How long a server may take to answer before the request is retried on the other one. */
  readonly serverTimeoutMs: number;
}

/** A running HAProxy with an admin socket. */
export interface Balancer {
  readonly process: HostProcess;
  /** `show stat` as rows keyed by column (`pxname`, `svname`, `status`, `wretr`, `wredis`, `econ`, `eresp`, ...). */
  stats(): Promise<Array<Record<string, string>>>;
}

/**
 * The load balancer in front of the hosts (HAProxy in HTTP mode, this machine's namespace): round robin, each server
 * checked on `/readyz` every 300 ms (out after two failures, back after two successes), and a request that could not
 * be delivered (no connection, the connection closed with no response, no response in time) retried up to three
 * times, each retry on another server (`option redispatch 1`). Only failures before any response are retried: a
 * response, whatever its status, goes to the client as is. `x-served-by` names the server that answered.
 */
export function startBalancer(teardown: Teardown, haproxy: string, services: readonly BalancedService[]): Balancer {
  const dir = mkdtempSync(join(tmpdir(), 'hub-hosts-lb-'));
  teardown.add({ name: `balancer folder ${dir}`, kind: 'remove', path: dir });
  const socket = join(dir, 'admin.sock');
  const lines = [
    'global',
    '  maxconn 4000',
    `  stats socket ${socket} mode 600 level admin`,
    'defaults',
    '  mode http',
    '  option http-buffer-request', // the whole request is held, so that it can be sent again
    '  timeout connect 1s',
    '  timeout client 60s',
    '  timeout check 1s',
    '  timeout http-request 10s',
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response junk-response response-timeout',
  ];
  for (const service of services) {
    lines.push(`frontend ${service.name}`, ...service.binds.map((bind) => `  bind ${bind}`), `  default_backend ${service.name}`);
    lines.push(
      `backend ${service.name}`,
      '  balance roundrobin',
      `  timeout server ${service.serverTimeoutMs}ms`,
      '  option httpchk GET /readyz',
      '  http-check expect status 200',
      '  http-response set-header x-served-by %s',
      '  default-server inter 300ms fall 2 rise 2',
      ...Object.entries(service.servers).map(([name, address]) => `  server ${name} ${address} check`),
    );
  }
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const proc = spawnInHost(teardown, null, 'balancer', [haproxy, '-db', '-f', file], process.env);
  return { process: proc, stats: () => showStat(socket) };
}

/**
 * A host's sidecar (HAProxy in TCP mode inside the host's namespace): forwards ports on the host's own loopback to
 * addresses elsewhere, so that a service reaches the issuer and the balancer at `http://127.0.0.1:<port>`, the one
 * issuer identifier every host, the balancer and the citizen's browser share (dev mode takes plain http only on
 * loopback; a deployment uses https names instead).
 */
export function startSidecar(teardown: Teardown, haproxy: string, namespace: string, name: string, forwards: Readonly<Record<number, string>>): HostProcess {
  const dir = mkdtempSync(join(tmpdir(), 'hub-hosts-sidecar-'));
  teardown.add({ name: `sidecar folder ${dir}`, kind: 'remove', path: dir });
  const lines = ['global', '  maxconn 2000', 'defaults', '  mode tcp', '  timeout connect 2s', '  timeout client 60s', '  timeout server 60s'];
  for (const [port, target] of Object.entries(forwards)) {
    lines.push(`listen forward_${port}`, `  bind 127.0.0.1:${port}`, `  server target ${target}`);
  }
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return spawnInHost(teardown, namespace, name, [haproxy, '-db', '-f', file], process.env);
}

/** `show stat` on an admin socket, parsed from its CSV. */
function showStat(socket: string): Promise<Array<Record<string, string>>> {
  return new Promise((resolve, reject) => {
    let text = '';
    const connection = createConnection(socket, () => connection.write('show stat\n'));
    connection.setTimeout(3000, () => connection.destroy(new Error('no answer from the HAProxy admin socket')));
    connection.on('data', (chunk) => (text += chunk.toString()));
    connection.on('error', reject);
    connection.on('close', () => {
      const [header = '', ...rows] = text.trim().split('\n');
      const columns = header.replace(/^# /, '').split(',');
      resolve(rows.filter(Boolean).map((row) => Object.fromEntries(row.split(',').map((value, i) => [columns[i] ?? String(i), value]))));
    });
  });
}
