import { describe, expect, it } from '@jest/globals';
import { checkSubgraphCli } from '../../../tests/support/checkSubgraphCli.js';

// The vehicles register's owners' gate: the working tree's schema composes, passes the policy and breaks no client's
// registered operation (`npm run check-subgraph -- vehicles`). A change that would break one fails here, in CI.
describe('npm run check-subgraph -- vehicles', () => {
  it('passes for the schema in the working tree', async () => {
    const { code, stdout } = await checkSubgraphCli(['vehicles', '--json']);
    const report = JSON.parse(stdout);
    expect(report.operations.affected).toEqual([]);
    expect(report.composition).toEqual({ ok: true, code: null, errors: [] });
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  }, 60_000);
});
