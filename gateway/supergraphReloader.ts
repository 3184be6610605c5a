import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'graphql';
import { HubError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { checkSchemaPolicy } from '../schema/policy.js';
import { readScopeCatalogueFile, scopeCatalogue, type ScopeEntry } from '../schema/scopes.js';

/** What the gateway serves from one supergraph: built whole, then swapped in whole. */
export interface ServedSupergraph {
  /** SHA-256 (hex) of the supergraph's text: what `/readyz` reports. */
  readonly hash: string;
}

/** Where requests get the supergraph in service; a request takes it once and keeps it to its end. */
export interface SupergraphSource<S extends ServedSupergraph> {
  current(): S;
  /** Looks at the file once now (the timer does it every interval); true when a new supergraph went into service. */
  poll(): boolean;
  stop(): void;
}

/** A registered operation, by client, that every supergraph put in service must still validate. */
export interface RegisteredOperation {
  readonly clientId: string;
  readonly name: string;
  readonly body: string;
}

/** Options of {@link watchSupergraph}. */
export interface WatchSupergraphOptions<S extends ServedSupergraph> {
  /** The published supergraph file (`SUPERGRAPH_PATH`). */
  path: string;
  /** How often it is looked at (`SUPERGRAPH_RELOAD_SECONDS`, default 10). */
  intervalMs: number;
  /** Builds everything a request needs from a supergraph's text (schema, planner, caches); throws when it cannot. */
  build: (sdl: string, hash: string) => S;
  /** Checks one registered operation against a built supergraph as a request would be checked; throws if refused. */
  validate: (served: S, body: string) => void;
  /** The registered operations in service, read at each reload. */
  registered: () => Iterable<RegisteredOperation>;
  logger: Logger;
  /** The scope catalogue the policy checks against, read at each validation; default {@link catalogueBeside}. */
  catalogue?: () => readonly ScopeEntry[];
}

/**
 * The scope catalogue published with a supergraph: `scopes.json` in the same folder (for the committed supergraph,
 * `schema/scopes.json`), else the catalogue built in. A register that joins brings a new scope with its supergraph, so
 * the catalogue is read again at each reload.
 */
export function catalogueBeside(supergraphPath: string): readonly ScopeEntry[] {
  const file = join(dirname(supergraphPath), 'scopes.json');
  return existsSync(file) ? readScopeCatalogueFile(file) : scopeCatalogue();
}

/**
 * How logs name a supergraph: the first 10 hex digits of its hash. Ten, because the log scrubber reads any 11
 * characters like `123456a789b` as a personal identity code, which a longer run of hex digits can be.
 */
export function supergraphVersion(hash: string): string {
  return hash.slice(0, 10);
}

/** SHA-256 of a supergraph's text, in hex. */
export function supergraphHash(sdl: string): string {
  return createHash('sha256').update(sdl, 'utf8').digest('hex');
}

/**
 * Publishing without restarts, on the model of the trusted documents' reload (gateway/trustedDocuments.ts): the file
 * is read every `intervalMs` and, when its text changed, validated whole (it parses and plans as a supergraph, passes
 * the schema policy, and every registered operation still validates against it), built, and swapped in with one
 * assignment. A refused one is logged by file name, version (its hash's first digits) and reason; the one in service stays. Requests hold the
 * object they started with, so one in flight finishes on it. Gateway processes reading the same file converge within
 * one interval. The first supergraph must load, or the gateway does not start.
 */
export function watchSupergraph<S extends ServedSupergraph>(options: WatchSupergraphOptions<S>): SupergraphSource<S> {
  const catalogue = options.catalogue ?? (() => catalogueBeside(options.path));
  const name = basename(options.path);
  const initialText = readFileSync(options.path, 'utf8');
  let served = accept(initialText, supergraphHash(initialText), false);
  let refused: string | undefined;

  function accept(sdl: string, hash: string, checkOperations: boolean): S {
    try {
      parse(sdl);
    } catch (error) {
      throw new TypeError(`not a GraphQL document: ${(error as Error).message}`);
    }
    let scopes: readonly ScopeEntry[];
    try {
      scopes = catalogue();
    } catch (error) {
      throw new TypeError(`its scope catalogue is unreadable: ${(error as Error).message}`);
    }
    const violations = checkSchemaPolicy([{ name: 'supergraph', typeDefs: sdl }], scopes);
    if (violations.length > 0) throw new TypeError(`the schema policy refuses it: ${violations.map((v) => v.message).join('; ')}`);
    let candidate: S;
    try {
      candidate = options.build(sdl, hash);
    } catch (error) {
      throw new TypeError(`not a supergraph the gateway can plan on: ${(error as Error).message}`);
    }
    if (checkOperations) {
      const broken: string[] = [];
      for (const { clientId, name: operation, body } of options.registered()) {
        try {
          options.validate(candidate, body);
        } catch (error) {
          broken.push(`${clientId}/${operation} (${error instanceof HubError ? error.code : (error as Error).message})`);
        }
      }
      if (broken.length > 0) throw new TypeError(`registered operations would stop validating: ${broken.join(', ')}`);
    }
    return candidate;
  }

  function catalogueStamp(): string {
    if (options.catalogue) return '';
    try {
      return supergraphHash(readFileSync(join(dirname(options.path), 'scopes.json'), 'utf8'));
    } catch {
      return '';
    }
  }

  function poll(): boolean {
    let text: string;
    try {
      text = readFileSync(options.path, 'utf8');
    } catch (error) {
      options.logger.error({ supergraph: name, code: (error as NodeJS.ErrnoException).code }, 'supergraph file unreadable; the one in service stays');
      return false;
    }
    const hash = supergraphHash(text);
    // A refused supergraph is tried again once its scope catalogue changes (a new scope published after it).
    const attempt = `${hash}:${catalogueStamp()}`;
    if (hash === served.hash || attempt === refused) return false;
    try {
      served = accept(text, hash, true);
      refused = undefined;
      options.logger.info({ supergraph: name, version: supergraphVersion(hash) }, 'supergraph reloaded');
      return true;
    } catch (error) {
      // Logged once per published text, not at every interval; the reason names coordinates and operations, no data.
      refused = attempt;
      options.logger.error({ supergraph: name, version: supergraphVersion(hash), reason: (error as Error).message.slice(0, 2000), inService: supergraphVersion(served.hash) }, 'supergraph refused; the one in service stays');
      return false;
    }
  }

  const timer = setInterval(poll, options.intervalMs);
  timer.unref();
  return { current: () => served, poll, stop: () => clearInterval(timer) };
}

/** A supergraph that never changes (one given in code, as the conformance tests do). */
export function fixedSupergraph<S extends ServedSupergraph>(served: S): SupergraphSource<S> {
  return { current: () => served, poll: () => false, stop: () => undefined };
}
