import { createLogger } from '../lib/logger.js';
import { stopOnSignals } from '../lib/process.js';
import { startDevIssuer } from './devIssuer.js';

// Entry point when the issuer runs as its own process.
const logger = createLogger({ service: 'auth' });
const issuer = await startDevIssuer(process.env, { logger });
stopOnSignals(() => [issuer], logger);
