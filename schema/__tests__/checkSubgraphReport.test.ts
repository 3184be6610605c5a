import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_TRUSTED_DOCUMENTS_DIR } from '../../gateway/trustedDocuments.js';
import { readTrustedDocumentsDir } from '../../lib/trustedDocuments.js';
import { checkSubgraph } from '../checkSubgraph.js';
import { readSubgraphSchemas, SUPERGRAPH_PATH } from '../compose.js';

// checkSubgraph() in-process: what the API schema diff cannot see (authorization) and how usage is attributed.

const subgraphs = readSubgraphSchemas();
const tax = subgraphs.find((s) => s.name === 'tax')!.typeDefs;
const input = (proposedTypeDefs: string) => ({
  register: 'tax', proposedTypeDefs, subgraphs, currentSupergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
  manifests: readTrustedDocumentsDir(DEFAULT_TRUSTED_DOCUMENTS_DIR),
});

describe('checkSubgraph', () => {
  it('reports a changed @requiresScopes as dangerous, with the operations that select the field', async () => {
    const report = await checkSubgraph(input(tax.replace('taxUpdatedAt: String @requiresScopes(scopes: [["tax:income"], ["tax:debt"]])', 'taxUpdatedAt: String @requiresScopes(scopes: [["tax:income"]])')));
    expect(report.ok).toBe(true);
    expect(report.changes).toEqual([{
      level: 'DANGEROUS', type: 'AUTHORIZATION_CHANGED', path: 'Person.taxUpdatedAt', unused: false,
      message: `Field 'Person.taxUpdatedAt' now requires [["tax:income"]] instead of [["tax:income"],["tax:debt"]]`,
      usedBy: [{ client: 'citizen-portal', operation: 'PortalMyData' }],
    }]);
  });

  it('attributes a breaking change to the operations that select it, not to every operation on the type', async () => {
    const report = await checkSubgraph(input(tax.replace('  taxesPaid: Float!', '  taxesPaid: Int!')));
    const change = report.changes.find((c) => c.path === 'TaxAssessment.taxesPaid')!;
    expect(change).toMatchObject({ level: 'BREAKING', type: 'FIELD_TYPE_CHANGED' });
    // Demo Bank reads taxAssessments { year earnedIncome }, not taxesPaid: still validates and is not affected.
    expect(change.usedBy.map((u) => u.client)).not.toContain('demo-bank');
    expect(report.operations.affected.map((a) => `${a.client} ${a.operation}`)).not.toContain('demo-bank BankPrefill');
    // A retyped field the portal selects still validates, but the portal would read an Int: that breaks it.
    expect(report.operations.affected).toEqual(expect.arrayContaining([expect.objectContaining({ client: 'citizen-portal', operation: 'PortalMyData', errors: [], changes: ['TaxAssessment.taxesPaid'] })]));
    expect(report.ok).toBe(false);
  });
});
