import { createLogger } from '../../lib/logger.js';
import { stopOnSignals } from '../../lib/process.js';
import { startTracing } from '../../lib/telemetry/tracing.js';
import { startSubgraph } from '../../lib/subgraph/start.js';
import { populationModule } from './module.js';

// Entry point when the population subgraph runs as its own process (docker-compose, production).
startTracing({ service: 'population-subgraph', env: process.env });
const logger = createLogger({ service: 'population-subgraph' });
const service = await startSubgraph(populationModule, process.env, { logger });
stopOnSignals(() => [service], logger);
