import { createLogger } from '../lib/logger.js';
import { stopOnSignals } from '../lib/process.js';
import { startRequestsService } from './server.js';

// Entry point when the requests service runs as its own process (docker-compose, production).
const logger = createLogger({ service: 'requests' });
const service = await startRequestsService(process.env, { logger });
stopOnSignals(() => [service], logger);
