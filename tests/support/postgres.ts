import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database made for one test run, and how to get rid of it. */
export interface FreshPostgresDatabase {
  url: string;
  drop(): Promise<void>;
}

const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Creates a uniquely named database (`hub_test_<random>`) on the first PostgreSQL server found: `TEST_DATABASE_URL`,
 * else a server on 127.0.0.1:5432, else a testcontainers PostgreSQL when a Docker engine answers. With none, it
 * warns loudly and returns null, so the caller skips; with `CI=true` it throws instead, as nothing may be skipped there.
 */
export async function freshPostgresDatabase(): Promise<FreshPostgresDatabase | null> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured) return createDatabase(configured, async () => undefined); // configured but down is an error, not a skip
  if (await answers(LOCAL_SERVER)) return createDatabase(LOCAL_SERVER, async () => undefined);
  const container = await startContainer();
  if (container) return createDatabase(container.url, container.stop);
  const reason = 'no TEST_DATABASE_URL, no server on 127.0.0.1:5432 and no Docker engine for testcontainers';
  if (process.env.CI === 'true') throw new Error(`PostgreSQL tests cannot run: ${reason} (CI=true forbids skipping)`);
  console.warn(`\n*** SKIPPED: PostgreSQL tests (${reason}) ***\n`);
  return null;
}

async function createDatabase(serverUrl: string, stopServer: () => Promise<void>): Promise<FreshPostgresDatabase> {
  const name = `hub_test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await withClient(serverUrl, async (client) => {
        // Pools left open by a failed test would block the drop.
        await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        await client.query(`drop database if exists ${name}`);
      });
      await stopServer();
    },
  };
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await withClient(url, (client) => client.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

async function startContainer(): Promise<{ url: string; stop(): Promise<void> } | null> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient(); // throws when no Docker engine is reachable
  } catch {
    return null;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:16-alpine').start();
  return { url: container.getConnectionUri(), stop: async () => void (await container.stop()) };
}
