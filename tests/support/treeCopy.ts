import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT, readSubgraphRegistry } from '../../lib/subgraphRegistry.js';

/** A temporary copy of what composition reads, so a test may change schemas, the registry or scopes freely. */
export interface TreeCopy {
  readonly root: string;
  remove(): void;
}

/**
 * Copies the subgraph registry, the scope catalogue, every subgraph's schema and the committed supergraph into a
 * temporary root (the real tree is never changed). `linkCode` also links `lib/`, `schema/*.ts` callers'
 * `node_modules` and `package.json`, so code written into the copy (a scaffolded register) imports the real `lib/`.
 */
export function copySchemaTree(options: { linkCode?: boolean } = {}): TreeCopy {
  const root = mkdtempSync(join(tmpdir(), 'hub-tree-'));
  const files = ['subgraphs/registry.json', 'schema/scopes.json', 'schema/supergraph.graphql', ...readSubgraphRegistry().map((entry) => entry.schema)];
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(join(REPO_ROOT, file), join(root, file));
  }
  if (options.linkCode) {
    for (const name of ['lib', 'node_modules', 'package.json']) symlinkSync(join(REPO_ROOT, name), join(root, name));
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
