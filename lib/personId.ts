import { createHmac } from 'node:crypto';

/**
 * The hub's person identifier: a keyed pseudonym of the personal identity code, like Finland's electronic
 * client identifier. Registers are keyed by it, tokens and internal credentials carry it, and without the
 * key it cannot be turned back into the identity code (a plain hash could: the code space is small).
 */
export function personIdFor(personalIdentityCode: string, pseudonymKey: Buffer): string {
  if (pseudonymKey.length < 32) throw new TypeError('personIdFor: the pseudonym key must be at least 32 bytes');
  const digest = createHmac('sha256', pseudonymKey).update(personalIdentityCode.toUpperCase()).digest();
  return `p_${digest.subarray(0, 18).toString('base64url')}`;
}

/** The key that {@link personIdFor} uses, by name, for every service that loads it. */
export const PSEUDONYM_KEY_VARIABLE = 'HUB_PSEUDONYM_KEY';
/** File of the generated dev pseudonym key under `<hub home>/keys/`. */
export const PSEUDONYM_KEY_DEV_FILE = 'pseudonym.key';
