import { startStack, type GraphQLResult, type Stack } from './harness/stack';

/**
 * Issue 17 finding 5: bad input inside input objects passed as variables, and malformed audit
 * cursors, are HTTP 400 BAD_USER_INPUT with the same message as the literal — refused at the
 * gateway — never INTERNAL_SERVER_ERROR; `first:` outside its range names the range.
 */

let stack: Stack;
let auditor: string;
let self: string;
let subject: string;

beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  subject = stack.world.subject(3).uscc;
  auditor = await stack.token({ role: 'auditor', org: 'bad-input-office' });
  self = await stack.token({ role: 'subject', org: 'bad-input-subject', subject });
});
afterAll(() => stack?.stop());

function expectBadInput(result: GraphQLResult, message: string | RegExp): void {
  expect(result.status).toBe(400);
  expect(result.body.errors).toHaveLength(1);
  expect(result.body.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(result.body.errors![0].message).toMatch(message);
}

const TRAIL = 'query Trail($f: AuditFilter!) { auditTrail(filter: $f) { nodes { field } } }';
const GRANT = 'mutation Grant($i: GrantConsentInput!) { grantConsent(input: $i) { id } }';
const grantInput = () => ({ subject, grantee: 'bank-a', purpose: 'financing', expiresAt: '2027-06-30T23:59:59+08:00' });
const grantLiteral = (input: Record<string, string>) =>
  `mutation { grantConsent(input: { ${Object.entries(input).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} }) { id } }`;

describe('custom scalars inside input objects', () => {
  it.each([
    ['a USCC too short', { uscc: 'ABC' }, /^Invalid USCC: /],
    ['a DateTime in words', { from: 'yesterday' }, /^DateTime must be ISO 8601/],
    ['a DateTime without an offset', { to: '2026-01-01T00:00:00' }, /^DateTime must be ISO 8601/],
  ])('refuses %s in an AuditFilter variable with the message of the literal', async (_name, filter, message) => {
    const [key, value] = Object.entries(filter)[0];
    const literal = await stack.query(`{ auditTrail(filter: { ${key}: ${JSON.stringify(value)} }) { nodes { field } } }`, { token: auditor });
    const variable = await stack.query(TRAIL, { token: auditor, variables: { f: filter } });
    expectBadInput(literal, message);
    expectBadInput(variable, message);
    expect(variable.body.errors![0].message).toBe(literal.body.errors![0].message);
  });

  it.each([
    ['a lower-case subject', (i: Record<string, string>) => ({ ...i, subject: i.subject.toLowerCase() }), /^Invalid USCC: /],
    ['expiresAt "tomorrow"', (i: Record<string, string>) => ({ ...i, expiresAt: 'tomorrow' }), /^DateTime must be ISO 8601/],
  ])('refuses %s in a GrantConsentInput variable with the message of the literal', async (_name, spoil, message) => {
    const input = spoil(grantInput());
    const literal = await stack.query(grantLiteral(input), { token: self });
    const variable = await stack.query(GRANT, { token: self, variables: { i: input } });
    expectBadInput(literal, message);
    expectBadInput(variable, message);
    expect(variable.body.errors![0].message).toBe(literal.body.errors![0].message);
  });

  it('refuses a bad code in a list variable and a non-string value with the same words as a literal', async () => {
    const list = await stack.query('query($u: [USCC!]!) { subjects(usccs: $u) { uscc } }', { token: auditor, variables: { u: [subject, 'ABC'] } });
    expectBadInput(list, /^Invalid USCC: /);
    const number = await stack.query('query($u: USCC!) { subject(uscc: $u) { uscc } }', { token: auditor, variables: { u: 42 } });
    const numberLiteral = await stack.query('{ subject(uscc: 42) { uscc } }', { token: auditor });
    expectBadInput(number, 'USCC must be a string of 18 characters');
    expectBadInput(numberLiteral, 'USCC must be a string of 18 characters');
  });

  it('still grants consent with a well-formed input variable', async () => {
    const granted = await stack.query(GRANT, { token: self, variables: { i: grantInput() } });
    expect(granted.body.errors).toBeUndefined();
    expect(granted.body.data.grantConsent.id).toEqual(expect.any(String));
  });
});

describe('audit trail cursors', () => {
  const cursor = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');
  const page = (after: string) =>
    stack.query('query($a: String) { auditTrail(filter: {}, first: 5, after: $a) { nodes { field } } }', { token: auditor, variables: { a: after } });

  it.each([
    ['a 30-digit sequence (bigint overflow)', cursor(['2026-01-01T00:00:00.000Z', 'chain', '1'.repeat(30)])],
    ['a sequence past the largest bigint', cursor(['2026-01-01T00:00:00.000Z', 'chain', '9223372036854775808'])],
    ['a year PostgreSQL cannot store', cursor(['+275760-09-13T00:00:00.000Z', 'chain', '1'])],
    ['a NUL in the chain id', cursor(['2026-01-01T00:00:00.000Z', 'a\u0000b', '1'])],
    ['two parts', cursor(['2026-01-01T00:00:00.000Z', '1'])],
    ['text that is not base64url', 'not a cursor!'],
  ])('refuses %s with BAD_USER_INPUT, not a database error', async (_name, after) => {
    const { body } = await page(after);
    expect(body.errors?.[0]).toMatchObject({ message: 'after must be a cursor returned by auditTrail', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('refuses a NUL in a text filter with BAD_USER_INPUT at the gateway', async () => {
    const { body } = await stack.query(TRAIL, { token: auditor, variables: { f: { consumerOrg: 'a\u0000b' } } });
    expect(body.errors?.[0]).toMatchObject({
      message: 'argument filter.consumerOrg of Query.auditTrail (variable $f) contains U+0000 (NUL), which no stored text can hold',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('accepts the cursor a page returned', async () => {
    const first = await stack.query('{ auditTrail(filter: {}, first: 1) { pageInfo { endCursor } } }', { token: auditor });
    const after = first.body.data.auditTrail.pageInfo.endCursor;
    expect(after).toEqual(expect.any(String));
    expect((await page(after)).body.errors).toBeUndefined();
  });
});

describe('page sizes', () => {
  it.each([
    ['auditTrail', -1, 'auditTrail(filter: {}, first: %s) { nodes { field } }', 'auditTrail(first:) must be from 1 to 500, got -1'],
    ['auditTrail', 1e9, 'auditTrail(filter: {}, first: %s) { nodes { field } }', 'auditTrail(first:) must be from 1 to 500, got 1000000000'],
    ['searchSubjects', -1, 'searchSubjects(name: "有限", first: %s) { uscc }', 'searchSubjects(first:) must be from 1 to 50, got -1'],
    ['searchSubjects', 1e9, 'searchSubjects(name: "有限", first: %s) { uscc }', 'searchSubjects(first:) must be from 1 to 50, got 1000000000'],
  ])('refuses %s(first: %s) with BAD_USER_INPUT naming the range, as a literal and as a variable', async (_field, first, selection, message) => {
    expectBadInput(await stack.query(`{ ${selection.replace('%s', String(first))} }`, { token: auditor }), message);
    const variable = await stack.query(`query($n: Int) { ${selection.replace('%s', '$n')} }`, { token: auditor, variables: { n: first } });
    expectBadInput(variable, message);
  });
});

describe('text no store can hold', () => {
  const SIGN = 'mutation Sign($u: USCC!, $t: String!) { signCommitment(uscc: $u, scenario: BIDDING, text: $t) { id } }';
  const FILE = 'mutation File($i: FileObjectionInput!) { fileObjection(input: $i) { id } }';
  const NUL = /U\+0000 \(NUL\), which no stored text can hold$/;

  const commitmentCount = async () => (await stack.query(`{ subject(uscc: "${subject}") { commitments { id } } }`, { token: self })).body.data.subject.commitments.length;

  it('refuses a NUL in a String argument, as a literal and as a variable, naming the argument', async () => {
    const before = await commitmentCount();
    const literal = await stack.query(`mutation { signCommitment(uscc: "${subject}", scenario: BIDDING, text: "a\\u0000b") { id } }`, { token: self });
    expectBadInput(literal, /^argument text of Mutation.signCommitment contains /);
    expectBadInput(literal, NUL);
    const variable = await stack.query(SIGN, { token: self, variables: { u: subject, t: 'a\u0000b' } });
    expectBadInput(variable, /^argument text of Mutation.signCommitment \(variable \$t\) contains /);
    expect(await commitmentCount()).toBe(before);
  });

  it('refuses a NUL deep in an input object, as a literal field and inside a variable', async () => {
    const input = { uscc: subject, department: 'MARKET', recordRef: 'R-1', field: 'AdministrativePenalty.fine', claim: 'wrong\u0000fine', evidence: 'receipt' };
    const variable = await stack.query(FILE, { token: self, variables: { i: input } });
    expectBadInput(variable, /^argument input.claim of Mutation.fileObjection \(variable \$i\) contains U\+0000/);
    const nested = await stack.query('mutation File($c: String!) { fileObjection(input: { uscc: "' + subject + '", department: MARKET, recordRef: "R-1", field: "AdministrativePenalty.fine", claim: "x", evidence: $c }) { id } }', {
      token: self,
      variables: { c: '\u0000' },
    });
    expectBadInput(nested, /^argument input.evidence of Mutation.fileObjection \(variable \$c\) contains U\+0000/);
    const literal = await stack.query(`mutation { fileObjection(input: { uscc: "${subject}", department: MARKET, recordRef: "R\\u0000", field: "AdministrativePenalty.fine", claim: "x", evidence: "y" }) { id } }`, { token: self });
    expectBadInput(literal, /^argument input.recordRef of Mutation.fileObjection contains U\+0000/);
  });

  it('refuses a NUL in a query argument, as a variable and as a literal', async () => {
    const search = await stack.query('query($n: String!) { searchSubjects(name: $n) { uscc } }', { token: auditor, variables: { n: '有限\u0000' } });
    expectBadInput(search, /^argument name of Query.searchSubjects \(variable \$n\) contains U\+0000/);
    const literal = await stack.query('{ searchSubjects(name: "\\u0000") { uscc } }', { token: auditor });
    expectBadInput(literal, /^argument name of Query.searchSubjects contains U\+0000/);
  });

  it('refuses an unpaired surrogate (no UTF-8 form) but keeps a paired one', async () => {
    const lone = await stack.query(SIGN, { token: self, variables: { u: subject, t: 'x\ud800y' } });
    expectBadInput(lone, /^argument text of Mutation.signCommitment \(variable \$t\) contains an unpaired surrogate U\+D800/);
    const emoji = await stack.query(SIGN, { token: self, variables: { u: subject, t: '守信承诺 👍' } });
    expect(emoji.body.errors).toBeUndefined();
  });

  it('keeps the platform\'s own length limit on commitment text (2000 characters)', async () => {
    const long = await stack.query(SIGN, { token: self, variables: { u: subject, t: '诺'.repeat(2001) } });
    expect(long.body.errors?.[0]).toMatchObject({ message: 'text takes at most 2000 characters', extensions: { code: 'BAD_USER_INPUT' } });
    const fits = await stack.query(SIGN, { token: self, variables: { u: subject, t: '诺'.repeat(2000) } });
    expect(fits.body.errors).toBeUndefined();
  });
});
