import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { GraphQLError } from 'graphql';
import type { SubgraphContext } from '../lib/subgraph/service.js';
import type { RequestRouter } from '../router/index.js';
import { isCaseQueue, queueOfScope, type CaseQueue } from '../schema/caseScopes.js';
import { acceptText } from './acceptText.js';
import type { RequestsLoaders } from './loaders.js';
import type { MessageRecord, RequestAccess, RequestRecord, RequestStore, StoredStatus } from './requestStore.js';

type Context = SubgraphContext<RequestsLoaders>;
type PersonRef = { id: string };

/** Who a case is about, by name, as the population register knows the person; null when it has no record. */
export type SubjectLookup = (personId: string, caseworkerId: string) => Promise<{ firstNames: string; lastName: string } | null>;

/** Collaborators of {@link requestsResolvers}. */
export interface RequestsResolverOptions {
  store: RequestStore;
  router: RequestRouter;
  /** `Person.<field>` items a request may be about (requests/aboutItems.ts). */
  aboutItems: ReadonlySet<string>;
  subjects: SubjectLookup;
}

const STORED_STATUSES: ReadonlySet<string> = new Set(['RECEIVED', 'IN_PROGRESS', 'WAITING_FOR_CITIZEN', 'RESOLVED']);

function failure(code: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'RATE_LIMITED', message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** Only the citizen's own token: a caseworker or a partner is refused even should a scope arrive by mistake. */
function citizen(context: Context): { personId: string } {
  if (context.credential.party !== 'citizen') throw failure('FORBIDDEN', 'Only the citizen can do this with their own requests');
  return { personId: context.credential.subject };
}

/** Only a caseworker, and only for the queues their `cases:<queue>` scopes name. */
function caseworker(context: Context): { queues: CaseQueue[]; caseworkerId: string } {
  if (context.credential.party !== 'caseworker') throw failure('FORBIDDEN', 'Only a caseworker of the queue can do this');
  const queues = [...context.credential.scopes].map(queueOfScope).filter((queue): queue is CaseQueue => queue !== undefined);
  if (queues.length === 0) throw failure('FORBIDDEN', 'Only a caseworker of the queue can do this');
  return { queues, caseworkerId: context.credential.subject };
}

/** Who the caller is, for the fields both a citizen and a caseworker read. */
function accessOf(context: Context): RequestAccess {
  return context.credential.party === 'caseworker' ? caseworker(context) : citizen(context);
}

// Another citizen's request and another queue's case get the same answer as a case number that does not exist.
const notFound = () => failure('NOT_FOUND', 'No such request');

/**
 * Resolvers of the requests subgraph. The text of a request is never logged, and a health matter is not even
 * looked at twice: routed in memory, answered NOT_STORED, and gone (no row, no file, no log line).
 */
export function requestsResolvers(options: RequestsResolverOptions): GraphQLResolverMap<Context> {
  const { store, router } = options;

  async function found(record: RequestRecord | undefined): Promise<RequestRecord> {
    if (!record) throw notFound();
    return record;
  }

  return {
    Person: {
      __resolveReference: (reference: PersonRef) => ({ id: reference.id }),
      requests: (person: PersonRef, _args: unknown, context: Context) => {
        const { personId } = citizen(context);
        // The entity check (lib/subgraph/enforce.ts) already holds person.id to the subject; this says it again.
        if (person.id !== personId) throw notFound();
        return store.listForPerson(personId);
      },
    },
    Query: {
      caseQueue: (_root: unknown, args: { status?: string | null }, context: Context) => {
        const { queues } = caseworker(context);
        if (args.status && !STORED_STATUSES.has(args.status)) return [];
        return store.listForQueues(queues, (args.status ?? undefined) as StoredStatus | undefined);
      },
      caseRequest: async (_root: unknown, args: { id: string }, context: Context) => found(await store.find(args.id, caseworker(context))),
    },
    Mutation: {
      submitRequest: async (_root: unknown, args: { text: string; about?: string | null }, context: Context) => {
        const { personId } = citizen(context);
        const text = acceptText(args.text);
        const about = args.about === undefined || args.about === null || args.about === '' ? null : args.about;
        if (about !== null && !options.aboutItems.has(about)) {
          throw failure('BAD_USER_INPUT', '"about" must name an item of your data that a register holds, such as "Person.address"');
        }
        const route = router.route(text);
        if (route.queue === 'health' || !isCaseQueue(route.queue)) {
          // Health is not the hub's business: nothing is stored, counted or logged (CONTRACT.md, requests).
          return { id: null, queue: 'HEALTH', status: 'NOT_STORED' };
        }
        const outcome = await store.submit({ personId, queue: route.queue, text, about, language: route.language });
        if ('retryAfterSeconds' in outcome) {
          throw failure('RATE_LIMITED', 'You have sent the most requests allowed in 24 hours; try again later', { retryAfterSeconds: outcome.retryAfterSeconds });
        }
        context.logger.info({ caseNumber: outcome.stored.id, queue: outcome.stored.queue }, 'request stored');
        return { id: outcome.stored.id, queue: outcome.stored.queue.toUpperCase(), status: outcome.stored.status };
      },
      answerRequest: async (_root: unknown, args: { id: string; text: string }, context: Context) => {
        const access = citizen(context);
        const text = acceptText(args.text);
        return found(await store.addMessage(args.id, access, { from: 'CITIZEN', text }, 'IN_PROGRESS'));
      },
      disputeRoute: async (_root: unknown, args: { id: string }, context: Context) => {
        const access = citizen(context);
        const moved = await found(await store.move(args.id, access, 'triage'));
        context.logger.info({ caseNumber: moved.id }, 'request moved to triage by the citizen');
        return moved;
      },
      replyToRequest: async (_root: unknown, args: { id: string; text: string }, context: Context) => {
        const access = caseworker(context);
        const text = acceptText(args.text);
        return found(await store.addMessage(args.id, access, { from: 'CASEWORKER', text }, 'WAITING_FOR_CITIZEN'));
      },
      rerouteRequest: async (_root: unknown, args: { id: string; queue: string }, context: Context) => {
        const access = caseworker(context);
        const queue = args.queue.toLowerCase();
        if (!isCaseQueue(queue)) {
          throw failure('BAD_USER_INPUT', 'A request cannot be moved to HEALTH: health matters are not kept by the hub; reply with where to turn and resolve it');
        }
        const moved = await found(await store.move(args.id, access, queue));
        context.logger.info({ caseNumber: moved.id, queue, caseworker: access.caseworkerId }, 'request moved by a caseworker');
        return moved;
      },
      resolveRequest: async (_root: unknown, args: { id: string }, context: Context) => found(await store.setStatus(args.id, caseworker(context), 'RESOLVED')),
    },
    ServiceRequest: {
      queue: (request: RequestRecord) => request.queue.toUpperCase(),
      createdAt: (request: RequestRecord) => request.createdAt.toISOString(),
      updatedAt: (request: RequestRecord) => request.updatedAt.toISOString(),
      messages: (request: RequestRecord, _args: unknown, context: Context) => {
        accessOf(context);
        return context.loaders.messages.load(request.id);
      },
      subject: (request: RequestRecord, _args: unknown, context: Context) => options.subjects(request.personId, caseworker(context).caseworkerId),
    },
    RequestMessage: {
      at: (message: MessageRecord) => message.at.toISOString(),
    },
  };
}
