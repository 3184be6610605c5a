import { valueFromASTUntyped, type ConstDirectiveNode, type GraphQLField, type GraphQLSchema, isObjectType } from 'graphql';

/** The authorization a field declares with the standard directives; `scopes` is OR-of-ANDs as in Apollo Router. */
export interface FieldRequirement {
  readonly authenticated: boolean;
  readonly scopes: readonly (readonly string[])[] | null;
}

/** Reads `@authenticated` and `@requiresScopes` off a field's definition. */
export function fieldRequirement(field: GraphQLField<unknown, unknown>): FieldRequirement | null {
  const directives: readonly ConstDirectiveNode[] = field.astNode?.directives ?? [];
  let authenticated = false;
  let scopes: string[][] | null = null;
  for (const directive of directives) {
    if (directive.name.value === 'authenticated') authenticated = true;
    if (directive.name.value === 'requiresScopes') {
      const argument = directive.arguments?.find((arg) => arg.name.value === 'scopes');
      scopes = argument ? (valueFromASTUntyped(argument.value) as string[][]) : [];
    }
  }
  if (!authenticated && scopes === null) return null;
  return { authenticated: authenticated || scopes !== null, scopes };
}

/** Whether `granted` satisfies one of the alternatives of `required` (every scope of at least one inner list). */
export function scopesSatisfy(required: FieldRequirement['scopes'], granted: ReadonlySet<string>): boolean {
  if (required === null) return true;
  return required.some((all) => all.every((scope) => granted.has(scope)));
}

/** Every object field of a schema that declares a requirement, keyed by `Type.field`. */
export function schemaRequirements(schema: GraphQLSchema): Map<string, FieldRequirement> {
  const result = new Map<string, FieldRequirement>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const requirement = fieldRequirement(field);
      if (requirement) result.set(`${type.name}.${field.name}`, requirement);
    }
  }
  return result;
}
