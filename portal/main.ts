import { createLogger } from '../lib/logger.js';
import { stopOnSignals } from '../lib/process.js';
import { startTracing } from '../lib/telemetry/tracing.js';
import { startPortal } from './server.js';

// Entry point when the citizen portal runs as its own process.
startTracing({ service: 'portal', env: process.env });
const logger = createLogger({ service: 'portal' });
const portal = await startPortal(process.env, { logger });
stopOnSignals(() => [portal], logger);
