import { SignJWT } from 'jose';
import type { SigningKey } from '../lib/keys.js';
import type { LocalizedText } from '../lib/consents/consentStore.js';

/** JOSE `typ` of a consent receipt, so it can never pass for an access or ID token (RFC 8725 §3.11). */
export const CONSENT_RECEIPT_TYPE = 'consent-receipt+jwt';

/** What a consent receipt records. */
export interface ReceiptContent {
  issuer: string;
  consentId: string;
  personId: string;
  clientId: string;
  clientName: string;
  purpose: LocalizedText;
  scopes: readonly string[];
  grantedAt: Date;
  expiresAt: Date;
}

/**
 * Signs a consent receipt (in the spirit of the Kantara Consent Receipt): a JWS the citizen can keep as proof
 * of what they agreed to, verifiable with the authorization server's published keys.
 */
export function signConsentReceipt(key: SigningKey, content: ReceiptContent): Promise<string> {
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  return new SignJWT({
    client_id: content.clientId,
    client_name: content.clientName,
    purpose: content.purpose,
    scope: content.scopes.join(' '),
    granted_at: seconds(content.grantedAt),
    consent_expires_at: seconds(content.expiresAt),
  })
    .setProtectedHeader({ alg: key.alg, typ: CONSENT_RECEIPT_TYPE, kid: key.kid })
    .setIssuer(content.issuer)
    .setSubject(content.personId)
    .setJti(content.consentId)
    .setIssuedAt(seconds(content.grantedAt))
    .sign(key.privateKey);
}
