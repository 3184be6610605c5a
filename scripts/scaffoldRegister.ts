import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSubgraphRegistry, registryPath } from '../lib/subgraphRegistry.js';
import { isHealthName } from '../schema/policy.js';

/** What {@link scaffoldRegister} wrote. */
export interface ScaffoldedRegister {
  readonly name: string;
  /** The register's one scope, added to the catalogue (`<name>:records`). */
  readonly scope: string;
  readonly port: number;
  /** Files written, relative to the root. */
  readonly files: readonly string[];
}

// Names that are the hub's own, or would collide with its variables and folders.
const RESERVED = new Set(['hub', 'self', 'gateway', 'consent', 'auth', 'portal', 'partner', 'schema', 'lib', 'scripts', 'tests', 'cases', 'requests', 'database', 'trusted']);
const NAME = /^[a-z]{2,31}$/;
/** Registers take ports from 4001 up to here; 4100 and above are the issuer's, the portal's and the apps'. */
const LAST_REGISTER_PORT = 4099;

/**
 * Scaffolds a register in the module shape of the four (`subgraphs/<name>/`: schema with authorization directives,
 * tables, migrations, seed, register, loaders, resolvers, module, main, tests, README), adds its scope to
 * `schema/scopes.json` and its entry (next free port) to `subgraphs/registry.json`: composition, `npm start`, the
 * gateway and the subgraph runner read that registry, so nothing else needs an edit. `root` is the tree to write in.
 */
export function scaffoldRegister(root: string, name: string): ScaffoldedRegister {
  if (!NAME.test(name)) throw new TypeError(`register name must be 2-31 lower-case letters (it prefixes its scope, tables and variables), got ${JSON.stringify(name)}`);
  if (RESERVED.has(name)) throw new TypeError(`"${name}" is reserved for the hub itself`);
  // Refused here rather than by `npm run compose`: a register of health data may not join at all (GDPR art. 9).
  if (isHealthName(name)) throw new TypeError(`"${name}" names health data, which never leaves its register`);
  const registry = readSubgraphRegistry(root);
  if (registry.some((entry) => entry.name === name)) throw new TypeError(`register "${name}" is already in subgraphs/registry.json`);
  const folder = join(root, 'subgraphs', name);
  if (existsSync(folder)) throw new TypeError(`subgraphs/${name}/ already exists`);
  const used = new Set(registry.map((entry) => entry.port));
  let port = 4001;
  while (used.has(port)) port += 1;
  if (port > LAST_REGISTER_PORT) throw new TypeError(`no free register port left in 4001-${LAST_REGISTER_PORT}`);

  const scope = `${name}:records`;
  const catalogueFile = join(root, 'schema', 'scopes.json');
  const catalogue = JSON.parse(readFileSync(catalogueFile, 'utf8')) as Array<{ scope: string }>;
  if (catalogue.some((entry) => entry.scope === scope)) throw new TypeError(`scope ${scope} is already in schema/scopes.json`);

  const files = Object.entries(templates(name));
  mkdirSync(join(folder, '__tests__'), { recursive: true });
  for (const [file, text] of files) writeFileSync(join(folder, file), text);
  // The hub's own account scope stays last in the catalogue; a new register's goes before it.
  const hubAt = catalogue.findIndex((entry) => (entry as { register?: string }).register === 'hub');
  catalogue.splice(hubAt === -1 ? catalogue.length : hubAt, 0, {
    scope,
    register: name,
    classification: 'personal',
    description: {
      fi: `Tietosi rekisterissä ${name} (korvaa tämä kuvaus rekisterin omalla)`,
      sv: `Dina uppgifter i registret ${name} (ersätt denna beskrivning med registrets egen)`,
      en: `Your records in the ${name} register (replace this with the register's own wording)`,
    },
  } as { scope: string });
  writeFileSync(catalogueFile, `${JSON.stringify(catalogue, null, 2)}\n`);
  const registryFile = registryPath(root);
  const raw = JSON.parse(readFileSync(registryFile, 'utf8')) as { subgraphs: unknown[] };
  raw.subgraphs.push({ name, port, schema: `subgraphs/${name}/schema.graphql`, module: `subgraphs/${name}/module.js` });
  writeFileSync(registryFile, registryText(raw));
  return { name, scope, port, files: files.map(([file]) => `subgraphs/${name}/${file}`) };
}

/** The registry's text: one entry per line, so a diff shows the one register that joined. */
function registryText(raw: { subgraphs: unknown[] }): string {
  const { subgraphs, ...rest } = raw;
  const head = Object.entries(rest).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`).join('\n');
  const entries = subgraphs.map((entry) => `    ${JSON.stringify(entry).replace(/^\{/, '{ ').replace(/\}$/, ' }').replace(/","/g, '", "').replace(/,"/g, ', "').replace(/":/g, '": ')}`);
  return `{\n${head}\n  "subgraphs": [\n${entries.join(',\n')}\n  ]\n}\n`;
}

/** The files of a new register folder, by path relative to it. */
function templates(n: string): Record<string, string> {
  const P = n[0]!.toUpperCase() + n.slice(1);
  const scope = `[["${n}:records"]]`;
  return {
    'schema.graphql': `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable", "@authenticated", "@requiresScopes"])

# The ${n} register. Scaffolded by \`npm run new-register\`: replace the example record with the register's own data.
# Every field needs @requiresScopes with scopes of this register from schema/scopes.json (see schema/README.md).
type Query {
  # Keep this exactly as it is: every subgraph with Person fields declares the same \`me\` (@shareable), which the
  # shared runner resolves to the gateway credential's subject, so the gateway asks this register at the same time
  # as every other one (one round trip; the schema policy requires it, schema/meRoot.ts).
  "The person the access token was issued for; nobody can ask for anyone else."
  me: Person! @shareable @authenticated
}

type Person @key(fields: "id") {
  id: ID! @authenticated
  "The person's records in the ${n} register, newest first."
  ${n}Records: [${P}Record!]! @requiresScopes(scopes: ${scope})
  "When the ${n} register last changed this person's records (ISO 8601). Any scope of this register reads it; a token with none learns nothing, not even whether a record exists."
  ${n}UpdatedAt: String @requiresScopes(scopes: ${scope})
}

"One record of the ${n} register."
type ${P}Record {
  title: String! @requiresScopes(scopes: ${scope})
  "ISO 8601 date the record was made."
  recordedOn: String! @requiresScopes(scopes: ${scope})
}
`,
    'tables.ts': `/** Kysely table interfaces of the ${n} register; names carry the \`${n}_\` prefix to share a database. */

/** One row per person the ${n} register knows. */
export interface ${P}PersonTable {
  person_id: string;
  /** ISO 8601 timestamp (UTC) of the last change to any of the person's rows. */
  updated_at: string;
}

/** One record of a person. */
export interface ${P}RecordTable {
  person_id: string;
  seq: number;
  title: string;
  /** ISO 8601 date. */
  recorded_on: string;
}

/** The ${n} register's tables. */
export interface ${P}Tables {
  ${n}_person: ${P}PersonTable;
  ${n}_record: ${P}RecordTable;
}
`,
    'migrations.ts': `import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { migrate } from '../../lib/storage/migrate.js';
import type { ${P}Tables } from './tables.js';

/**
 * Migrations of the ${n} register, in name order; types both SQLite and PostgreSQL know. Add a migration rather
 * than changing one that has run. Every primary key starts with person_id, the index batched reads need.
 */
export const ${n}Migrations: Record<string, Migration> = {
  '0001_create_tables': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('${n}_person')
        .addColumn('person_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('${n}_record')
        .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('${n}_person.person_id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('title', 'varchar(200)', (c) => c.notNull())
        .addColumn('recorded_on', 'varchar(10)', (c) => c.notNull())
        .addPrimaryKeyConstraint('${n}_record_pk', ['person_id', 'seq'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('${n}_record').ifExists().execute();
      await db.schema.dropTable('${n}_person').ifExists().execute();
    },
  },
};

/** Brings the ${n} register's tables up to date. */
export async function migrate${P}(db: Kysely<${P}Tables>): Promise<void> {
  await migrate(db, '${n}', ${n}Migrations);
}
`,
    'register.ts': `import type { Kysely } from 'kysely';
import type { DatabaseEngine } from '../../lib/storage/database.js';
import { engineOf, jsonArrayFromFor, parseJsonArray } from '../../lib/storage/jsonArrays.js';
import type { ${P}Tables } from './tables.js';

/** One record as the schema exposes it. */
export interface ${P}Item {
  title: string;
  recordedOn: string;
}

/** Everything the ${n} register holds about one person. */
export interface ${P}Record {
  /** Newest first. */
  records: ${P}Item[];
  updatedAt: string;
}

/** Batched read access to the ${n} register, for the subgraph's DataLoaders. */
export interface ${P}Register {
  /** Records in the order of \`personIds\`, null where the register has no such person; always one SQL statement. */
  findRecords(personIds: readonly string[]): Promise<Array<${P}Record | null>>;
}

/** Creates the ${n} register's data access over a database (the engine is read from its dialect if not given). */
export function create${P}Register(db: Kysely<${P}Tables>, engine: DatabaseEngine = engineOf(db)): ${P}Register {
  const jsonArrayFrom = jsonArrayFromFor(engine);
  return {
    async findRecords(personIds) {
      if (personIds.length === 0) return [];
      const rows = await db
        .selectFrom('${n}_person as p')
        .select((eb) => [
          'p.person_id',
          'p.updated_at',
          jsonArrayFrom(
            eb.selectFrom('${n}_record as r').select(['r.seq', 'r.title', 'r.recorded_on']).whereRef('r.person_id', '=', 'p.person_id').orderBy('r.seq', 'desc'),
          ).as('records'),
        ])
        .where('p.person_id', 'in', [...new Set(personIds)])
        .execute();
      const byId = new Map(rows.map((row) => [row.person_id, row]));
      return personIds.map((personId) => {
        const row = byId.get(personId);
        if (!row) return null;
        const records = parseJsonArray<{ seq: number; title: string; recorded_on: string }>(row.records).sort((a, b) => b.seq - a.seq);
        return { records: records.map((r) => ({ title: r.title, recordedOn: r.recorded_on })), updatedAt: row.updated_at };
      });
    },
  };
}
`,
    'loaders.ts': `import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { perDatabase } from '../../lib/subgraph/perDatabase.js';
import { create${P}Register, type ${P}Record } from './register.js';

/** Request-scoped loaders of the ${n} subgraph. */
export interface ${P}Loaders {
  readonly records: DataLoader<string, ${P}Record | null>;
}

const registerOf = perDatabase(create${P}Register);

/** One batch query per request for every person the request names. */
export function create${P}Loaders(db: Kysely<any>): ${P}Loaders {
  const register = registerOf(db);
  return { records: new DataLoader((ids: readonly string[]) => register.findRecords(ids)) };
}
`,
    'resolvers.ts': `import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { SubgraphContext } from '../../lib/subgraph/service.js';
import type { ${P}Loaders } from './loaders.js';

type Context = SubgraphContext<${P}Loaders>;
type PersonRef = { id: string };

/** Resolvers of the ${n} subgraph: a person the register does not know has no records and no update time. */
export function ${n}Resolvers(): GraphQLResolverMap<Context> {
  const records = (person: PersonRef, context: Context) => context.loaders.records.load(person.id);
  return {
    Person: {
      __resolveReference: (reference: PersonRef) => ({ id: reference.id }),
      ${n}Records: async (person: PersonRef, _args: unknown, context: Context) => (await records(person, context))?.records ?? [],
      ${n}UpdatedAt: async (person: PersonRef, _args: unknown, context: Context) => (await records(person, context))?.updatedAt ?? null,
    },
  };
}
`,
    'seed.ts': `import type { Insertable, Kysely } from 'kysely';
import { createRandom, epochDay, isoFromEpochDay } from '../../lib/random.js';
import { insertTables } from '../../lib/synthetic/insertRows.js';
import { resolveSeedOptions, type CorePerson, type SeedOptions } from '../../lib/synthetic/persons.js';
import { updatedAtFor } from '../../lib/synthetic/updatedAt.js';
import type { ${P}PersonTable, ${P}RecordTable, ${P}Tables } from './tables.js';

/** Every table of the ${n} register, parents first. */
export const ${n.toUpperCase()}_TABLE_NAMES: readonly string[] = Object.freeze(['${n}_person', '${n}_record']);

/**
 * Inserts the ${n} register's synthetic rows for a batch of persons (deterministic for a seed). Replace the example
 * records with the register's own synthetic data, honouring the personas' tags (lib/synthetic/).
 */
export async function seed${P}(db: Kysely<${P}Tables>, persons: readonly CorePerson[], seedOptions: SeedOptions): Promise<void> {
  const options = resolveSeedOptions(seedOptions);
  const people: Insertable<${P}PersonTable>[] = [];
  const records: Insertable<${P}RecordTable>[] = [];
  for (const person of persons) {
    const random = createRandom(\`\${options.seed}:${n}:\${person.personalIdentityCode}\`);
    people.push({ person_id: person.personId, updated_at: updatedAtFor(random, person.dateOfBirth, options.referenceDate) });
    const count = random.int(1, 2);
    for (let seq = 1; seq <= count; seq += 1) {
      records.push({ person_id: person.personId, seq, title: \`Example record \${seq}\`, recorded_on: isoFromEpochDay(epochDay(options.referenceDate) - random.int(1, 3650)) });
    }
  }
  await insertTables(db, [
    ['${n}_person', people],
    ['${n}_record', records],
  ]);
}

/** Deletes every row of the ${n} register. */
export async function clear${P}(db: Kysely<${P}Tables>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('${n}_record').execute();
    await trx.deleteFrom('${n}_person').execute();
  });
}
`,
    'module.ts': `import { readFileSync } from 'node:fs';
import type { RegisterModule } from '../../lib/subgraph/registerModule.js';
import { create${P}Loaders, type ${P}Loaders } from './loaders.js';
import { migrate${P} } from './migrations.js';
import { ${n}Resolvers } from './resolvers.js';
import { clear${P}, seed${P} } from './seed.js';

/** The ${n} register as the shared subgraph runner sees it. */
export const ${n}Module: RegisterModule<${P}Loaders> = {
  register: '${n}',
  typeDefs: readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  migrate: migrate${P},
  hasData: async (db) => (await db.selectFrom('${n}_person').select('person_id').limit(1).execute()).length > 0,
  seed: seed${P},
  clear: clear${P},
  resolvers: () => ${n}Resolvers(),
  createLoaders: (db) => create${P}Loaders(db),
};
`,
    'main.ts': `import { createLogger } from '../../lib/logger.js';
import { stopOnSignals } from '../../lib/process.js';
import { startSubgraph } from '../../lib/subgraph/start.js';
import { ${n}Module } from './module.js';

// Entry point when the ${n} subgraph runs as its own process (docker-compose, production).
const logger = createLogger({ service: '${n}-subgraph' });
const service = await startSubgraph(${n}Module, process.env, { logger });
stopOnSignals(() => [service], logger);
`,
    'README.md': `# ${P} subgraph

Scaffolded by \`npm run new-register -- ${n}\`; the register's owners make it theirs (see "How a register joins the
hub" in \`subgraphs/README.md\` and \`docs/register-owners.md\`).

## Data
Tables (prefix \`${n}_\`):
- \`${n}_person\`: one row per person the register knows, with \`updated_at\`.
- \`${n}_record\`: the person's records (\`seq title recorded_on\`), primary key (\`person_id\`, \`seq\`).

\`create${P}Register(db).findRecords(ids)\` reads a batch of persons' records (newest first) in one SQL statement.

## \`me\`
The schema declares \`me: Person! @shareable @authenticated\`, as every subgraph with Person fields does; the shared
runner resolves it to the gateway credential's subject (\`lib/subgraph/me.ts\`). Keep it: the gateway then asks this
register \`{ me { ... } }\` at the same time as the others, instead of after another register (see
\`docs/register-owners.md\`).

## Scope
\`${n}:records\` (\`schema/scopes.json\`) guards every field, \`${n}UpdatedAt\` included. Environment: \`${n.toUpperCase()}_PORT\`,
\`${n.toUpperCase()}_URL\` (where the gateway reaches it), \`${n.toUpperCase()}_DATABASE_URL\` (else \`DATABASE_URL\`, else
\`.hub/${n}.sqlite\` in dev).
`,
    '__tests__/register.test.ts': `import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type HubDatabase } from '../../../lib/storage/database.js';
import { generatePersons } from '../../../lib/synthetic/generatePersons.js';
import { loadPersonas, personaPersons } from '../../../lib/synthetic/personas.js';
import type { CorePerson } from '../../../lib/synthetic/persons.js';
import { migrate${P} } from '../migrations.js';
import { create${P}Register } from '../register.js';
import { clear${P}, seed${P} } from '../seed.js';
import type { ${P}Tables } from '../tables.js';

const key = Buffer.alloc(32, 7);
const options = { seed: 'test', referenceDate: '2025-06-15' };
const personas = loadPersonas();
const persons: CorePerson[] = [
  ...personaPersons(personas, key),
  ...generatePersons({ count: 50, ...options, pseudonymKey: key, reserved: personas.map((p) => p.personalIdentityCode) }),
];

describe('${n} register', () => {
  let database: HubDatabase<${P}Tables>;
  beforeAll(async () => {
    database = openDatabase<${P}Tables>({ url: 'sqlite::memory:' });
    await migrate${P}(database.db);
    await seed${P}(database.db, persons, options);
  });
  afterAll(async () => database.close());

  it('finds records in the order asked, null for unknown ids, in one SQL statement', async () => {
    const register = create${P}Register(database.db, database.engine);
    const before = database.queryCount();
    const found = await register.findRecords([persons[0]!.personId, 'p_unknown', persons[1]!.personId]);
    expect(database.queryCount() - before).toBe(1);
    expect(found[0]!.records.length).toBeGreaterThan(0);
    expect(found[1]).toBeNull();
    expect(found[0]!.updatedAt).toMatch(/^\\d{4}-\\d{2}-\\d{2}T/);
  });

  it('seeds the same rows for the same seed, and clears them', async () => {
    const [first] = await create${P}Register(database.db).findRecords([persons[2]!.personId]);
    await clear${P}(database.db);
    expect(await create${P}Register(database.db).findRecords([persons[2]!.personId])).toEqual([null]);
    await seed${P}(database.db, persons, options);
    expect(await create${P}Register(database.db).findRecords([persons[2]!.personId])).toEqual([first]);
  });
});
`,
    '__tests__/checkSubgraph.test.ts': `import { describe, expect, it } from '@jest/globals';
import { checkSubgraphCli } from '../../../tests/support/checkSubgraphCli.js';

// The ${n} register's owners' gate: the working tree's schema composes, passes the policy and breaks no client's
// registered operation (\`npm run check-subgraph -- ${n}\`).
describe('npm run check-subgraph -- ${n}', () => {
  it('passes for the schema in the working tree', async () => {
    const { code, stdout } = await checkSubgraphCli(['${n}', '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, composition: { ok: true }, operations: { affected: [] } });
    expect(code).toBe(0);
  }, 60_000);
});
`,
  };
}
