import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../lib/subgraphRegistry.js';
import { scaffoldRegister } from './scaffoldRegister.js';

// `npm run new-register -- <name> [--root <dir>]`: scaffolds subgraphs/<name>/ in the shape of the four registers,
// its scope in schema/scopes.json and its entry in subgraphs/registry.json; then `npm run compose`. Exit 2 on misuse.

const USAGE = 'usage: npm run new-register -- <name> [--root <dir>]';
try {
  const { values, positionals } = parseArgs({ options: { root: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new TypeError('name exactly one register');
  const result = scaffoldRegister(resolve(values.root ?? REPO_ROOT), positionals[0]!);
  process.stdout.write([
    `new register ${result.name}: port ${result.port} (${result.name.toUpperCase()}_PORT), scope ${result.scope}`,
    ...result.files.map((file) => `  wrote ${file}`),
    '  added its scope to schema/scopes.json and its entry to subgraphs/registry.json',
    'next: edit its schema and seed, then `npm run compose` and `npm run check-subgraph -- ' + result.name + '`',
  ].join('\n') + '\n');
} catch (error) {
  process.stderr.write(`new-register: ${(error as Error).message}\n${USAGE}\n`);
  process.exitCode = 2;
}
