import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

// Jest loads its global setup and teardown with Node's own resolver, which does not map `.js` imports to TypeScript
// sources as the tests' transform does: the teardown module comes through tsx.
const loadReplay = async () =>
  ((await tsImport('../support/teardown.ts', import.meta.url)) as typeof import('../support/teardown.js')).replayTeardownJournal;

/**
 * Runs in Jest's own process (not in the test's sandbox): names the teardown journal the test writes
 * (`HOSTS_TEARDOWN_JOURNAL`), and on SIGINT or SIGTERM replays it, so that Ctrl-C or a CI timeout leaves no namespace,
 * process or folder behind.
 */
export default async function globalSetup(): Promise<void> {
  process.env.APOLLO_TELEMETRY_DISABLED = '1'; // as tests/support/globalSetup.ts
  const replayTeardownJournal = await loadReplay();
  const journal = join(tmpdir(), `hub-hosts-${randomBytes(6).toString('hex')}.teardown.json`);
  process.env.HOSTS_TEARDOWN_JOURNAL = journal;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: removing what the multi-host test made\n`);
      for (const failure of replayTeardownJournal(journal)) process.stderr.write(`teardown: ${failure}\n`);
      process.exit(130);
    });
  }
}
