import { createLogger } from '../../lib/logger.js';
import { stopOnSignals } from '../../lib/process.js';
import { startSubgraph } from '../../lib/subgraph/start.js';
import { populationModule } from './module.js';

// Entry point when the population subgraph runs as its own process (docker-compose, production).
const logger = createLogger({ service: 'population-subgraph' });
const service = await startSubgraph(populationModule, process.env, { logger });
stopOnSignals(() => [service], logger);
