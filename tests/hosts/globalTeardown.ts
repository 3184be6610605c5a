import { tsImport } from 'tsx/esm/api';

// Jest loads its global setup and teardown with Node's own resolver, which does not map `.js` imports to TypeScript
// sources as the tests' transform does: the teardown module comes through tsx.
const loadReplay = async () =>
  ((await tsImport('../support/teardown.ts', import.meta.url)) as typeof import('../support/teardown.js')).replayTeardownJournal;

/** After the run: replays what the test's afterAll did not get to (a crash, a failed beforeAll, a forced exit). */
export default async function globalTeardown(): Promise<void> {
  const journal = process.env.HOSTS_TEARDOWN_JOURNAL;
  if (!journal) return;
  const failures = (await loadReplay())(journal);
  if (failures.length > 0) throw new Error(`the multi-host test's teardown failed:\n${failures.join('\n')}`);
}
