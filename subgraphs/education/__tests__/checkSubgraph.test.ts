import { describe, expect, it } from '@jest/globals';
import { checkSubgraphCli } from '../../../tests/support/checkSubgraphCli.js';

// The education register's owners' gate: the working tree's schema composes, passes the policy and breaks no client's
// registered operation (`npm run check-subgraph -- education`). A change that would break one fails here, in CI.
describe('npm run check-subgraph -- education', () => {
  it('passes for the schema in the working tree', async () => {
    const { code, stdout } = await checkSubgraphCli(['education', '--json']);
    const report = JSON.parse(stdout);
    expect(report.operations.affected).toEqual([]);
    expect(report.composition).toEqual({ ok: true, code: null, errors: [] });
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  }, 60_000);
});
