/** Runs once before the suite: nothing to start here; each test file starts what it needs on free ports. */
export default async function globalSetup(): Promise<void> {
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
}
