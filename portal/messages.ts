import type { Language } from '../lib/web/language.js';
import { en } from './messages/en.js';
import { fi } from './messages/fi.js';
import { sv } from './messages/sv.js';
import type { PortalMessages } from './messages/types.js';

export type { PortalMessages };

/**
 * All portal strings, by language (one file per language under `messages/`, their shape in `messages/types.ts`).
 * Add a key to {@link PortalMessages} and to all three languages at once: the compiler holds you to it.
 */
export const messages: Readonly<Record<Language, PortalMessages>> = Object.freeze({ fi, sv, en });
