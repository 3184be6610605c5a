// What other folders import from the router.
export type { RequestLanguage, RequestQueue, RequestRouter, RouteResult } from './requestTypes.js';
export { REGISTER_QUEUES, REQUEST_LANGUAGES, REQUEST_QUEUES } from './requestTypes.js';
export { loadRouter } from './loadRouter.js';
export { DEFAULT_MODEL_PATH } from './routerModel.js';
