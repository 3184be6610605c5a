import { Kind, parse, valueFromASTUntyped, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { TrustedDocumentManifest } from '../lib/trustedDocuments.js';
import { coordinatesUsed } from './operationCoordinates.js';
import type { OperationRef } from './checkSubgraph.js';

/** Disclosures of one field to one client in one month (UTC). */
export interface MonthlyDisclosures {
  readonly client: string;
  readonly month: string;
  readonly count: number;
}

/** Who uses one field of a register: the registered operations that select it, and how often it left, per client and month. */
export interface FieldUsage {
  readonly field: string;
  readonly operations: readonly OperationRef[];
  readonly disclosures: readonly MonthlyDisclosures[];
}

/**
 * The fields a register's subgraph schema defines, as `Type.field`, in schema order: every field of its object types
 * and extensions, without the entity keys (`@key(fields: "id")`), which join registers and carry no data.
 */
export function registerFields(typeDefs: string): string[] {
  const document: DocumentNode = parse(typeDefs);
  const fields: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const keys = new Set((definition.directives ?? [])
      .filter((d) => d.name.value === 'key')
      .flatMap((d) => String(valueFromASTUntyped(d.arguments?.find((a) => a.name.value === 'fields')?.value ?? { kind: Kind.STRING, value: '' })).split(/\s+/)));
    for (const field of definition.fields ?? []) {
      if (!keys.has(field.name.value)) fields.push(`${definition.name.value}.${field.name.value}`);
    }
  }
  return [...new Set(fields)];
}

/** Per field: the operations of `manifests` that select it (against `apiSchema`) and the disclosure counts given. */
export function fieldUsage(
  fields: readonly string[],
  apiSchema: GraphQLSchema,
  manifests: ReadonlyMap<string, TrustedDocumentManifest>,
  counts: ReadonlyArray<{ clientId: string; month: string; field: string; count: number }>,
): FieldUsage[] {
  const operations = [...manifests].flatMap(([client, manifest]) => manifest.operations.map((op) => ({
    client, operation: op.name, touched: coordinatesUsed(apiSchema, parse(op.body)).touched,
  })));
  return fields.map((field) => ({
    field,
    operations: operations.filter((op) => op.touched.has(field)).map(({ client, operation }) => ({ client, operation })),
    disclosures: counts.filter((c) => c.field === field).map((c) => ({ client: c.clientId, month: c.month, count: c.count })),
  }));
}
