/**
 * SQLite's result codes by number, as https://www.sqlite.org/rescode.html names them. node:sqlite reports a failed
 * statement as `code: 'ERR_SQLITE_ERROR'` with the extended result code as a number (`errcode`); the hub's stores
 * decide by name (a constraint that guards a hash chain, a busy database worth retrying), so the adapter gives each
 * error the name that SQLite itself uses. Extended codes are the primary code plus `n << 8`.
 */
const PRIMARY: Readonly<Record<number, string>> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
};

const EXTENDED: Readonly<Record<number, string>> = {
  [5 | (1 << 8)]: 'SQLITE_BUSY_RECOVERY',
  [5 | (2 << 8)]: 'SQLITE_BUSY_SNAPSHOT',
  [5 | (3 << 8)]: 'SQLITE_BUSY_TIMEOUT',
  [6 | (1 << 8)]: 'SQLITE_LOCKED_SHAREDCACHE',
  [8 | (1 << 8)]: 'SQLITE_READONLY_RECOVERY',
  [19 | (1 << 8)]: 'SQLITE_CONSTRAINT_CHECK',
  [19 | (2 << 8)]: 'SQLITE_CONSTRAINT_COMMITHOOK',
  [19 | (3 << 8)]: 'SQLITE_CONSTRAINT_FOREIGNKEY',
  [19 | (4 << 8)]: 'SQLITE_CONSTRAINT_FUNCTION',
  [19 | (5 << 8)]: 'SQLITE_CONSTRAINT_NOTNULL',
  [19 | (6 << 8)]: 'SQLITE_CONSTRAINT_PRIMARYKEY',
  [19 | (7 << 8)]: 'SQLITE_CONSTRAINT_TRIGGER',
  [19 | (8 << 8)]: 'SQLITE_CONSTRAINT_UNIQUE',
  [19 | (9 << 8)]: 'SQLITE_CONSTRAINT_VTAB',
  [19 | (10 << 8)]: 'SQLITE_CONSTRAINT_ROWID',
  [19 | (11 << 8)]: 'SQLITE_CONSTRAINT_PINNED',
  [19 | (12 << 8)]: 'SQLITE_CONSTRAINT_DATATYPE',
};

/** SQLite's own name for a (possibly extended) result code, e.g. 1555 -> `SQLITE_CONSTRAINT_PRIMARYKEY`. */
export function sqliteErrorName(errcode: number): string | undefined {
  return EXTENDED[errcode] ?? PRIMARY[errcode & 0xff];
}

/** Gives a node:sqlite error SQLite's name for its result code as `code`; any other value is returned as it is. */
export function withSqliteErrorName(error: unknown): unknown {
  // No instanceof: under Jest's VM modules the error is of another realm.
  if (typeof error === 'object' && error !== null && 'errcode' in error && typeof error.errcode === 'number') {
    const name = sqliteErrorName(error.errcode);
    if (name) (error as { code?: string }).code = name;
  }
  return error;
}
