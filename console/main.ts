import { createLogger } from '../lib/logger.js';
import { stopOnSignals } from '../lib/process.js';
import { startConsole } from './server.js';

// Entry point when the caseworkers' console runs as its own process.
const logger = createLogger({ service: 'console' });
const console_ = await startConsole(process.env, { logger });
stopOnSignals(() => [console_], logger);
