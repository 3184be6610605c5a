import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** One clean-up step, as data, so that another process can replay it (see {@link replayTeardownJournal}). */
export type TeardownStep =
  | { readonly name: string; readonly kind: 'kill-group'; readonly pid: number }
  /** `optional`: its failure is no failure (it stops what may have stopped already). */
  | { readonly name: string; readonly kind: 'command'; readonly argv: readonly string[]; readonly optional?: boolean }
  /** Kills every process inside a network namespace (a namespace lives on while a process is in it), then deletes it. */
  | { readonly name: string; readonly kind: 'namespace'; readonly namespace: string }
  | { readonly name: string; readonly kind: 'remove'; readonly path: string };

/**
 * What a test made outside its own process (network namespaces, a database server, balancers, folders), written down
 * as it is made, and removed newest first by {@link Teardown.run} from afterAll. The steps are also kept in a journal
 * file (`HOSTS_TEARDOWN_JOURNAL`) so that Jest's own process replays them on SIGINT or SIGTERM, and at its global
 * teardown when the test ended without afterAll (jest.hosts.setup.ts): listeners a test adds to its `process` are
 * not the real process's, so a test cannot catch a signal itself.
 */
export class Teardown {
  readonly #steps: TeardownStep[] = [];
  readonly #journal: string | undefined;
  #done = false;

  constructor(journal = process.env.HOSTS_TEARDOWN_JOURNAL) {
    this.#journal = journal;
  }

  /** Adds a step; it runs before every step added earlier. */
  add(step: TeardownStep): void {
    this.#steps.push(step);
    if (this.#journal) writeFileSync(this.#journal, JSON.stringify(this.#steps));
  }

  /** Forgets a step that is no longer needed (a process that has exited: its pid may be reused). */
  drop(step: TeardownStep): void {
    const index = this.#steps.indexOf(step);
    if (index < 0 || this.#done) return;
    this.#steps.splice(index, 1);
    if (this.#journal) writeFileSync(this.#journal, JSON.stringify(this.#steps));
  }

  /** Runs every step once (a failing step is reported and the rest still run); returns the failures. */
  run(): string[] {
    if (this.#done) return [];
    this.#done = true;
    const failures = runSteps(this.#steps);
    if (this.#journal) rmSync(this.#journal, { force: true });
    return failures;
  }
}

/** Replays a journal left by a {@link Teardown} that did not run, and removes it; returns the failures. */
export function replayTeardownJournal(journal: string): string[] {
  let steps: TeardownStep[];
  try {
    steps = JSON.parse(readFileSync(journal, 'utf8')) as TeardownStep[];
  } catch {
    return []; // nothing was made, or the test cleaned up itself
  }
  const failures = runSteps(steps);
  rmSync(journal, { force: true });
  return failures;
}

function runSteps(steps: readonly TeardownStep[]): string[] {
  const failures: string[] = [];
  for (const step of [...steps].reverse()) {
    try {
      runStep(step);
    } catch (error) {
      failures.push(`${step.name}: ${(error as Error).message}`);
    }
  }
  return failures;
}

function runStep(step: TeardownStep): void {
  switch (step.kind) {
    case 'kill-group':
      try {
        process.kill(-step.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      return;
    case 'command': {
      const result = spawnSync(step.argv[0]!, step.argv.slice(1), { encoding: 'utf8', timeout: 15_000 });
      if (result.status !== 0 && !step.optional) throw new Error(`${step.argv.join(' ')} failed (${result.status}): ${result.stderr?.trim()}`);
      return;
    }
    case 'namespace': {
      const pids = spawnSync('ip', ['netns', 'pids', step.namespace], { encoding: 'utf8' });
      if (pids.status !== 0) return; // not there (never made, or already deleted)
      for (const pid of pids.stdout.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      const deleted = spawnSync('ip', ['netns', 'del', step.namespace], { encoding: 'utf8' });
      if (deleted.status !== 0) throw new Error(`ip netns del ${step.namespace}: ${deleted.stderr.trim()}`);
      return;
    }
    case 'remove':
      rmSync(step.path, { recursive: true, force: true });
      return;
  }
}
