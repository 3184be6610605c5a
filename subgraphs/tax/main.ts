import { createLogger } from '../../lib/logger.js';
import { stopOnSignals } from '../../lib/process.js';
import { startTracing } from '../../lib/telemetry/tracing.js';
import { startSubgraph } from '../../lib/subgraph/start.js';
import { taxModule } from './module.js';

// Entry point when the tax subgraph runs as its own process (docker-compose, production).
startTracing({ service: 'tax-subgraph', env: process.env });
const logger = createLogger({ service: 'tax-subgraph' });
const service = await startSubgraph(taxModule, process.env, { logger });
stopOnSignals(() => [service], logger);
