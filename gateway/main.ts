import { createLogger } from '../lib/logger.js';
import { stopOnSignals } from '../lib/process.js';
import { startTracing } from '../lib/telemetry/tracing.js';
import { startGateway } from './start.js';

// Entry point when the gateway runs as its own process.
startTracing({ service: 'gateway', env: process.env });
const logger = createLogger({ service: 'gateway' });
const gateway = await startGateway(process.env, { logger });
stopOnSignals(() => [gateway], logger);
