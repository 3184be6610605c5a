import { createLogger } from '../../lib/logger.js';
import { stopOnSignals } from '../../lib/process.js';
import { startTracing } from '../../lib/telemetry/tracing.js';
import { startSubgraph } from '../../lib/subgraph/start.js';
import { vehiclesModule } from './module.js';

// Entry point when the vehicles subgraph runs as its own process (docker-compose, production).
startTracing({ service: 'vehicles-subgraph', env: process.env });
const logger = createLogger({ service: 'vehicles-subgraph' });
const service = await startSubgraph(vehiclesModule, process.env, { logger });
stopOnSignals(() => [service], logger);
