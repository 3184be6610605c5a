import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

// The portal is a client of the hub like any other: it reaches the registers only through the gateway's API and
// the authorization server, never by importing their code (portal/README.md, "May import").

const root = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === '__tests__') return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('portal imports', () => {
  it('only lib/, schema/scopes and libraries', () => {
    const files = sources(root);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
        if (!target!.startsWith('.')) continue;
        const resolved = join(file, '..', target!).slice(join(root, '..').length);
        expect(`${file.slice(root.length)} -> ${resolved}`).toMatch(/ -> \/(portal|lib)\/|-> \/schema\/scopes\.js$/);
      }
    }
  });
});
