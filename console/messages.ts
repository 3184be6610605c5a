import type { Language } from '../lib/web/language.js';
import { en } from './messages/en.js';
import { fi } from './messages/fi.js';
import { sv } from './messages/sv.js';
import type { ConsoleMessages } from './messages/types.js';

export type { ConsoleMessages };

/** All console strings, by language (one file each under `messages/`); the compiler holds every key in all three. */
export const messages: Readonly<Record<Language, ConsoleMessages>> = Object.freeze({ fi, sv, en });
