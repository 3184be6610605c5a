import {
  getNamedType, isEnumType, isInputObjectType, Kind, TypeInfo, visit, visitWithTypeInfo,
  type DocumentNode, type GraphQLSchema,
} from 'graphql';

/**
 * What an operation touches in a schema: `Type.field` of every selection, `Type.field.arg` of every argument given,
 * the named types of fields, fragments and variables (`touched`); and what a change may sit under (`parents`): the
 * selected fields (a new required argument) and the enum and input types used (a removed value or input field). A
 * change at a path is used when a touched coordinate equals it or lies under it (a removed type), or a parent holds it.
 */
export function coordinatesUsed(schema: GraphQLSchema, document: DocumentNode): { touched: Set<string>; parents: Set<string> } {
  const used = new Set<string>();
  const parents = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const useType = (name: string) => {
    used.add(name);
    const type = schema.getType(name);
    if (type && (isEnumType(type) || isInputObjectType(type))) parents.add(name);
  };
  visit(document, visitWithTypeInfo(typeInfo, {
    Field(node) {
      const parent = typeInfo.getParentType();
      if (!parent) return;
      used.add(parent.name);
      used.add(`${parent.name}.${node.name.value}`);
      parents.add(`${parent.name}.${node.name.value}`);
      for (const argument of node.arguments ?? []) used.add(`${parent.name}.${node.name.value}.${argument.name.value}`);
      const type = typeInfo.getType();
      if (type) useType(getNamedType(type).name);
    },
    InlineFragment(node) {
      if (node.typeCondition) used.add(node.typeCondition.name.value);
    },
    FragmentDefinition(node) {
      used.add(node.typeCondition.name.value);
    },
    VariableDefinition(node) {
      let type = node.type;
      while (type.kind !== Kind.NAMED_TYPE) type = type.type;
      useType(type.name.value);
    },
  }));
  return { touched: used, parents };
}
