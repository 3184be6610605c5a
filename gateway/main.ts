import { createLogger } from '../lib/logger.js';
import { stopOnSignals } from '../lib/process.js';
import { startGateway } from './start.js';

// Entry point when the gateway runs as its own process.
const logger = createLogger({ service: 'gateway' });
const gateway = await startGateway(process.env, { logger });
stopOnSignals(() => [gateway], logger);
