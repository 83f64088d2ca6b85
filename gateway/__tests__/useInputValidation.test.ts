import { GraphQLError, getOperationAST, parse, type GraphQLSchema } from 'graphql';
import { composeUscc } from '../../lib/ids';
import { useInputValidation } from '../useInputValidation';
import { loadApiSchema } from './helpers/apiSchema';

/**
 * Input validation as the gateway drives it (onOperation, before the limits), over the API schema:
 * the real scalars refuse a bad USCC, Date or DateTime wherever it stands, with the same message
 * for a literal and a variable, and page sizes are held to their ranges. Over HTTP: test/badInput.test.ts.
 */

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await loadApiSchema();
});

const valid = composeUscc({ registrationAuthority: '9', entityType: '1', divisionCode: '350100', organizationBody: 'M0001000' });
const wrongCheck = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');

/** the refusal (code, message), or null when the operation passes */
async function verdict(query: string, variables: Record<string, unknown> = {}): Promise<{ code: unknown; message: string } | null> {
  const document = parse(query);
  const operation = getOperationAST(document);
  try {
    await useInputValidation().onOperation!({ schema, document, operation, queryHash: query, request: { variables } } as never);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(GraphQLError);
    expect((e as GraphQLError).extensions.http).toEqual({ status: 400 });
    return { code: (e as GraphQLError).extensions.code, message: (e as GraphQLError).message };
  }
}

describe('USCC and the other scalars', () => {
  it('passes a well-formed operation', async () => {
    expect(await verdict(`{ subject(uscc: "${valid}") { uscc } }`)).toBeNull();
    expect(await verdict('query($u: USCC!) { subject(uscc: $u) { uscc } }', { u: valid })).toBeNull();
  });

  it('refuses a wrong check character with BAD_USER_INPUT naming the rule, the same as literal and as variable', async () => {
    const literal = await verdict(`{ subject(uscc: "${wrongCheck}") { uscc } }`);
    const variable = await verdict('query($u: USCC!) { subject(uscc: $u) { uscc } }', { u: wrongCheck });
    expect(literal).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/check character/i) });
    expect(variable).toEqual(literal);
  });

  it.each([
    ['17 characters', valid.slice(0, 17)],
    ['lower case', valid.toLowerCase()],
    ['the letter I', 'I' + valid.slice(1)],
    ['full-width digits', '９１' + valid.slice(2)],
  ])('refuses a USCC with %s inside a list variable', async (_name, code) => {
    expect(await verdict('query($u: [USCC!]!) { subjects(usccs: $u) { uscc } }', { u: [valid, code] })).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('refuses a bad value deep in an input-object variable with the scalar message, not an internal error', async () => {
    const mutation = 'mutation($i: GrantConsentInput!) { grantConsent(input: $i) { id } }';
    const input = { subject: valid, grantee: 'bank-1', purpose: 'financing', expiresAt: '2030-01-01T00:00:00+08:00' };
    expect(await verdict(mutation, { i: input })).toBeNull();
    expect(await verdict(mutation, { i: { ...input, subject: wrongCheck } })).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/check character/i) });
    expect(await verdict(mutation, { i: { ...input, expiresAt: '2030-02-30T00:00:00+08:00' } })).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('refuses a USCC given as a number, literal or variable', async () => {
    expect(await verdict('{ subject(uscc: 913501) { uscc } }')).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await verdict('query($u: USCC!) { subject(uscc: $u) { uscc } }', { u: 913501 })).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('page sizes', () => {
  it.each([
    ['1000000000', 1000000000, 'searchSubjects(first:) must be from 1 to 50, got 1000000000'],
    ['0', 0, 'searchSubjects(first:) must be from 1 to 50, got 0'],
    ['null', null, 'searchSubjects(first:) must be from 1 to 50, got null'],
  ])('refuses searchSubjects(first: %s) naming the range, as a literal and as a variable', async (text, value, message) => {
    expect(await verdict(`{ searchSubjects(name: "有限", first: ${text}) { uscc } }`)).toEqual({ code: 'BAD_USER_INPUT', message });
    expect(await verdict('query($n: Int) { searchSubjects(name: "有限", first: $n) { uscc } }', { n: value })).toEqual({ code: 'BAD_USER_INPUT', message });
  });

  it('passes the largest page and the default', async () => {
    expect(await verdict('{ searchSubjects(name: "有限", first: 50) { uscc } }')).toBeNull();
    expect(await verdict('{ searchSubjects(name: "有限") { uscc } }')).toBeNull();
    expect(await verdict('query($n: Int) { searchSubjects(name: "有限", first: $n) { uscc } }')).toBeNull();
  });
});

describe('text no store can hold', () => {
  it("refuses a NUL in a variable's default, which reaches the store when the variable is left out", async () => {
    expect(await verdict('query($n: String! = "有限\\u0000") { searchSubjects(name: $n) { uscc } }')).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'argument name of Query.searchSubjects (variable $n default) contains U+0000 (NUL), which no stored text can hold',
    });
    expect(await verdict('query($n: String! = "有限") { searchSubjects(name: $n) { uscc } }')).toBeNull();
  });
});
