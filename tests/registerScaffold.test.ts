import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readSubgraphRegistry, REPO_ROOT } from '../lib/subgraphRegistry.js';
import { loadRegisterModules } from '../scripts/registerModules.js';
import { personaWith, startTestHub, type TestHub } from './support/hub.js';
import { oneRoundTripFetches, planOf } from './support/queryPlan.js';
import { freePorts, killAll, spawnService, waitReadyz, type ServiceProcess } from './support/services.js';
import { copySchemaTree, type TreeCopy } from './support/treeCopy.js';

// Issue 12 item 4: `npm run new-register -- <name>` in a temporary copy of the tree (`--root`; the real tree is never
// changed), then `npm run compose -- --root`, then the new register served as its own process and read through the
// gateway with a token that holds its scope.

const run = promisify(execFile);
const tsx = (script: string, args: string[]) => run(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT });
const persona = personaWith('complete');

let tree: TreeCopy;
let hub: TestHub | undefined;
let subgraph: ServiceProcess;
let scaffoldOutput: string;
beforeAll(async () => {
  tree = copySchemaTree({ linkCode: true });
  scaffoldOutput = (await tsx('scripts/newRegister.ts', ['benefits', '--root', tree.root])).stdout;
  await tsx('schema/compose.ts', ['--root', tree.root]);
  const [port] = await freePorts(1);
  hub = await startTestHub({ env: { SUPERGRAPH_PATH: join(tree.root, 'schema/supergraph.graphql'), BENEFITS_URL: `http://127.0.0.1:${port}/graphql` } });
  // Its own process, from its own main.ts, as docker-compose would run it; the hub home gives it the dev keys.
  subgraph = spawnService('benefits', join(tree.root, 'subgraphs/benefits/main.ts'), {
    ...process.env, HUB_MODE: 'dev', HUB_HOME: hub.env.HUB_HOME!, BENEFITS_PORT: String(port), HUB_SEED_PERSONS: '5', LOG_LEVEL: 'warn',
  });
  await waitReadyz(subgraph, port!, 30_000);
}, 120_000);
afterAll(async () => {
  await killAll();
  await hub?.stop();
  tree?.remove();
});

describe('npm run new-register -- benefits', () => {
  it('scaffolds the module shape of the four, a scope and a registry entry with the next free port', () => {
    for (const file of ['schema.graphql', 'tables.ts', 'migrations.ts', 'register.ts', 'loaders.ts', 'resolvers.ts', 'seed.ts', 'module.ts', 'main.ts', 'README.md', '__tests__/register.test.ts', '__tests__/checkSubgraph.test.ts']) {
      expect(existsSync(join(tree.root, 'subgraphs/benefits', file))).toBe(true);
    }
    expect(scaffoldOutput).toContain('new register benefits: port 4006 (BENEFITS_PORT), scope benefits:records');
    expect(readSubgraphRegistry(tree.root).at(-1)).toEqual({
      name: 'benefits', port: 4006, portVariable: 'BENEFITS_PORT', urlVariable: 'BENEFITS_URL',
      schema: 'subgraphs/benefits/schema.graphql', module: 'subgraphs/benefits/module.js',
    });
    const scopes = JSON.parse(readFileSync(join(tree.root, 'schema/scopes.json'), 'utf8'));
    expect(scopes.find((s: any) => s.scope === 'benefits:records')).toMatchObject({ register: 'benefits', classification: 'personal' });
    expect(readFileSync(join(tree.root, 'subgraphs/benefits/schema.graphql'), 'utf8')).toContain('benefitsUpdatedAt: String @requiresScopes(scopes: [["benefits:records"]])');
    // The real tree is untouched.
    expect(existsSync(join(REPO_ROOT, 'subgraphs/benefits'))).toBe(false);
    expect(readSubgraphRegistry().map((e) => e.name)).not.toContain('benefits');
  });

  it('composes into the supergraph, and npm start\'s loader finds its module by the registry', async () => {
    const supergraph = readFileSync(join(tree.root, 'schema/supergraph.graphql'), 'utf8');
    expect(supergraph).toContain('@join__graph(name: "benefits", url: "http://127.0.0.1:4006/graphql")');
    expect(supergraph).toContain('benefitsRecords: [BenefitsRecord!]! @join__field(graph: BENEFITS) @requiresScopes(scopes: [["benefits:records"]])');
    // Its shareable `me` keeps the one-round-trip property: asked at the same time as population, not after it.
    expect(readFileSync(join(tree.root, 'subgraphs/benefits/schema.graphql'), 'utf8')).toContain('me: Person! @shareable @authenticated');
    const plan = planOf(supergraph, '{ me { firstNames benefitsRecords { title } } }');
    expect(oneRoundTripFetches(plan).map((fetch) => fetch.serviceName).sort()).toEqual(['benefits', 'population']);
    expect((await loadRegisterModules(readSubgraphRegistry())).map((m) => m.register)).toEqual(['population', 'tax', 'vehicles', 'education']);
    const joined = readSubgraphRegistry(tree.root).filter((entry) => entry.name === 'benefits');
    const [benefits] = await loadRegisterModules(joined, tree.root);
    expect(benefits).toMatchObject({ register: 'benefits', typeDefs: expect.stringContaining('type BenefitsRecord') });
  });

  it('refuses a second register of the same name, a health name and a reserved one', async () => {
    for (const name of ['benefits', 'diagnoses', 'consent', 'Benefits']) {
      await expect(tsx('scripts/newRegister.ts', [name, '--root', tree.root])).rejects.toMatchObject({ code: 2 });
    }
  }, 60_000);

  it('is read through the gateway with a token holding its scope, and refused without it', async () => {
    const withScope = await hub!.query(await hub!.token(persona.personalIdentityCode, { scopes: ['population:name', 'benefits:records'] }),
      '{ me { firstNames benefitsRecords { title recordedOn } benefitsUpdatedAt } }');
    expect(withScope.body.errors).toBeUndefined();
    expect(withScope.body.data.me.firstNames).toBe(persona.firstNames);
    expect(withScope.body.data.me.benefitsRecords.length).toBeGreaterThan(0);
    expect(withScope.body.data.me.benefitsRecords[0]).toEqual({ title: expect.stringMatching(/^Example record \d$/), recordedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(withScope.body.data.me.benefitsUpdatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const without = await hub!.query(await hub!.token(persona.personalIdentityCode, { scopes: ['population:name'] }), '{ me { firstNames benefitsRecords { title } benefitsUpdatedAt } }');
    expect(without.body.data.me).toEqual({ firstNames: persona.firstNames, benefitsRecords: null, benefitsUpdatedAt: null });
    expect(without.body.errors.map((e: any) => [e.path.join('.'), e.extensions.code]).sort()).toEqual([
      ['me.benefitsRecords', 'UNAUTHORIZED_FIELD_OR_TYPE'], ['me.benefitsUpdatedAt', 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ]);
  });
});
