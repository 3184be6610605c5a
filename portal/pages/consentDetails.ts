import { escapeHtml } from '../../lib/web/html.js';
import { formatDateTime } from '../../lib/web/format.js';
import type { Language } from '../../lib/web/language.js';
import { scopeCatalogue } from '../../schema/scopes.js';
import type { ConsentItem } from '../hubClient.js';
import { messages } from '../messages.js';
import { descriptionList, time } from './parts.js';

const DESCRIPTIONS = new Map(scopeCatalogue().map((entry) => [entry.scope, entry.description]));

/** A consented item in plain words from the scope catalogue, or the scope itself if the catalogue lacks it. */
export function scopeDescription(scope: string, lang: Language): string {
  return DESCRIPTIONS.get(scope)?.[lang] ?? scope;
}

function when(lang: Language, iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? escapeHtml(iso) : time(iso, formatDateTime(lang, date));
}

/** A consent's purpose, items, and dates (granted; valid until, expired or revoked) as a description list. */
export function consentDetails(consent: ConsentItem, lang: Language): string {
  const t = messages[lang].consents;
  const items = consent.scopes.length === 0
    ? '–'
    : `<ul class="items">${consent.scopes.map((scope) => `<li>${escapeHtml(scopeDescription(scope, lang))}</li>`).join('')}</ul>`;
  const rows: Array<[string, string]> = [
    [t.purpose, escapeHtml(consent.purpose)],
    [t.items, items],
    [t.granted, when(lang, consent.grantedAt)],
  ];
  if (consent.status === 'REVOKED' && consent.revokedAt) rows.push([t.revokedOn, when(lang, consent.revokedAt)]);
  else rows.push([consent.status === 'EXPIRED' ? t.expiredOn : t.expires, when(lang, consent.expiresAt)]);
  return descriptionList(rows);
}
