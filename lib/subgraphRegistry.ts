import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One subgraph of the hub as `subgraphs/registry.json` lists it. */
export interface SubgraphEntry {
  readonly name: string;
  /** Default port; `portVariable` changes it. */
  readonly port: number;
  /** `<NAME>_PORT` unless the entry says otherwise (the consent service shares the issuer's `AUTH_PORT`). */
  readonly portVariable: string;
  /** `<NAME>_URL`: where the gateway reaches it when it does not run on its default address. */
  readonly urlVariable: string;
  /** Its SDL, relative to the repository root. */
  readonly schema: string;
  /** Its `RegisterModule` (relative to the root, `.js` as TypeScript imports name it); absent for the consent service. */
  readonly module?: string;
}

/** The repository root (the folder of package.json), from lib/ under tsx and from dist/lib/ once built. */
export const REPO_ROOT: string = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

/** Where the registry lives under a root. */
export function registryPath(root: string = REPO_ROOT): string {
  return join(root, 'subgraphs', 'registry.json');
}

const NAME = /^[a-z][a-z0-9]{1,30}$/;

/**
 * Reads and validates `subgraphs/registry.json`: the one list of subgraphs that composition, `npm start`, the
 * gateway and the subgraph runner read, so that a register joins by one entry (data) rather than code edits.
 */
export function readSubgraphRegistry(root: string = REPO_ROOT): readonly SubgraphEntry[] {
  const file = registryPath(root);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TypeError(`${file}: ${(error as Error).message}`);
  }
  const list = (raw as { subgraphs?: unknown } | null)?.subgraphs;
  if (!Array.isArray(list) || list.length === 0) throw new TypeError(`${file}: expected { "subgraphs": [ ... ] }`);
  const entries = list.map((item: any, index): SubgraphEntry => {
    const where = `${file}: subgraphs[${index}]`;
    if (typeof item?.name !== 'string' || !NAME.test(item.name)) throw new TypeError(`${where}: "name" must be a lower-case name like "tax"`);
    if (!Number.isInteger(item.port) || item.port < 1 || item.port > 65535) throw new TypeError(`${where} (${item.name}): "port" must be a TCP port`);
    if (typeof item.schema !== 'string' || item.schema === '') throw new TypeError(`${where} (${item.name}): "schema" must be a path`);
    if (item.module !== undefined && (typeof item.module !== 'string' || !item.module.endsWith('.js'))) {
      throw new TypeError(`${where} (${item.name}): "module" must be a path ending in .js`);
    }
    const upper = item.name.toUpperCase();
    return Object.freeze({
      name: item.name,
      port: item.port,
      portVariable: typeof item.portVariable === 'string' ? item.portVariable : `${upper}_PORT`,
      urlVariable: `${upper}_URL`,
      schema: item.schema,
      ...(item.module === undefined ? {} : { module: item.module }),
    });
  });
  for (const key of ['name', 'port'] as const) {
    const seen = new Set<unknown>();
    for (const entry of entries) {
      if (seen.has(entry[key])) throw new TypeError(`${file}: ${key} ${entry[key]} is listed twice`);
      seen.add(entry[key]);
    }
  }
  return Object.freeze(entries);
}
