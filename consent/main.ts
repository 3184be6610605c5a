import { createLogger } from '../lib/logger.js';
import { stopOnSignals } from '../lib/process.js';
import { startTracing } from '../lib/telemetry/tracing.js';
import { startConsentServer } from './server.js';

// Entry point when the authorization and consent server runs as its own process.
startTracing({ service: 'authorization-server', env: process.env });
const logger = createLogger({ service: 'auth' });
const issuer = await startConsentServer(process.env, { logger });
stopOnSignals(() => [issuer], logger);
