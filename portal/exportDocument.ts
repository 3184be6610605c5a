import type { DataExport } from './hubClient.js';
import { messages } from './messages.js';
import { REGISTER_FIELDS, REGISTERS, type Register } from './registers.js';

/** One register's part of the download. */
interface RegisterExport {
  source: string;
  available: boolean;
  updatedAt: string | null;
  data: Record<string, unknown> | null;
}

/**
 * "Download my data" (GDPR art. 15 and 20): every register's data grouped by register, every consent with its
 * receipt and purpose in all three languages, the whole disclosure log and the citizen's requests with their
 * conversations, as one JSON document (the payload of the signed download, signedExport.ts).
 */
export function exportDocument(exported: DataExport, now: Date) {
  const registers = Object.fromEntries(REGISTERS.map((register): [Register, RegisterExport] => {
    const available = exported.person !== null && !exported.unavailableRegisters.includes(register);
    const fields = REGISTER_FIELDS[register];
    const person = exported.person as Record<string, unknown> | null;
    const data = available && person ? Object.fromEntries(fields.filter((f) => !f.endsWith('UpdatedAt')).map((f) => [f, person[f] ?? null])) : null;
    const updatedAt = (person?.[`${register}UpdatedAt`] as string | null | undefined) ?? null;
    return [register, { source: messages.en.registers[register], available, updatedAt: available ? updatedAt : null, data }];
  }));
  return {
    format: 'personal-data-hub/my-data/1',
    exportedAt: now.toISOString(),
    registers,
    consents: exported.consents,
    disclosures: exported.disclosures,
    // null: the requests service could not answer (an empty list would say "you have sent nothing").
    requests: exported.requests,
  };
}
