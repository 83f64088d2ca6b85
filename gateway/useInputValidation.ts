import {
  GraphQLError,
  GraphQLScalarType,
  Kind,
  TypeInfo,
  ValuesOfCorrectTypeRule,
  buildASTSchema,
  getNamedType,
  getVariableValues,
  parse,
  printSchema,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { clientError } from '../lib/errors';
import { pageSizeError } from '../lib/graphql/pageSizes';
import { SCALARS } from '../lib/graphql/scalars';
import { findInLiteral, findInValue } from '../lib/graphql/storableText';
import type { GatewayPlugin } from './plugin';

/**
 * Input validation where GraphQL does it, at the gateway, before limits, planning or any subgraph
 * (SPEC §6). The supergraph knows USCC, Date, DateTime and Decimal only as opaque scalars, so the
 * operation is checked against a copy of the schema whose scalars are the real ones
 * (lib/graphql/scalars.ts): literals through graphql's ValuesOfCorrectTypeRule, variables through
 * getVariableValues. A bad value anywhere — top level, in a list, deep in an input object — is
 * HTTP 400 BAD_USER_INPUT with the scalar's own message, the same for a literal and a variable.
 * Page sizes (`first:`) are checked against lib/graphql/pageSizes.ts. Every string, in any
 * argument or input field, literal or variable, is refused when no store could hold it
 * (lib/graphql/storableText.ts), naming the argument.
 */

function badInput(message: string): GraphQLError {
  return clientError('BAD_USER_INPUT', message, { http: { status: 400 } });
}

/** The scalar's own error when it refused the value, else graphql's coercion message. */
function refusal(error: GraphQLError): GraphQLError {
  const original = error.originalError;
  return badInput(original instanceof GraphQLError && original.extensions.code === 'BAD_USER_INPUT' ? original.message : error.message);
}

/**
 * The schema's printed copy with the real scalars: the copy is this module's own, so setting its
 * scalars' parsers touches nothing the gateway executes with.
 */
export function withRealScalars(schema: GraphQLSchema): GraphQLSchema {
  const copy = buildASTSchema(parse(printSchema(schema)), { assumeValidSDL: true });
  for (const [name, real] of Object.entries(SCALARS)) {
    const scalar = copy.getType(name);
    if (scalar instanceof GraphQLScalarType) Object.assign(scalar, { parseValue: real.parseValue, parseLiteral: real.parseLiteral });
  }
  return copy;
}

/** What one document's walk found: a bad literal, the `first:` arguments given by variable, and where each variable is used. */
interface DocumentVerdict {
  badLiteral: GraphQLError | null;
  pageSizeVariables: { coordinate: string; variable: string }[];
  /** variable name → the argument (and path inside it) it feeds, e.g. `input.claim of Mutation.fileObjection` */
  variableUses: Map<string, { argumentPath: string; coordinate: string }>;
}

function unstorable(argumentPath: string, coordinate: string, problem: string, variable?: string): GraphQLError {
  const via = variable ? ` (variable $${variable})` : '';
  return badInput(`argument ${argumentPath} of ${coordinate}${via} contains ${problem}, which no stored text can hold`);
}

/** the variables inside an argument's value, with their path in it */
function variablesIn(node: ValueNode, path: string, found: (name: string, path: string) => void): void {
  if (node.kind === Kind.VARIABLE) found(node.name.value, path);
  else if (node.kind === Kind.LIST) node.values.forEach((v, i) => variablesIn(v, `${path}[${i}]`, found));
  else if (node.kind === Kind.OBJECT) node.fields.forEach((f) => variablesIn(f.value, `${path}.${f.name.value}`, found));
}

function judgeDocument(schema: GraphQLSchema, document: DocumentNode): DocumentVerdict {
  const [literalError] = validate(schema, document, [ValuesOfCorrectTypeRule], { maxErrors: 1 });
  let badLiteral = literalError ? refusal(literalError) : null;
  const pageSizeVariables: DocumentVerdict['pageSizeVariables'] = [];
  const variableUses: DocumentVerdict['variableUses'] = new Map();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const directive = typeInfo.getDirective();
        const where = directive ? `@${directive.name}` : parent && field ? `${getNamedType(parent).name}.${field.name}` : 'the operation';
        const text = findInLiteral(node.value, node.name.value);
        if (text) badLiteral ??= unstorable(text.path, where, text.problem);
        variablesIn(node.value, node.name.value, (name, path) => {
          if (!variableUses.has(name)) variableUses.set(name, { argumentPath: path, coordinate: where });
        });
        if (node.name.value !== 'first' || !parent || !field) return;
        const coordinate = `${getNamedType(parent).name}.${field.name}`;
        if (node.value.kind === Kind.VARIABLE) pageSizeVariables.push({ coordinate, variable: node.value.name.value });
        else if (node.value.kind === Kind.INT || node.value.kind === Kind.NULL) {
          const error = pageSizeError(coordinate, node.value.kind === Kind.INT ? Number(node.value.value) : null);
          if (error) badLiteral ??= badInput(error.message);
        }
      },
    }),
  );
  // A variable's default is a literal too, and reaches the store when the client leaves the variable out.
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      if (!variable.defaultValue) continue;
      const name = variable.variable.name.value;
      const use = variableUses.get(name);
      const text = findInLiteral(variable.defaultValue, use?.argumentPath ?? `$${name}`);
      if (text) badLiteral ??= unstorable(text.path, use?.coordinate ?? 'the operation', text.problem, `${name} default`);
    }
  }
  return { badLiteral, pageSizeVariables, variableUses };
}

export function useInputValidation(): GatewayPlugin {
  // The supergraph is static per process: one checking copy per schema object.
  const copies = new WeakMap<GraphQLSchema, GraphQLSchema>();
  // Literals and variable uses never change for a query text: walked once per document.
  const verdicts = new Map<string, DocumentVerdict>();
  return {
    name: 'inputValidation',
    async onOperation({ operation, schema, request, document, queryHash }) {
      let checking = copies.get(schema);
      if (!checking) copies.set(schema, (checking = withRealScalars(schema)));
      const key = `${queryHash}:${request.operationName ?? ''}`;
      let verdict = verdicts.get(key);
      if (!verdict) {
        verdict = judgeDocument(checking, document);
        if (verdicts.size >= 5000) verdicts.delete(verdicts.keys().next().value!);
        verdicts.set(key, verdict);
      }
      if (verdict.badLiteral) throw verdict.badLiteral;
      const coerced = coerceVariables(checking, operation?.variableDefinitions ?? [], request.variables ?? {});
      for (const { coordinate, variable } of verdict.pageSizeVariables) {
        const error = pageSizeError(coordinate, coerced[variable]);
        if (error) throw badInput(error.message);
      }
      for (const definition of operation?.variableDefinitions ?? []) {
        const name = definition.variable.name.value;
        const use = verdict.variableUses.get(name);
        const text = findInValue(request.variables?.[name], use?.argumentPath ?? `$${name}`);
        if (text) throw use ? unstorable(text.path, use.coordinate, text.problem, name) : unstorable(text.path, 'the operation', text.problem);
      }
    },
  };
}

function coerceVariables(schema: GraphQLSchema, definitions: readonly VariableDefinitionNode[], inputs: Record<string, unknown>): Record<string, unknown> {
  const result = getVariableValues(schema, definitions, inputs, { maxErrors: 1 });
  if (result.errors) throw refusal(result.errors[0]);
  return result.coerced;
}
