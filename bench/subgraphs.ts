import { createLogger } from '../lib/logger.js';
import { stopOnSignals } from '../lib/process.js';
import { startSubgraph, type RunningService } from '../lib/subgraph/start.js';
import { educationModule } from '../subgraphs/education/module.js';
import { populationModule } from '../subgraphs/population/module.js';
import { taxModule } from '../subgraphs/tax/module.js';
import { vehiclesModule } from '../subgraphs/vehicles/module.js';
import { startRequestsService } from '../requests/server.js';

// The four register subgraphs in one process, for the whole bench (as `npm start` hosts them): each on its own port
// from `<REGISTER>_PORT`, with its own database handle (`DATABASE_URL`, else SQLite under HUB_HOME, seeded on
// first start with HUB_SEED_PERSONS persons in dev mode). Every gateway under test calls these same processes.
const logger = createLogger({ service: 'bench-subgraphs' });
const services: RunningService[] = [];
stopOnSignals(() => services, logger);
// One after the other: on a fresh SQLite home each register seeds itself, and four seeds at once only contend.
for (const module of [populationModule, taxModule, vehiclesModule, educationModule]) {
  services.push(await startSubgraph(module as never, process.env));
}
// The hub's requests subgraph too, when given a port: the gateway's /readyz waits for every subgraph.
if (process.env.REQUESTS_PORT) services.push(await startRequestsService(process.env));
logger.info({ services: Object.fromEntries(services.map((s) => [s.name, s.url])) }, 'bench subgraphs ready');
