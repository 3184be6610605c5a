import { startConsentServer } from '../consent/server.js';
import { startGateway } from '../gateway/start.js';
import { startPartnerApp } from '../examples/partner/server.js';
import { createLogger } from '../lib/logger.js';
import { stopOnSignals } from '../lib/process.js';
import { startTracing } from '../lib/telemetry/tracing.js';
import { startConsole } from '../console/server.js';
import { startPortal } from '../portal/server.js';
import { startRequestsService } from '../requests/server.js';
import { startSubgraph, type RunningService } from '../lib/subgraph/start.js';
import { readSubgraphRegistry } from '../lib/subgraphRegistry.js';
import { loadRegisterModules } from './registerModules.js';
import { startProcesses, wantsSeparateProcesses } from './startProcesses.js';

// `npm start`: the whole hub in one process to stay light. Each service still has its own port, database
// handle, keys and logger, exactly as when it runs alone; nothing is shared that a deployment would not share.
// `npm start -- --processes` (or HUB_PROCESSES=separate): every service as its own process, as deployed.
const started = Date.now();
const env = process.env;
let separate: boolean;
try {
  separate = wantsSeparateProcesses(process.argv.slice(2), env);
} catch (error) {
  process.stderr.write(`npm start: ${(error as Error).message}\n`);
  process.exit(2);
}
if (separate) process.exit(await startProcesses(env, createLogger({ service: 'hub' })));
startTracing({ service: 'hub', env: process.env });
const logger = createLogger({ service: 'hub' });
const services: RunningService[] = [];
stopOnSignals(() => [...services].reverse(), logger);

try {
  const issuer = await startConsentServer(env);
  services.push(issuer);
  // Every register of subgraphs/registry.json (a register that joined needs no edit here) and the hub's own requests
  // subgraph (requests/, REQUESTS_PORT 4005) start side by side.
  const modules = await loadRegisterModules(readSubgraphRegistry());
  const subgraphs = await Promise.all([...modules.map((module) => startSubgraph(module, env)), startRequestsService(env)]);
  services.push(...subgraphs);
  services.push(await startGateway(env));
  services.push(await startPortal(env));
  services.push(await startConsole(env)); // the caseworkers' console (console/, CONSOLE_PORT 4400)
  services.push(await startPartnerApp(env)); // the partner example app (examples/partner/), a client of the hub
} catch (error) {
  logger.fatal({ err: error }, 'the hub failed to start');
  await Promise.allSettled(services.map((service) => service.stop()));
  process.exit(1);
}
logger.info({ ms: Date.now() - started, services: Object.fromEntries(services.map((s) => [s.name, s.url])) }, 'hub ready');
