import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The haproxy binary (Debian's package, installed by .ci/run), or undefined when this machine has none. */
export function findHaproxy(): string | undefined {
  for (const candidate of ['haproxy', '/usr/sbin/haproxy']) {
    if (spawnSync(candidate, ['-v'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

/** Options for {@link startHaproxy}. */
export interface HaproxyOptions {
  binary: string;
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** Backends on 127.0.0.1, by name. */
  servers: Readonly<Record<string, number>>;
  /** Health check interval; a server is out after one failed `/readyz`, back after two good ones. */
  checkIntervalMs?: number;
}

/** A running HAProxy. */
export interface RunningHaproxy {
  readonly child: ChildProcess;
  output: string;
  stop(): Promise<void>;
}

/**
 * HAProxy in front of `servers`, round robin, checking each server's `/readyz` (what a Kubernetes Service does with
 * readiness), on loopback only. Each response names the server that answered in `x-served-by`. No retries and no
 * redispatch: a request lost by a stopping server would show as lost, not be hidden by a second try.
 */
export function startHaproxy(options: HaproxyOptions): RunningHaproxy {
  const dir = mkdtempSync(join(tmpdir(), 'hub-haproxy-'));
  const inter = options.checkIntervalMs ?? 200;
  const config = [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    // A check that is slow (a busy machine) is not a failed one: only an answer other than 200 takes a server out.
    '  timeout check 5s',
    '  retries 0',
    'frontend hub',
    `  bind 127.0.0.1:${options.port}`,
    '  default_backend gateways',
    'backend gateways',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  http-response set-header x-served-by %s',
    `  default-server inter ${inter}ms fall 1 rise 2`,
    ...Object.entries(options.servers).map(([name, port]) => `  server ${name} 127.0.0.1:${port} check`),
    '',
  ].join('\n');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child = spawn(options.binary, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const proxy: RunningHaproxy = {
    child,
    output: '',
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const keep = (chunk: Buffer) => {
    proxy.output = (proxy.output + chunk.toString()).slice(-10_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return proxy;
}
