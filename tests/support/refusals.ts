import { HubError } from '../../lib/errors.js';

/** The HubError `run` throws; anything else it throws is rethrown, and throwing nothing fails the test. */
export function thrownHubError(run: () => unknown): HubError {
  try {
    run();
  } catch (error) {
    if (error instanceof HubError) return error;
    throw error;
  }
  throw new Error('expected a HubError');
}

/** The HubError `promise` rejects with; any other rejection is rethrown, and resolving fails the test. */
export async function rejectedHubError(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HubError) return error;
    throw error;
  }
  throw new Error('expected a HubError');
}
