/**
 * The Finnish personal identity code (henkilötunnus), `DDMMYYCZZZQ`, as defined by the Population Information
 * Act (661/2009) §11 and its 2023 amendment (new century signs). Error messages never echo the code.
 */

/** Century signs by century; the first of each list is the traditional one, the rest were added in 2023. */
export const CENTURY_SIGNS = Object.freeze({
  1800: Object.freeze(['+']),
  1900: Object.freeze(['-', 'Y', 'X', 'W', 'V', 'U']),
  2000: Object.freeze(['A', 'B', 'C', 'D', 'E', 'F']),
} as const);

/** A century that has century signs. */
export type Century = keyof typeof CENTURY_SIGNS;

/** What a valid personal identity code tells about its holder. */
export interface HetuInfo {
  /** ISO 8601 date of birth. */
  dateOfBirth: string;
  /** By the parity of the individual number: even is female. */
  sex: 'female' | 'male';
  /** Individual numbers 900-999 are temporary codes never given to a real person. */
  temporary: boolean;
  individualNumber: number;
  centurySign: string;
}

const CONTROL_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const SHAPE = /^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$/;

function centuryOf(sign: string): Century {
  for (const century of [1800, 1900, 2000] as const) {
    if ((CENTURY_SIGNS[century] as readonly string[]).includes(sign)) return century;
  }
  throw new TypeError('unknown century sign'); // unreachable: SHAPE admits only known signs
}

function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0-99 to 1900-1999, and rolls 31.2. over to March; both show up as a mismatch here.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

function controlCharacter(ddmmyy: string, zzz: string): string {
  return CONTROL_CHARACTERS[Number(`${ddmmyy}${zzz}`) % 31]!;
}

function inspect(code: string): HetuInfo | null {
  const match = SHAPE.exec(code);
  if (!match) return null;
  const [, dd, mm, yy, sign, zzz, control] = match as unknown as [string, string, string, string, string, string, string];
  const dateOfBirth = isoDate(centuryOf(sign) + Number(yy), Number(mm), Number(dd));
  const individualNumber = Number(zzz);
  // 000 and 001 are never issued (the law reserves 002-899 for people and 900-999 for temporary codes).
  if (!dateOfBirth || individualNumber < 2) return null;
  if (controlCharacter(`${dd}${mm}${yy}`, zzz) !== control) return null;
  return {
    dateOfBirth,
    sex: individualNumber % 2 === 0 ? 'female' : 'male',
    temporary: individualNumber >= 900,
    individualNumber,
    centurySign: sign,
  };
}

/** True when `code` is a well-formed personal identity code with a real date and the right control character. */
export function isValidHetu(code: unknown): boolean {
  return typeof code === 'string' && inspect(code) !== null;
}

/** Parses a personal identity code; throws a TypeError (without the code in it) when it is not valid. */
export function parseHetu(code: string): HetuInfo {
  if (typeof code !== 'string') throw new TypeError(`parseHetu: argument "code" must be a string, got ${typeof code}`);
  const info = inspect(code);
  if (!info) throw new TypeError('parseHetu: argument "code" is not a valid personal identity code');
  return info;
}

/**
 * Builds a personal identity code from an ISO date of birth, an individual number (2-999) and which of the
 * century's signs to use (0 is the traditional `-`, `A` or `+`; 1-5 the signs added in 2023).
 */
export function formatHetu(dateOfBirth: string, individualNumber: number, centurySignVariant = 0): string {
  const match = typeof dateOfBirth === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth) : null;
  const [, yyyy, mm, dd] = (match ?? []) as unknown as [string, string, string, string];
  if (!match || isoDate(Number(yyyy), Number(mm), Number(dd)) === null) {
    throw new TypeError('formatHetu: argument "dateOfBirth" must be a valid ISO date (YYYY-MM-DD)');
  }
  const century = (Math.floor(Number(yyyy) / 100) * 100) as Century;
  const signs = CENTURY_SIGNS[century] as readonly string[] | undefined;
  if (!signs) throw new TypeError('formatHetu: argument "dateOfBirth" must be a date in the years 1800-2099');
  if (!Number.isInteger(individualNumber) || individualNumber < 2 || individualNumber > 999) {
    throw new TypeError(`formatHetu: argument "individualNumber" must be an integer 2-999, got ${String(individualNumber)}`);
  }
  const sign = Number.isInteger(centurySignVariant) ? signs[centurySignVariant] : undefined;
  if (sign === undefined) {
    throw new TypeError(
      `formatHetu: argument "centurySignVariant" must be an integer 0-${signs.length - 1} for ${century}s, got ${String(centurySignVariant)}`,
    );
  }
  const ddmmyy = `${dd}${mm}${yyyy.slice(2)}`;
  const zzz = String(individualNumber).padStart(3, '0');
  return `${ddmmyy}${sign}${zzz}${controlCharacter(ddmmyy, zzz)}`;
}

/** What {@link maskIdentityCodes} puts in place of each code. */
export const MASKED_IDENTITY_CODE = '[identity code hidden]';
/** Anything shaped like a personal identity code (valid or not), not glued to other letters or digits. */
const CODE_IN_TEXT = /(?<![0-9A-Za-z])\d{6}[-+A-FU-Y]\d{3}[0-9A-Y](?![0-9A-Za-z])/gi;

/**
 * Replaces everything shaped like a personal identity code in a free text, valid or not: a mistyped code is still
 * somebody's code, and a person writing to an authority often pastes theirs (or a child's) in the message.
 */
export function maskIdentityCodes(text: string): string {
  return text.replace(CODE_IN_TEXT, MASKED_IDENTITY_CODE);
}

/** The shape of an identity code anywhere in a string, case-insensitive (what the log scrubber looks for). */
const CODE_SHAPE = /\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]/i;

/**
 * Whether a string holds something shaped like an identity code anywhere: hex ids (a trace id) can by chance, and
 * an id that reaches every log line must not (it would be redacted there, or be a way to plant a code in the logs).
 */
export function hasIdentityCodeShape(text: string): boolean {
  return CODE_SHAPE.test(text);
}
