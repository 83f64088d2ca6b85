import { GraphQLError, getOperationAST, parse, type GraphQLSchema } from 'graphql';
import { fullProfileFragment } from '../../bench/lib/profileQuery';
import { limitRefusal, useQueryLimits } from '../useQueryLimits';
import { loadApiSchema } from './helpers/apiSchema';

/**
 * The limits plugin as the gateway drives it (onOperation after validation), over the API
 * schema; the same refusals over HTTP are in test/limits.test.ts.
 */

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await loadApiSchema();
});

/** the refusal's message, or null when the operation passes */
async function verdict(query: string, variables: Record<string, unknown> = {}, operationName?: string): Promise<string | null> {
  const document = parse(query);
  const requestContext = { schema, document, queryHash: query, operation: getOperationAST(document, operationName), request: { variables } };
  try {
    await useQueryLimits().onOperation!(requestContext as never);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(GraphQLError);
    expect((e as GraphQLError).extensions.code).toBe('QUERY_TOO_COMPLEX');
    return (e as GraphQLError).message;
  }
}

const codes = (n: number) => Array.from({ length: n }, (_, i) => `code-${i}`);
const repeat = (n: number, text: (i: number) => string) => Array.from({ length: n }, (_, i) => text(i)).join(' ');

describe('query limits', () => {
  it('refuses past 500 subjects summed over aliases behind fragments, and passes 500', async () => {
    const query = `query($u: [USCC!]!) { ... on Query { a: subjects(usccs: $u) { uscc } } ...F } fragment F on Query { b: subjects(usccs: $u) { uscc } }`;
    expect(await verdict(query, { u: codes(250) })).toBeNull();
    expect(await verdict(query, { u: codes(251) })).toMatch(/^subject count 502 exceeds the limit of 500 /);
  });

  it('counts the operation being executed, not another in the same document', async () => {
    const query = `query Small { subject(uscc: "a") { uscc } } query Big($u: [USCC!]!) { subjects(usccs: $u) { uscc } }`;
    expect(await verdict(query, { u: codes(900) }, 'Small')).toBeNull();
    expect(await verdict(query, { u: codes(900) }, 'Big')).toMatch(/^subject count 900 /);
  });

  it("words graphql-armor's refusals as limits with their values, not as syntax errors", async () => {
    expect(await verdict(`{ __type(name: "Subject") { ${'ofType { '.repeat(18)}name${' }'.repeat(18)} } }`)).toBe('query depth 20 exceeds the limit of 15');
    expect(await verdict(`{ ${repeat(16, (i) => `a${i}: subject(uscc: "a") { uscc }`)} }`)).toBe('alias count 16 exceeds the limit of 15');
    expect(await verdict(`{ ${repeat(11, () => '__typename @include(if: true)')} }`)).toBe('directive count 11 exceeds the limit of 10');
    const sixProfiles = `{ ${repeat(6, (i) => `a${i}: subject(uscc: "a") { ...FullProfile }`)} } ${fullProfileFragment()}`;
    expect(await verdict(sixProfiles)).toMatch(/^query cost \d+ exceeds the limit of 5000$/);
  });

  it('counts depth as the response nests: fragments are not levels', async () => {
    const ofTypes = `${'ofType { '.repeat(10)}name${' }'.repeat(10)}`;
    // 15 levels, through three fragments that armor's default would count as three more
    const query = `{ __schema { types { ...A } } } fragment A on __Type { fields { ...B } } fragment B on __Field { type { ...C } } fragment C on __Type { ${ofTypes} }`;
    expect(await verdict(query)).toBeNull();
  });
});

describe('refusals enforced before the plugin, re-coded for formatError', () => {
  it("re-codes the parser's token limit and graphql-js's introspection nesting rule", () => {
    expect(limitRefusal({ message: 'Syntax Error: Document contains more that 2000 tokens. Parsing aborted.' })).toEqual({
      message: 'token count exceeds the limit of 2000 (parsing stopped at token 2001)',
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
    const nested = limitRefusal({ message: 'Maximum introspection depth exceeded', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(nested?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(nested?.message).toMatch(/^introspection list depth reaches 3, over the limit of 2/);
  });

  it('leaves every other error alone', () => {
    expect(limitRefusal({ message: 'Syntax Error: Expected Name, found <EOF>.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } })).toBeNull();
    expect(limitRefusal({ message: 'Cannot query field "password" on type "Subject".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })).toBeNull();
  });
});
