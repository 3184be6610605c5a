import { GENESIS_HASH } from './disclosureHash.js';

/**
 * The SQLite trigger that advances a person's chain head with each record (`disclosures_advance_head`): first the
 * guard, which refuses (RAISE ABORT) a record that does not extend the current head, so that the losing one of two
 * concurrent appends retries; then `body`, the statements that move the head (each migration's own). Used by the
 * migrations of 0001, 0004 and 0005.
 */
export function sqliteHeadTrigger(body: string): string {
  return `
create trigger disclosures_advance_head after insert on disclosures for each row
begin
  select raise(abort, 'disclosure head moved') where not (
    (new.seq = 1 and new.prev_hash = '${GENESIS_HASH}'
      and not exists (select 1 from disclosure_heads where person_id = new.person_id))
    or exists (select 1 from disclosure_heads
      where person_id = new.person_id and seq = new.seq - 1 and hash = new.prev_hash));
${body}
end`;
}
