import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

// The console is a client of the hub like the portal: it reaches the cases only through the gateway's API and
// the authorization server, never by importing their code; it shares the portal's web plumbing (console/README.md).

const root = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === '__tests__') return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('console imports', () => {
  it('only console/, lib/, portal/ and libraries', () => {
    const files = sources(root);
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) {
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
        if (!target!.startsWith('.')) continue;
        const resolved = join(file, '..', target!).slice(join(root, '..').length);
        expect(`${file.slice(root.length)} -> ${resolved}`).toMatch(/ -> \/(console|portal|lib)\//);
      }
    }
  });
});
