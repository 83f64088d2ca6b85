import { Kind, type ConstDirectiveNode, type DocumentNode, type ValueNode } from 'graphql';

/**
 * Reads the field classification declared once in SDL with `@access(policies: [[...]])` (OR of
 * ANDs, like Apollo Router's @policy). The same reader serves each subgraph (its own SDL) and the
 * gateway (the supergraph, where the directive arrives through @composeDirective).
 */

export const POLICY_NAMES = ['AUTHENTICATED', 'PUBLIC', 'GOVERNMENT', 'FINANCING', 'SELF', 'PUBLISHED_TAX_GRADE_A'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** OR of ANDs: readable when every policy of at least one inner list holds */
export type AccessPolicies = PolicyName[][];

/** `Type.field` → policies */
export type AccessMap = Map<string, AccessPolicies>;

export const ACCESS_DIRECTIVE = 'access';

function policiesFrom(directive: ConstDirectiveNode, where: string): AccessPolicies {
  const arg = directive.arguments?.find((a) => a.name.value === 'policies');
  const fail = (): never => {
    throw new Error(`@access on ${where} must be @access(policies: [[String!]!]!) with names from ${POLICY_NAMES.join(', ')}`);
  };
  if (!arg || arg.value.kind !== Kind.LIST || arg.value.values.length === 0) fail();
  return (arg!.value as { values: readonly ValueNode[] }).values.map((inner) => {
    if (inner.kind !== Kind.LIST || inner.values.length === 0) fail();
    return (inner as { values: readonly ValueNode[] }).values.map((v) => {
      if (v.kind !== Kind.STRING || !(POLICY_NAMES as readonly string[]).includes(v.value)) fail();
      return (v as { value: string }).value as PolicyName;
    });
  });
}

export function collectAccessPolicies(document: DocumentNode): AccessMap {
  const map: AccessMap = new Map();
  for (const def of document.definitions) {
    if (
      def.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      def.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      def.kind !== Kind.INTERFACE_TYPE_DEFINITION
    ) {
      continue;
    }
    const typeName = def.name.value;
    const typeLevel = def.directives?.find((d) => d.name.value === ACCESS_DIRECTIVE);
    for (const field of def.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      const own = field.directives?.find((d) => d.name.value === ACCESS_DIRECTIVE);
      const directive = own ?? typeLevel;
      if (directive) map.set(coordinate, policiesFrom(directive, coordinate));
    }
  }
  return map;
}
