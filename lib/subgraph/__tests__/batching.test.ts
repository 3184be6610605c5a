import { describe, expect, it } from '@jest/globals';
import { openDatabase } from '../../storage/database.js';
import { generatePersons } from '../../synthetic/generatePersons.js';
import { educationModule } from '../../../subgraphs/education/module.js';
import { populationModule } from '../../../subgraphs/population/module.js';
import { taxModule } from '../../../subgraphs/tax/module.js';
import { vehiclesModule } from '../../../subgraphs/vehicles/module.js';
import type { RegisterModule } from '../registerModule.js';

// Request-scoped DataLoaders send one register query per entity type per request, whatever the number of
// entity lookups the request makes: counted at the database.

const key = Buffer.alloc(32, 7);
const persons = [...generatePersons({ count: 40, seed: 'batching', referenceDate: '2026-11-27', pseudonymKey: key })];
const modules: [string, RegisterModule<any>, string][] = [
  ['population', populationModule, 'person'],
  ['tax', taxModule, 'records'],
  ['vehicles', vehiclesModule, 'records'],
  ['education', educationModule, 'records'],
];

describe.each(modules)('%s loaders', (_name, module, loaderName) => {
  it('load 40 persons (and repeats) with one query', async () => {
    const database = openDatabase<any>({ url: 'sqlite::memory:' });
    await module.migrate(database.db);
    await module.seed(database.db, persons, { seed: 'batching', referenceDate: new Date('2026-11-27') });
    const loaders = module.createLoaders(database.db);
    const before = database.queryCount();
    const ids = [...persons.map((p) => p.personId), ...persons.map((p) => p.personId), 'p_unknown'];
    const results = await Promise.all(ids.map((id) => loaders[loaderName].load(id)));
    expect(database.queryCount() - before).toBe(1);
    expect(results.filter((r) => r !== null).length).toBeGreaterThan(0);
    expect(results.at(-1)).toBeNull();
    // A new request gets new loaders: nothing is cached across requests.
    const next = module.createLoaders(database.db);
    await next[loaderName].load(persons[0]!.personId);
    expect(database.queryCount() - before).toBe(2);
    await database.close();
  });
});
