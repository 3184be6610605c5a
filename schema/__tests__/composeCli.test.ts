import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../../lib/subgraphRegistry.js';
import { copySchemaTree, type TreeCopy } from '../../tests/support/treeCopy.js';

// `npm run compose` itself, on a temporary copy of the tree (`--root`): the real subgraphs and supergraph stay as they are.

const run = promisify(execFile);
let tree: TreeCopy | undefined;
afterEach(() => tree?.remove());

async function compose(root: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'schema/compose.ts', '--root', root], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run compose', () => {
  it('fails on a subgraph schema with a data field guarded by @authenticated alone, and writes nothing', async () => {
    tree = copySchemaTree();
    const file = join(tree.root, 'subgraphs/tax/schema.graphql');
    const before = readFileSync(join(tree.root, 'schema/supergraph.graphql'), 'utf8');
    writeFileSync(file, readFileSync(file, 'utf8').replace('type Person @key(fields: "id") {', 'type Person @key(fields: "id") {\n  taxOfficeNote: String @authenticated'));
    const { code, stderr } = await compose(tree.root);
    expect(code).toBe(1);
    expect(stderr).toContain('[tax] Person.taxOfficeNote: is guarded by @authenticated alone; a data field needs @requiresScopes with scopes of its register');
    expect(readFileSync(join(tree.root, 'schema/supergraph.graphql'), 'utf8')).toBe(before);
  }, 30_000);

  it('writes the same supergraph as the committed one for an unchanged copy', async () => {
    tree = copySchemaTree();
    const { code, stdout } = await compose(tree.root);
    expect(code).toBe(0);
    expect(stdout).toContain(join(tree.root, 'schema/supergraph.graphql'));
    expect(readFileSync(join(tree.root, 'schema/supergraph.graphql'), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'schema/supergraph.graphql'), 'utf8'));
  }, 30_000);
});
