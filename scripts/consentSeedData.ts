import { createHash } from 'node:crypto';
import { disclosureHash, GENESIS_HASH } from '../lib/consents/disclosureHash.js';
import { timeOrderedId } from '../lib/timeOrderedId.js';

/** How big a synthetic consent database is: totals are exact, spread as evenly as whole numbers allow. */
export interface ConsentSeedSize {
  readonly consents: number;
  readonly disclosures: number;
  readonly persons: number;
  /** Any string; the same seed and sizes always give the same rows. */
  readonly seed: string;
}

/** Rows of a block of persons, column by column, as `unnest($1::text[], …)` takes them. */
export interface ConsentSeedBlock {
  consents: {
    id: string[]; person_id: string[]; client_id: string[]; client_name: string[]; subject: string[]; purpose: string[];
    scopes: string[]; granted_at: number[]; expires_at: number[]; revoked_at: (number | null)[]; grant_id: string[];
  };
  disclosures: {
    id: string[]; person_id: string[]; seq: number[]; client_id: string[]; client_name: string[]; consent_id: string[];
    purpose: string[]; fields: string[]; request_id: string[]; at: number[]; prev_hash: string[]; hash: string[];
  };
  heads: { person_id: string[]; seq: number[]; hash: string[] };
}

/** The moment the synthetic history ends: fixed, so that a seed is the same whenever it runs. */
export const SEED_REFERENCE_TIME = Date.UTC(2026, 11, 1);

const DAY = 86_400_000;

// What each data scope discloses, as the gateway records field coordinates.
const SCOPE_FIELDS: Record<string, readonly string[]> = {
  'population:name': ['Person.firstNames', 'Person.lastName'],
  'population:address': ['Person.address'],
  'population:adult': ['Person.isAdult'],
  'tax:income': ['Person.taxAssessments'],
  'vehicles:owned': ['Person.vehicles'],
};

/** Synthetic partner clients: several banks, insurers and shops, each with its own purpose and scopes. */
export const SEED_CLIENTS: readonly { id: string; name: string; purpose: string; scopes: readonly string[] }[] = [
  ['nordbank', 'Nordbank', 'Opening an account', ['population:name', 'population:address', 'tax:income']],
  ['saaristopankki', 'Saaristopankki', 'Loan application', ['population:name', 'population:address', 'tax:income']],
  ['lahivakuutus', 'Lähivakuutus', 'Car insurance quote', ['population:name', 'vehicles:owned']],
  ['kotivakuutus', 'Kotivakuutus', 'Home insurance', ['population:name', 'population:address']],
  ['vuokranet', 'VuokraNet', 'Rental application', ['population:name', 'tax:income']],
  ['ikaraja', 'Ikäraja', 'Age check', ['population:adult']],
  ['autokauppa', 'Autokauppa', 'Vehicle trade-in', ['population:name', 'vehicles:owned']],
  ['opintolaina', 'Opintolaina', 'Student loan', ['population:name', 'population:address', 'tax:income']],
  ['sahkoyhtio', 'Sähköyhtiö', 'Electricity contract', ['population:name', 'population:address']],
  ['puhelin', 'Puhelin Oy', 'Mobile subscription', ['population:name', 'population:address', 'population:adult']],
  ['kuntosali', 'Kuntosali', 'Membership', ['population:adult']],
  ['perintapalvelu', 'Perintäpalvelu', 'Credit check', ['population:name', 'tax:income']],
].map(([id, name, purpose, scopes]) => ({ id: id as string, name: name as string, purpose: purpose as string, scopes: scopes as string[] }));

/** How many of `total` items person `index` of `persons` gets: exact totals, differing by at most one. */
export function share(total: number, persons: number, index: number): number {
  return Math.floor(((index + 1) * total) / persons) - Math.floor((index * total) / persons);
}

/** The rows of persons `from` to `to - 1`: consents, each person's disclosures as a valid hash chain, and heads. */
export function generateBlock(size: ConsentSeedSize, from: number, to: number): ConsentSeedBlock {
  const block: ConsentSeedBlock = {
    consents: { id: [], person_id: [], client_id: [], client_name: [], subject: [], purpose: [], scopes: [], granted_at: [], expires_at: [], revoked_at: [], grant_id: [] },
    disclosures: { id: [], person_id: [], seq: [], client_id: [], client_name: [], consent_id: [], purpose: [], fields: [], request_id: [], at: [], prev_hash: [], hash: [] },
    heads: { person_id: [], seq: [], hash: [] },
  };
  for (let index = from; index < to; index += 1) addPerson(block, size, index);
  return block;
}

function addPerson(block: ConsentSeedBlock, size: ConsentSeedSize, index: number): void {
  const random = prng(createHash('sha256').update(`${size.seed}\u0000${index}`).digest());
  const personId = `p_${random.bytes(18).toString('base64url')}`;
  const mine: { id: string; client: (typeof SEED_CLIENTS)[number]; scopes: string[]; grantedAt: number }[] = [];
  const consents = share(size.consents, size.persons, index);
  for (let i = 0; i < consents; i += 1) {
    const client = SEED_CLIENTS[random.int(SEED_CLIENTS.length)]!;
    // Optional items unticked now and then, as on the consent screen; the first scope is always given.
    const scopes = client.scopes.filter((scope, n) => n === 0 || random.int(5) > 0);
    const grantedAt = SEED_REFERENCE_TIME - random.int(3 * 365 * DAY);
    const expiresAt = grantedAt + (30 + random.int(700)) * DAY;
    // About one in seven revoked; those whose expiry has passed read back as EXPIRED, the rest ACTIVE.
    const revokedAt = random.int(7) === 0 ? Math.min(SEED_REFERENCE_TIME, grantedAt + random.int(expiresAt - grantedAt)) : null;
    const id = random.uuid();
    const c = block.consents;
    c.id.push(id);
    c.person_id.push(personId);
    c.client_id.push(client.id);
    c.client_name.push(client.name);
    c.subject.push(`pw_${random.bytes(32).toString('base64url')}`);
    c.purpose.push(JSON.stringify({ fi: client.purpose, sv: client.purpose, en: client.purpose }));
    c.scopes.push(JSON.stringify(scopes));
    c.granted_at.push(grantedAt);
    c.expires_at.push(expiresAt);
    c.revoked_at.push(revokedAt);
    c.grant_id.push(random.bytes(32).toString('base64url'));
    mine.push({ id, client, scopes, grantedAt });
  }
  const count = share(size.disclosures, size.persons, index);
  if (count === 0) return;
  if (mine.length === 0) throw new TypeError('seedConsents: every person with disclosures needs a consent (consents >= persons)');
  // Times ascend along the chain, as appends do.
  let at = SEED_REFERENCE_TIME - random.int(3 * 365 * DAY);
  let prevHash = GENESIS_HASH;
  const d = block.disclosures;
  for (let seq = 1; seq <= count; seq += 1) {
    at += random.int(Math.max(1, Math.floor((SEED_REFERENCE_TIME - at) / (count - seq + 1))));
    const consent = mine[random.int(mine.length)]!;
    const record = {
      // Time-ordered, as the log makes them (lib/timeOrderedId.ts), from the record's own time.
      id: timeOrderedId(at, (bytes) => void random.bytes(bytes.length).copy(bytes)),
      personId,
      seq,
      clientId: consent.client.id,
      clientName: consent.client.name,
      consentId: consent.id,
      purpose: consent.client.purpose,
      fields: consent.scopes.flatMap((scope) => SCOPE_FIELDS[scope] ?? []),
      requestId: random.uuid(),
      at,
      prevHash,
    };
    const hash = disclosureHash(record);
    d.id.push(record.id);
    d.person_id.push(personId);
    d.seq.push(seq);
    d.client_id.push(record.clientId);
    d.client_name.push(record.clientName);
    d.consent_id.push(record.consentId);
    d.purpose.push(record.purpose);
    d.fields.push(JSON.stringify(record.fields));
    d.request_id.push(record.requestId);
    d.at.push(at);
    d.prev_hash.push(prevHash);
    d.hash.push(hash);
    prevHash = hash;
  }
  block.heads.person_id.push(personId);
  block.heads.seq.push(count);
  block.heads.hash.push(prevHash);
}

// sfc32: a small, fast generator; one per person, seeded from a SHA-256, so that blocks can be made in any order.
function prng(seed: Buffer): { int(below: number): number; bytes(n: number): Buffer; uuid(): string } {
  let a = seed.readUInt32LE(0);
  let b = seed.readUInt32LE(4);
  let c = seed.readUInt32LE(8);
  let d = seed.readUInt32LE(12);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  const bytes = (n: number): Buffer => {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i += 4) {
      const word = next();
      for (let j = 0; j < 4 && i + j < n; j += 1) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  };
  return {
    // A 53-bit fraction, so that ranges of milliseconds (wider than 2^32) are covered evenly.
    int: (below) => Math.floor(((next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53) * below),
    bytes,
    uuid() {
      const hex = bytes(16).toString('hex');
      // Version 4, variant 10: shaped like the log's randomUUID().
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
  };
}
