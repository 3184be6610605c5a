import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { spawnInHost, type HostProcess } from './hostProcess.js';
import type { Teardown } from './teardown.js';

/** Debian's PostgreSQL 15 programs (the `postgresql-15` package). */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

/** Whether this machine can run a PostgreSQL server of its own for a test (the binaries and a `postgres` user). */
export function canRunPrivatePostgres(): { ok: boolean; reason?: string } {
  if (!existsSync(join(POSTGRES_BIN, 'initdb')) || !existsSync(join(POSTGRES_BIN, 'postgres'))) return { ok: false, reason: `no ${POSTGRES_BIN}/initdb and postgres` };
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) return { ok: false, reason: 'no postgres user' };
  return { ok: true };
}

/** A PostgreSQL server of the test's own. */
export interface PrivatePostgres {
  readonly process: HostProcess;
  /** `postgres://postgres@<address>:<port>/<database>` */
  url(database: string): string;
  /** Creates databases (owned by postgres). */
  createDatabases(names: readonly string[]): Promise<void>;
}

/**
 * initdb in a new temporary folder (owned by the `postgres` user, trust authentication from `subnet` only), then
 * `postgres` as that user inside `namespace`, listening on `address` only. The teardown stops it (immediate) and
 * removes the folder.
 */
export async function startPrivatePostgres(teardown: Teardown, options: { namespace: string; address: string; subnet: string; port?: number }): Promise<PrivatePostgres> {
  const port = options.port ?? 5432;
  const dir = mkdtempSync(join(tmpdir(), 'hub-hosts-pg-'));
  const data = join(dir, 'data');
  teardown.add({ name: `postgres folder ${dir}`, kind: 'remove', path: dir });
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const asPostgres = (args: string[]) => spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8', cwd: dir });
  const init = asPostgres([join(POSTGRES_BIN, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr}`);
  // Only the hosts of the test's own subnet may connect (initdb's trust lines cover the namespace's loopback).
  appendFileSync(join(data, 'pg_hba.conf'), `host all all ${options.subnet} trust\n`);
  const proc = spawnInHost(teardown, options.namespace, 'postgres', [
    'runuser', '-u', 'postgres', '--', join(POSTGRES_BIN, 'postgres'), '-D', data,
    '-c', `listen_addresses=${options.address}`, '-c', `port=${port}`, '-c', `unix_socket_directories=${dir}`,
    // A throwaway server: durability of a crash of this machine is not what is tested.
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300',
  ], process.env);
  // Before the SIGKILL of its process group (steps run newest first): an immediate stop, as a crash would.
  teardown.add({ name: 'postgres server', kind: 'command', argv: ['runuser', '-u', 'postgres', '--', join(POSTGRES_BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', '-t', '10', 'stop'], optional: true });
  const url = (database: string) => `postgres://postgres@${options.address}:${port}/${database}`;
  const started = Date.now();
  for (;;) {
    if (proc.exitCode !== undefined) throw new Error(`postgres exited (${proc.exitCode}):\n${proc.output}`);
    const client = new pg.Client({ connectionString: url('postgres'), connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() - started > 30_000) throw new Error(`postgres did not answer within 30 s (${(error as Error).message}):\n${proc.output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return {
    process: proc,
    url,
    async createDatabases(names) {
      const client = new pg.Client({ connectionString: url('postgres'), connectionTimeoutMillis: 3000 });
      await client.connect();
      try {
        for (const name of names) {
          if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError(`database name ${JSON.stringify(name)}`);
          await client.query(`create database ${name}`);
        }
      } finally {
        await client.end();
      }
    },
  };
}
