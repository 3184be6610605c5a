/**
 * Synchronous clean-up steps, run once, newest first: from afterAll, and from the process's `exit`, SIGINT and
 * SIGTERM, so that what a test made outside its own process (network namespaces, a database server, balancers) is
 * gone even when the test fails, is interrupted, or Jest exits without afterAll.
 */
export class Teardown {
  readonly #steps: Array<{ name: string; run: () => void }> = [];
  #done = false;
  readonly #onExit = () => this.run();
  readonly #onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: cleaning up what the test made\n`);
    this.run();
    process.exit(130);
  };

  constructor() {
    process.once('exit', this.#onExit);
    process.once('SIGINT', this.#onSignal);
    process.once('SIGTERM', this.#onSignal);
  }

  /** Adds a step; it runs before every step added earlier. */
  add(name: string, run: () => void): void {
    this.#steps.push({ name, run });
  }

  /** Runs every step once (a failing step is reported and the rest still run); returns the failures. */
  run(): string[] {
    if (this.#done) return [];
    this.#done = true;
    process.off('exit', this.#onExit);
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
    const failures: string[] = [];
    for (const step of this.#steps.reverse()) {
      try {
        step.run();
      } catch (error) {
        failures.push(`${step.name}: ${(error as Error).message}`);
      }
    }
    return failures;
  }
}
