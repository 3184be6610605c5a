import { createLogger } from '../../lib/logger.js';
import { stopOnSignals } from '../../lib/process.js';
import { startTracing } from '../../lib/telemetry/tracing.js';
import { startSubgraph } from '../../lib/subgraph/start.js';
import { educationModule } from './module.js';

// Entry point when the education subgraph runs as its own process (docker-compose, production).
startTracing({ service: 'education-subgraph', env: process.env });
const logger = createLogger({ service: 'education-subgraph' });
const service = await startSubgraph(educationModule, process.env, { logger });
stopOnSignals(() => [service], logger);
