import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { checkUscc } from '../lib/ids';
import type { GatewayContext } from './context';

/**
 * Every USCC in an operation (literal or variable, alone or in lists) is validated at the gateway,
 * before planning: a malformed code is BAD_USER_INPUT naming the rule broken, and neither a
 * subgraph nor a legacy system sees the request (SPEC §6). The gateway's supergraph schema knows
 * `USCC` only as an opaque scalar, hence this walk.
 */

const USCC = 'USCC';

function refuse(value: unknown): never {
  const result = typeof value === 'string' ? checkUscc(value) : undefined;
  const reason = result && !result.ok ? result.error.message : 'USCC must be a string of 18 characters';
  throw new GraphQLError(`Invalid USCC: ${reason}`, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

function validateValue(value: unknown): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) return value.forEach(validateValue);
  if (typeof value !== 'string' || !checkUscc(value).ok) refuse(value);
}

function isUscc(type: GraphQLNamedType | undefined | null): boolean {
  return type?.name === USCC;
}

/** What the walk of one document found: its USCC-typed variables, and a bad literal if any. */
interface DocumentVerdict {
  usccVariables: string[];
  badLiteral: { value: unknown } | null;
}

function judgeDocument(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode | undefined): DocumentVerdict {
  const usccVariables: string[] = [];
  for (const definition of operation?.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type);
    if (type && isUscc(getNamedType(type))) usccVariables.push(definition.variable.name.value);
  }
  let badLiteral: DocumentVerdict['badLiteral'] = null;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      StringValue(node) {
        const input = typeInfo.getInputType();
        if (!badLiteral && input && isUscc(getNamedType(input)) && !checkUscc(node.value).ok) badLiteral = { value: node.value };
      },
      [Kind.INT](node) {
        const input = typeInfo.getInputType();
        if (!badLiteral && input && isUscc(getNamedType(input))) badLiteral = { value: Number(node.value) };
      },
    }),
  );
  return { usccVariables, badLiteral };
}

export function useUsccValidation(): ApolloServerPlugin<GatewayContext> {
  // The literals and variable types of a document never change: walked once per query text.
  const verdicts = new Map<string, DocumentVerdict>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, schema, request, document, queryHash }) {
          const key = `${queryHash}:${request.operationName ?? ''}`;
          let verdict = verdicts.get(key);
          if (!verdict) {
            verdict = judgeDocument(schema, document, operation);
            if (verdicts.size >= 5000) verdicts.delete(verdicts.keys().next().value!);
            verdicts.set(key, verdict);
          }
          if (verdict.badLiteral) refuse(verdict.badLiteral.value);
          for (const name of verdict.usccVariables) validateValue(request.variables?.[name]);
        },
      };
    },
  };
}
