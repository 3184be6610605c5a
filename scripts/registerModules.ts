import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RegisterModule } from '../lib/subgraph/registerModule.js';
import type { SubgraphEntry } from '../lib/subgraphRegistry.js';

/** Where the registry's module paths start: the repository root under tsx, `dist/` once built. */
const CODE_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Imports the `RegisterModule` of every registry entry that has one (the consent service runs its own): the export
 * whose `register` is the entry's name. `codeRoot` is another copy of the tree in tests.
 */
export async function loadRegisterModules(entries: readonly SubgraphEntry[], codeRoot: string = CODE_ROOT): Promise<RegisterModule<unknown>[]> {
  const modules: RegisterModule<unknown>[] = [];
  for (const entry of entries) {
    if (entry.module === undefined) continue;
    // Built, the module is the .js the registry names; from source (tsx, Jest) it is the .ts beside that name.
    const built = join(codeRoot, entry.module);
    const file = existsSync(built) ? built : built.replace(/\.js$/, '.ts');
    const exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const found = Object.values(exports).find((value): value is RegisterModule<unknown> =>
      typeof value === 'object' && value !== null && (value as { register?: unknown }).register === entry.name && 'typeDefs' in value);
    if (!found) throw new TypeError(`${entry.module} exports no RegisterModule whose register is "${entry.name}"`);
    modules.push(found);
  }
  return modules;
}
