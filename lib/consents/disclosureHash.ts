import { createHash } from 'node:crypto';

/** `prevHash` of every chain's first record: 64 zeros, the width of a SHA-256 hex digest. */
export const GENESIS_HASH = '0'.repeat(64);

/** Everything a disclosure record's hash covers; `at` in epoch milliseconds, exactly as stored. */
export interface HashedDisclosure {
  id: string;
  personId: string;
  seq: number;
  clientId: string;
  clientName: string;
  consentId: string;
  purpose: string;
  fields: readonly string[];
  requestId: string;
  at: number;
  prevHash: string;
}

type Canonical = string | number | readonly Canonical[] | { readonly [key: string]: Canonical };

/**
 * Canonical JSON of strings, safe integers, arrays and objects: keys sorted by UTF-16 code units, no whitespace.
 * For these types it is the JSON Canonicalization Scheme (RFC 8785), so another implementation can recompute it.
 */
export function canonicalJson(value: Canonical): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // RFC 8785 §3.2.2.3 formats other numbers too, but the log holds only integers; refusing the rest keeps it so.
    if (!Number.isSafeInteger(value)) throw new TypeError('canonicalJson: numbers must be safe integers');
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: Canonical) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const object = value as { readonly [key: string]: Canonical };
    const keys = Object.keys(object).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key]!)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: unsupported value of type ${typeof value}`);
}

/** The SHA-256 (hex) of a disclosure record's canonical JSON, `prevHash` included, which links it to its chain. */
export function disclosureHash(record: HashedDisclosure): string {
  const canonical = canonicalJson({
    id: record.id,
    personId: record.personId,
    seq: record.seq,
    clientId: record.clientId,
    clientName: record.clientName,
    consentId: record.consentId,
    purpose: record.purpose,
    fields: record.fields,
    requestId: record.requestId,
    at: record.at,
    prevHash: record.prevHash,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
