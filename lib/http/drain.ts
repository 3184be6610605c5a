/**
 * Whether this process is draining: it got SIGTERM, so `/readyz` fails (load balancers stop sending new requests)
 * while every service still serves for `SHUTDOWN_DRAIN_SECONDS`, then closes. Process-wide on purpose: a signal
 * stops every service of the process together (several run in one under `npm start`).
 */
let draining = false;

/** Starts draining: `/readyz` answers 503 and responses close their keep-alive connections from now on. */
export function beginDrain(): void {
  draining = true;
}

/** True once {@link beginDrain} was called. */
export function isDraining(): boolean {
  return draining;
}

/** Undoes {@link beginDrain}; for tests that drain in-process and then go on. */
export function endDrainForTests(): void {
  draining = false;
}
