import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { MAX_SUBJECTS_PER_REQUEST } from '../lib/config';
import { clientError } from '../lib/errors';
import type { GatewayPlugin } from './plugin';
import { subjectsOfRequest } from './subjectCount';

/**
 * Query limits, checked after validation and before anything is planned or fetched (SPEC §6):
 * depth, aliases, directives and cost through graphql-armor's rules, tokens through the parser's
 * own limit (`parseOptions`), introspection's nesting through graphql-js's own
 * MaxIntrospectionDepthRule (part of validation), and the subjects the operation will execute
 * (subjectCount.ts). Every refusal is QUERY_TOO_COMPLEX (HTTP 400) with a message naming the limit
 * and the value: "query depth 20 exceeds the limit of 15".
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
  // Depth as the response nests (fragments flattened): the deepest query of this graph is 5
  // (auditTrail › edges › node › consumer › id), the standard introspection query 15; a walk of
  // the introspection types deeper than that (`ofType { ofType { … } }`) is refused.
  maxDepth: 15,
  maxAliases: 15,
  maxDirectives: 10,
  maxCost: 5000,
  maxTokens: 2000,
  maxSubjects: MAX_SUBJECTS_PER_REQUEST,
};

function tooComplex(message: string): GraphQLError {
  return clientError('QUERY_TOO_COMPLEX', message, { http: { status: 400 } });
}

/** graphql-armor's refusals read "Syntax Error: Query depth limit of 15 exceeded, found 20." */
const ARMOR_REFUSAL = /^Syntax Error: (Query depth|Aliases|Directives|Query Cost) limit of (\d+) exceeded, found (\d+(?:\.\d+)?)\.$/;
const ARMOR_LIMIT_NAMES: Record<string, string> = {
  'Query depth': 'query depth',
  Aliases: 'alias count',
  Directives: 'directive count',
  'Query Cost': 'query cost',
};

/** an armor refusal in our words: they are limits, not syntax errors */
function limitMessage(armorMessage: string): string {
  const m = ARMOR_REFUSAL.exec(armorMessage);
  if (!m) return armorMessage.replace(/^Syntax Error: /, '');
  // cost comes with fractions (armor's depth factor)
  return `${ARMOR_LIMIT_NAMES[m[1]!]} ${Math.ceil(Number(m[3]))} exceeds the limit of ${m[2]}`;
}

/**
 * The two limits enforced before this plugin runs, re-coded for formatError: the parser's token
 * limit (a syntax error) and graphql-js's introspection nesting rule (a validation error); and
 * production's refusal of introspection, in our words rather than Apollo Server's advice.
 */
export function limitRefusal(formatted: GraphQLFormattedError, limits: QueryLimits = DEFAULT_QUERY_LIMITS): GraphQLFormattedError | null {
  // graphql-js 16 spells it "more that"
  if (/^Syntax Error: Document contains more th(?:an|at) \d+ tokens/.test(formatted.message)) {
    return refusal(`token count exceeds the limit of ${limits.maxTokens} (parsing stopped at token ${limits.maxTokens + 1})`);
  }
  if (formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && formatted.message === 'Maximum introspection depth exceeded') {
    return refusal(
      'introspection list depth reaches 3, over the limit of 2 (fields, inputFields, interfaces and possibleTypes nested in one another)',
    );
  }
  // Apollo's own wording tells a client which server this is and how it is configured
  if (formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && formatted.message.startsWith('GraphQL introspection is not allowed by Apollo Server')) {
    return { message: 'Introspection is off in production (NODE_ENV=production); schema/REFERENCE.md describes the graph', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  return null;
}

const refusal = (message: string): GraphQLFormattedError => clientError('QUERY_TOO_COMPLEX', message).toJSON();

export function useQueryLimits(limits: QueryLimits = DEFAULT_QUERY_LIMITS): GatewayPlugin {
  const rules = [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: false, flattenFragments: true, propagateOnRejection: true }),
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
        verdict = errors.length > 0 ? limitMessage(errors[0]!.message) : null;
      } catch (e) {
        // armor's rules throw their refusal (propagateOnRejection)
        if (!(e instanceof GraphQLError)) throw e;
        verdict = limitMessage(e.message);
      }
      if (verdicts.size > 5000) verdicts.clear();
      verdicts.set(queryHash, verdict);
    }
    return verdict;
  };
  return {
    name: 'queryLimits',
    async onOperation(requestContext) {
      const verdict = judge(requestContext.schema, requestContext.document, requestContext.queryHash);
      if (verdict) throw tooComplex(verdict);
      const subjects = subjectsOfRequest(requestContext);
      if (subjects > limits.maxSubjects) {
        throw tooComplex(`subject count ${subjects} exceeds the limit of ${limits.maxSubjects} (summed over every subject, subjects and searchSubjects field)`);
      }
    },
    // the token and introspection limits are enforced by the parser and validation, before onOperation
    onFormatError: (formatted) => limitRefusal(formatted, limits),
  };
}
