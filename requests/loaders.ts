import DataLoader from 'dataloader';
import type { MessageRecord, RequestStore } from './requestStore.js';

/** Request-scoped loaders of the requests subgraph: one query for the messages of every request in a response. */
export interface RequestsLoaders {
  readonly messages: DataLoader<string, MessageRecord[]>;
}

/** The request-scoped loaders over `store`. */
export function createRequestsLoaders(store: RequestStore): RequestsLoaders {
  return {
    messages: new DataLoader(async (ids: readonly string[]) => {
      const grouped = await store.messagesOf(ids);
      return ids.map((id) => grouped.get(id) ?? []);
    }),
  };
}
