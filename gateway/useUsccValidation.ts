import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, TypeInfo, getNamedType, typeFromAST, visit, visitWithTypeInfo, type GraphQLNamedType } from 'graphql';
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

export function useUsccValidation(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, schema, request, document }) {
          for (const definition of operation?.variableDefinitions ?? []) {
            const type = typeFromAST(schema, definition.type);
            if (type && isUscc(getNamedType(type))) validateValue(request.variables?.[definition.variable.name.value]);
          }
          const typeInfo = new TypeInfo(schema);
          visit(
            document,
            visitWithTypeInfo(typeInfo, {
              StringValue(node) {
                const input = typeInfo.getInputType();
                if (input && isUscc(getNamedType(input))) validateValue(node.value);
              },
              [Kind.INT]() {
                const input = typeInfo.getInputType();
                if (input && isUscc(getNamedType(input))) refuse(undefined);
              },
            }),
          );
        },
      };
    },
  };
}
