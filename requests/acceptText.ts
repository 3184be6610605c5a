import { GraphQLError } from 'graphql';
import { maskIdentityCodes } from '../lib/hetu.js';

/** Longest text, in characters (Unicode code points), of a request, an answer or a reply. */
export const MAX_TEXT_CHARACTERS = 4000;

/**
 * A request's text as it may be stored: NUL removed (PostgreSQL text cannot hold it), surrounding whitespace
 * trimmed, 1 to 4000 characters, identity codes hidden. The error names the limit, never the text.
 */
export function acceptText(raw: string, what = 'text'): string {
  const text = raw.replace(/\u0000/g, '').trim();
  const length = [...text].length;
  if (length < 1 || length > MAX_TEXT_CHARACTERS) {
    throw new GraphQLError(`"${what}" must be 1 to ${MAX_TEXT_CHARACTERS} characters long (got ${length})`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return maskIdentityCodes(text);
}
