import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, Kind, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { MAX_SUBJECTS_PER_REQUEST } from '../lib/config';
import type { GatewayContext } from './context';

/**
 * Query limits, checked after validation and before anything is planned or fetched (SPEC §6):
 * depth, aliases, directives and cost through graphql-armor's rules, tokens through the parser's
 * own limit (`parseOptions`), and at most 500 subjects per request. Every refusal is
 * QUERY_TOO_COMPLEX (HTTP 400).
 */

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  maxTokens: number;
  maxSubjects: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  // A full profile is 4 levels deep (subjects › tax › rating › grade); the schema has no cycles,
  // so only introspection goes deeper: the standard introspection query (21 as armor counts,
  // through its fragments) must still pass in development.
  maxDepth: 25,
  maxAliases: 15,
  maxDirectives: 10,
  maxCost: 5000,
  maxTokens: 2000,
  maxSubjects: MAX_SUBJECTS_PER_REQUEST,
};

export function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
}

/** The parser's "too many tokens" error, re-coded (it arrives as a syntax error). */
export function isTokenLimitError(message: string): boolean {
  // graphql-js 16 spells it "more that"
  return /Document contains more th(?:an|at) \d+ tokens/.test(message);
}

/** subjects a request asks for by `subjects(usccs:)`, aliases summed */
export function countSubjects(document: DocumentNode, variables: Record<string, unknown>): number {
  let count = 0;
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const sel of def.selectionSet.selections) {
      if (sel.kind !== Kind.FIELD || sel.name.value !== 'subjects') continue;
      const arg = sel.arguments?.find((a) => a.name.value === 'usccs');
      if (!arg) continue;
      if (arg.value.kind === Kind.LIST) count += arg.value.values.length;
      else if (arg.value.kind === Kind.VARIABLE) {
        const v = variables[arg.value.name.value];
        count += Array.isArray(v) ? v.length : 1;
      } else count += 1;
    }
  }
  return count;
}

export function useQueryLimits(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ApolloServerPlugin<GatewayContext> {
  const rules = [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: false, propagateOnRejection: true }),
    maxAliasesRule({ n: limits.maxAliases, propagateOnRejection: true }),
    maxDirectivesRule({ n: limits.maxDirectives, propagateOnRejection: true }),
    costLimitRule({ maxCost: limits.maxCost, ignoreIntrospection: true, propagateOnRejection: true }),
  ];
  // The verdict depends only on the document: computed once per query text.
  const verdicts = new Map<string, string | null>();
  const judge = (schema: GraphQLSchema, document: DocumentNode, queryHash: string): string | null => {
    let verdict = verdicts.get(queryHash);
    if (verdict === undefined) {
      try {
        const errors = validate(schema, document, rules);
        verdict = errors.length > 0 ? errors[0].message : null;
      } catch (e) {
        // armor's rules throw their refusal (propagateOnRejection)
        if (!(e instanceof GraphQLError)) throw e;
        verdict = e.message;
      }
      if (verdicts.size > 5000) verdicts.clear();
      verdicts.set(queryHash, verdict);
    }
    return verdict;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, queryHash, request }) {
          const verdict = judge(schema, document, queryHash);
          if (verdict) throw tooComplex(verdict);
          const subjects = countSubjects(document, request.variables ?? {});
          if (subjects > limits.maxSubjects) {
            throw tooComplex(`subjects(usccs:) takes at most ${limits.maxSubjects} codes per request, got ${subjects}`);
          }
        },
      };
    },
  };
}
