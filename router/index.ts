// placeholder: replaced by wip/router on merge
//
// A minimal stand-in with exactly the interface agreed in _notes/INTERFACES.md, so that the requests API can be
// built and tested before the trained router lands. Its routing is a PLACEHOLDER KEYWORD RULE, not a classifier:
// nothing may depend on it beyond clearly routable texts.

/** Where a request goes. */
export type RequestQueue = 'population' | 'tax' | 'vehicles' | 'education' | 'triage' | 'health';
/** The language the router detected. */
export type RequestLanguage = 'fi' | 'sv' | 'en';

/** The router's verdict on one text. */
export interface RouteResult {
  queue: RequestQueue;
  confidence: number;
  language: RequestLanguage;
}

/** Routes a free text to a queue (synchronous). */
export interface RequestRouter {
  route(text: string): RouteResult;
}

// PLACEHOLDER KEYWORD RULE: health first (a health message must never land in a register's queue).
const RULES: ReadonlyArray<[RequestQueue, RegExp]> = [
  ['health', /\b(prescription|insulin|doctor|hospital|resept|lääkär|sairaala|läkare|sjukhus|recept)/i],
  ['tax', /\b(tax|vero|skatt)/i],
  ['vehicles', /\b(car|vehicle|driving licen[cs]e|auto|ajoneuvo|ajokortti|bil|fordon|körkort)/i],
  ['education', /\b(degree|school|university|tutkinto|koulu|yliopisto|examen|skola|universitet)/i],
  ['population', /\b(address|moved|name|osoite|muutin|nimi|adress|flyttade|namn)/i],
];

/** Loads the router (the placeholder ignores `modelPath`). */
export function loadRouter(_modelPath?: string): RequestRouter {
  return {
    route(text: string): RouteResult {
      const language: RequestLanguage = /[äö]|\b(minun|olen|en ole)\b/i.test(text) && !/\b(jag|min|och)\b/i.test(text) ? 'fi' : /\b(jag|min|och|är)\b/i.test(text) ? 'sv' : 'en';
      for (const [queue, pattern] of RULES) if (pattern.test(text)) return { queue, confidence: 0.9, language };
      return { queue: 'triage', confidence: 0.3, language };
    },
  };
}
