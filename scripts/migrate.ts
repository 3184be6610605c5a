import { createLogger } from '../lib/logger.js';
import { migrateAll } from './migrateAll.js';

// `npm run migrate`: every service's migrations against its database URL (the Kubernetes migration Job's command).
const logger = createLogger({ service: 'migrate' });
try {
  await migrateAll(process.env, logger);
  logger.flush(() => process.exit(0));
} catch (error) {
  logger.fatal({ err: error }, 'migration failed');
  logger.flush(() => process.exit(1));
}
