import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHetu } from '../hetu.js';
import { personIdFor } from '../personId.js';
import { GENERATED_SERIAL_OFFSET, PERSONA_TAGS, type CorePerson, type PersonaTag } from './persons.js';

/** One entry of `data/personas.json` (CONTRACT.md, "Test personas"). */
export interface Persona {
  personalIdentityCode: string;
  firstNames: string;
  lastName: string;
  tags: PersonaTag[];
}

/**
 * Reads `data/personas.json`, found by walking up from this module so that it works from the sources and
 * from `dist/` alike.
 */
export function loadPersonas(file: string = findPersonasFile()): Persona[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new TypeError('loadPersonas: the personas file must hold a JSON array');
  return parsed.map((entry: unknown, index) => checkPersona(entry, index));
}

/** Turns personas into core persons; their date of birth and sex come from the identity code. */
export function personaPersons(personas: readonly Persona[], pseudonymKey: Buffer): CorePerson[] {
  if (personas.length > GENERATED_SERIAL_OFFSET) {
    throw new TypeError(`personaPersons: at most ${GENERATED_SERIAL_OFFSET} personas are supported, got ${personas.length}`);
  }
  return personas.map((persona, index) => {
    const { dateOfBirth, sex } = parseHetu(persona.personalIdentityCode);
    return {
      personId: personIdFor(persona.personalIdentityCode, pseudonymKey),
      personalIdentityCode: persona.personalIdentityCode,
      firstNames: persona.firstNames,
      lastName: persona.lastName,
      sex,
      dateOfBirth,
      tags: [...persona.tags],
      serial: index,
    };
  });
}

function checkPersona(entry: unknown, index: number): Persona {
  const persona = entry as Partial<Persona> | null;
  const fail = (what: string): never => {
    // The index, never the code: error messages must not carry identity codes.
    throw new TypeError(`loadPersonas: persona #${index} ${what}`);
  };
  if (typeof persona !== 'object' || persona === null) return fail('is not an object');
  if (typeof persona.personalIdentityCode !== 'string') return fail('has no "personalIdentityCode"');
  try {
    parseHetu(persona.personalIdentityCode);
  } catch {
    fail('has an invalid "personalIdentityCode"');
  }
  if (typeof persona.firstNames !== 'string' || persona.firstNames === '') fail('has no "firstNames"');
  if (typeof persona.lastName !== 'string' || persona.lastName === '') fail('has no "lastName"');
  if (!Array.isArray(persona.tags) || !persona.tags.every((tag) => (PERSONA_TAGS as readonly string[]).includes(tag))) {
    fail(`has "tags" outside ${PERSONA_TAGS.join(', ')}`);
  }
  return persona as Persona;
}

function findPersonasFile(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, 'data', 'personas.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(folder);
    if (parent === folder) throw new TypeError('loadPersonas: data/personas.json not found above this module');
    folder = parent;
  }
}
