import { getIntrospectionQuery } from 'graphql';
import { fullProfileFragment } from '../bench/lib/profileQuery';
import { composeUscc, organizationCodeCheckCharacter, usccCheckCharacter } from '../lib/ids';
import { startStack, type GraphQLResult, type Stack } from './harness/stack';

/**
 * Bad input of every kind (issue: failures and misbehaving clients): each case gets its exact
 * status and code, never a 5xx, no stack trace or internal detail, and the gateway stays healthy.
 */

let stack: Stack;
let token: string;
let valid: string;

beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  token = await stack.token({ role: 'government', org: 'limits-test' });
  valid = stack.world.subject(11).uscc;
});
afterAll(() => stack?.stop());

/** a code whose USCC check is right but whose embedded organization-code check is wrong */
function badOrgCheck(uscc: string): string {
  const body = uscc.slice(8, 16);
  const right = organizationCodeCheckCharacter(body);
  const wrong = right === '0' ? '1' : '0';
  const first17 = uscc.slice(0, 16) + wrong;
  return first17 + usccCheckCharacter(first17);
}

const subjectQuery = (code: string) => `{ subject(uscc: ${JSON.stringify(code)}) { uscc kind } }`;

type Case = { name: string; run: () => Promise<{ status: number; text: string; body: GraphQLResult['body'] | null }>; status: number; code: string };

async function gql(query: string, variables?: Record<string, unknown>) {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: asserted by the caller
  }
  return { status: res.status, text, body };
}

async function raw(init: { method?: string; body?: string; contentType?: string; path?: string; auth?: boolean }) {
  const headers: Record<string, string> = {};
  if (init.contentType) headers['content-type'] = init.contentType;
  if (init.auth !== false) headers.authorization = `Bearer ${token}`;
  const url = init.path ? stack.gatewayUrl.replace(/\/graphql$/, init.path) : stack.gatewayUrl;
  const res = await fetch(url, { method: init.method ?? 'POST', headers, body: init.body });
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // asserted by the caller
  }
  return { status: res.status, text, body };
}

const malformedCodes: [string, () => string][] = [
  ['17 characters', () => valid.slice(0, 17)],
  ['19 characters', () => valid + '1'],
  ['an empty string', () => ''],
  ['lower case', () => valid.toLowerCase()],
  ['the letter I', () => 'I' + valid.slice(1)],
  ['the letter O', () => valid.slice(0, 9) + 'O' + valid.slice(10)],
  ['the letter Z', () => valid.slice(0, 17) + 'Z'],
  ['the letter S', () => valid.slice(0, 10) + 'S' + valid.slice(11)],
  ['the letter V', () => valid.slice(0, 12) + 'V' + valid.slice(13)],
  ['full-width digits', () => '９１' + valid.slice(2)],
  ['a Cyrillic look-alike', () => valid.slice(0, 8) + 'А' + valid.slice(9)],
  ['a leading space', () => ' ' + valid.slice(1)],
  ['an inner space', () => valid.slice(0, 9) + ' ' + valid.slice(10)],
  ['a wrong check character', () => valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0')],
  ['a wrong organization-code check', () => badOrgCheck(valid)],
  ['an unknown authority and type pair', () => composeUscc({ registrationAuthority: '9', entityType: '1', divisionCode: '350100', organizationBody: '12345678' }).replace(/^91/, '94').slice(0, 17)],
  ['an unknown province', () => { const f = valid.slice(0, 2) + '990000' + valid.slice(8, 17); return f + usccCheckCharacter(f); }],
];

const cases: Case[] = [
  ...malformedCodes.map(([name, code]): Case => ({ name: `a USCC with ${name}`, run: () => gql(subjectQuery(code())), status: 400, code: 'BAD_USER_INPUT' })),
  { name: 'a USCC given as an Int literal', run: () => gql(`{ subject(uscc: 913501) { uscc } }`), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a null USCC variable', run: () => gql(`query($u: USCC!) { subject(uscc: $u) { uscc } }`, { u: null }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a malformed code inside a subjects variable', run: () => gql(`query($u: [USCC!]!) { subjects(usccs: $u) { uscc } }`, { u: [valid, valid.toLowerCase()] }), status: 400, code: 'BAD_USER_INPUT' },
  { name: '501 subjects', run: () => gql(`query($u: [USCC!]!) { subjects(usccs: $u) { uscc } }`, { u: Array(501).fill(valid) }), status: 400, code: 'QUERY_TOO_COMPLEX' },
  { name: '501 subjects as literals', run: () => gql(`{ subjects(usccs: [${Array(501).fill(JSON.stringify(valid)).join(',')}]) { uscc } }`), status: 400, code: 'QUERY_TOO_COMPLEX' },
  { name: 'an alias bomb', run: () => gql(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: subject(uscc: "${valid}") { uscc }`).join(' ')} }`), status: 400, code: 'QUERY_TOO_COMPLEX' },
  { name: 'a directive bomb', run: () => gql(`{ subject(uscc: "${valid}") { ${Array.from({ length: 12 }, (_, i) => `k${i}: kind @include(if: true)`).join(' ')} } }`), status: 400, code: 'QUERY_TOO_COMPLEX' },
  { name: 'an over-deep introspection query', run: () => gql(`{ __schema { types { fields { type { ${'ofType { '.repeat(30)}name${' }'.repeat(30)} } } } } }`), status: 400, code: 'QUERY_TOO_COMPLEX' },
  { name: 'a token bomb', run: () => gql(`{ ${'__typename '.repeat(2500)} }`), status: 400, code: 'QUERY_TOO_COMPLEX' },
  { name: 'a fragment cycle', run: () => gql(`query { subject(uscc: "${valid}") { ...A } } fragment A on Subject { ...B } fragment B on Subject { ...A }`), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a syntax error', run: () => gql(`{ subject(uscc: "${valid}") { uscc }`), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'an unknown field', run: () => gql(`{ subject(uscc: "${valid}") { password } }`), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a searchSubjects name full of SQL', run: () => gql(`{ searchSubjects(name: "' OR 1=1 --") { uscc } }`), status: 200, code: '' },
  { name: 'a searchSubjects name full of markup', run: () => gql(`{ searchSubjects(name: "<script>alert(1)</script>") { uscc } }`), status: 200, code: '' },
  { name: 'a searchSubjects name of percent signs', run: () => gql(`{ searchSubjects(name: "%%") { uscc } }`), status: 200, code: '' },
  { name: 'an empty searchSubjects name', run: () => gql(`{ searchSubjects(name: "") { uscc } }`), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'a 500-character searchSubjects name', run: () => gql(`{ searchSubjects(name: "${'公司'.repeat(250)}") { uscc } }`), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'a negative first', run: () => gql(`{ searchSubjects(name: "有限", first: -1) { uscc } }`), status: 400, code: 'BAD_USER_INPUT' },
  // gateway/server.ts lists input validation before the query limits, and composePlugins runs them in turn
  {
    name: 'a bad first in a query over the alias limit (named as bad input, not as a limit)',
    run: () => gql(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: searchSubjects(name: "有限", first: ${i === 0 ? 1000000000 : 1}) { uscc }`).join(' ')} }`),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  { name: 'a body over the size limit', run: () => raw({ contentType: 'application/json', body: JSON.stringify({ query: `{ __typename }`, pad: 'x'.repeat(300 * 1024) }) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'a body that is not JSON', run: () => raw({ contentType: 'application/json', body: '{"query": "{ __typename }"' }), status: 400, code: 'BAD_REQUEST' },
  { name: 'a text/plain body', run: () => raw({ contentType: 'text/plain', body: '{ __typename }' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'a JSON array (batch) body', run: () => raw({ contentType: 'application/json', body: '[{"query":"{ __typename }"}]' }), status: 400, code: 'BAD_REQUEST' },
  { name: 'a JSON number body', run: () => raw({ contentType: 'application/json', body: '42' }), status: 400, code: 'BAD_REQUEST' },
  { name: 'a body without a query', run: () => raw({ contentType: 'application/json', body: '{"variables":{}}' }), status: 400, code: 'BAD_REQUEST' },
  { name: 'a query that is not a string', run: () => raw({ contentType: 'application/json', body: '{"query": 42}' }), status: 400, code: 'BAD_REQUEST' },
  { name: 'GET /graphql', run: () => raw({ method: 'GET' }), status: 405, code: 'METHOD_NOT_ALLOWED' },
  { name: 'PUT /graphql', run: () => raw({ method: 'PUT', contentType: 'application/json', body: '{}' }), status: 405, code: 'METHOD_NOT_ALLOWED' },
  { name: 'DELETE /graphql', run: () => raw({ method: 'DELETE' }), status: 405, code: 'METHOD_NOT_ALLOWED' },
  { name: 'an unknown path', run: () => raw({ path: '/admin', contentType: 'application/json', body: '{}' }), status: 404, code: 'NOT_FOUND' },
  { name: 'no token', run: () => raw({ contentType: 'application/json', body: '{"query":"{ __typename }"}', auth: false }), status: 401, code: 'UNAUTHENTICATED' },
];

describe('bad input', () => {
  it.each(cases.map((c) => [c.name, c] as const))('answers %s with its exact status and code', async (_name, c) => {
    const res = await c.run();
    expect(res.status).toBe(c.status);
    expect(res.body).not.toBeNull();
    const codes = (res.body!.errors ?? []).map((e) => e.extensions?.code);
    if (c.code) expect(codes[0]).toBe(c.code);
    else expect(res.body!.errors).toBeUndefined();
    // never a stack trace, a module path or an internal URL
    expect(res.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|stacktrace|127\.0\.0\.1:\d+\/graphql/);
  });

  it('names the broken rule for a malformed code', async () => {
    const res = await gql(subjectQuery(valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0')));
    expect(res.body!.errors![0].message).toMatch(/check character/i);
  });

  it('still serves the standard introspection query in development', async () => {
    const res = await gql(getIntrospectionQuery());
    expect(res.status).toBe(200);
    expect(res.body!.data.__schema.queryType.name).toBe('Query');
  });

  it('stays healthy after all of it', async () => {
    const health = await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/healthz'));
    expect(health.status).toBe(200);
    const res = await gql(subjectQuery(valid));
    expect(res.body!.data.subject.uscc).toBe(valid);
  });
});

describe('query limits (issue 17)', () => {
  const codes = (n: number) => Array.from({ length: n }, (_, i) => stack.world.subject(i).uscc);
  const ofTypes = (n: number) => `${'ofType { '.repeat(n)}name${' }'.repeat(n)}`;
  const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

  /** what was asked of the subgraphs and the departments' systems while `run` ran */
  async function fetchedDuring(run: () => Promise<unknown>): Promise<{ subgraphs: number; legacy: number }> {
    await stack.resetLegacy();
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const before = sum(stack.subgraphRequests());
    await run();
    const legacy = Object.values(stack.legacyStats()).reduce((a, s) => a + s.requests, 0);
    return { subgraphs: sum(stack.subgraphRequests()) - before, legacy };
  }

  const refusals: [string, () => Promise<Awaited<ReturnType<typeof gql>>>, RegExp][] = [
    // 20 levels: __schema › types › fields › type › 15 × ofType › name
    ['depth (an introspection walk 20 deep)', () => gql(`{ __schema { types { fields { type { ${ofTypes(15)} } } } } }`), /^query depth 20 exceeds the limit of 15$/],
    ['depth (20 deep through __type)', () => gql(`{ __type(name: "Subject") { ${ofTypes(18)} } }`), /^query depth 20 exceeds the limit of 15$/],
    [
      'introspection nesting (a cyclic query 20 deep)',
      () => gql(`{ __schema { types { ${'fields { type { ofType { '.repeat(6)}name${' } } }'.repeat(6)} } } }`),
      /^introspection list depth reaches 3, over the limit of 2 /,
    ],
    ['aliases', () => gql(`{ ${aliases(40, `subject(uscc: "${valid}") { uscc }`)} }`), /^alias count 40 exceeds the limit of 15$/],
    ['directives', () => gql(`{ subject(uscc: "${valid}") { ${aliases(12, 'kind @include(if: true)')} } }`), /^directive count 12 exceeds the limit of 10$/],
    ['cost', () => gql(`{ ${aliases(6, `subject(uscc: "${valid}") { ...FullProfile }`)} } ${fullProfileFragment()}`), /^query cost \d+ exceeds the limit of 5000$/],
    ['tokens', () => gql(`{ ${'__typename '.repeat(2500)} }`), /^token count exceeds the limit of 2000 /],
    ['subjects', () => gql(`query($u: [USCC!]!) { subjects(usccs: $u) { uscc } }`, { u: codes(501) }), /^subject count 501 exceeds the limit of 500 /],
  ];

  it.each(refusals)('refuses %s with QUERY_TOO_COMPLEX, naming the limit and the value', async (_name, run, message) => {
    const res = await run();
    expect(res.status).toBe(400);
    expect(res.body!.errors).toHaveLength(1);
    expect(res.body!.errors![0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.body!.errors![0].message).toMatch(message);
    expect(res.body!.errors![0].message).not.toMatch(/Syntax Error/i);
  });

  it('refuses 2 aliases × 500 codes behind `... on Query` before anything is fetched', async () => {
    let res: Awaited<ReturnType<typeof gql>> | undefined;
    const query = `query($u: [USCC!]!) { ... on Query { a: subjects(usccs: $u) { uscc registration { name } } b: subjects(usccs: $u) { uscc registration { name } } } }`;
    const fetched = await fetchedDuring(async () => (res = await gql(query, { u: codes(500) })));
    expect(res!.status).toBe(400);
    expect(res!.body!.errors![0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(res!.body!.errors![0].message).toMatch(/^subject count 1000 exceeds the limit of 500 /);
    expect(res!.body!.data).toBeUndefined();
    expect(fetched).toEqual({ subgraphs: 0, legacy: 0 });
  });

  it('refuses 15 aliases × 500 codes behind a named fragment before anything is fetched', async () => {
    let res: Awaited<ReturnType<typeof gql>> | undefined;
    const query = `query($u: [USCC!]!) { ...Many } fragment Many on Query { ${aliases(15, 'subjects(usccs: $u) { uscc registration { name } }')} }`;
    const fetched = await fetchedDuring(async () => (res = await gql(query, { u: codes(500) })));
    expect(res!.status).toBe(400);
    expect(res!.body!.errors![0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(res!.body!.errors![0].message).toMatch(/^subject count 7500 exceeds the limit of 500 /);
    expect(fetched).toEqual({ subgraphs: 0, legacy: 0 });
  });

  it('serves 2 aliases × 250 codes behind `... on Query`: 500 is within the limit', async () => {
    const query = `query($u: [USCC!]!) { ... on Query { a: subjects(usccs: $u) { uscc } b: subjects(usccs: $u) { uscc } } }`;
    const res = await gql(query, { u: codes(250) });
    expect(res.status).toBe(200);
    expect(res.body!.errors).toBeUndefined();
    expect(res.body!.data.a).toHaveLength(250);
    expect(res.body!.data.b).toHaveLength(250);
  });

  it('serves the introspection query GraphiQL sends (all options on) in development', async () => {
    const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
    const res = await gql(query);
    expect(res.status).toBe(200);
    expect(res.body!.errors).toBeUndefined();
    expect(res.body!.data.__schema.types.some((t: { name: string }) => t.name === 'Subject')).toBe(true);
  });
});

describe('rate limit and production mode', () => {
  let limited: Stack;
  beforeAll(async () => {
    limited = await startStack({
      env: { RATE_LIMIT_PER_MINUTE: '3', NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), INTERNAL_TOKEN_SECRET: 'i'.repeat(40), AUDIT_HMAC_KEY: 'h'.repeat(40) },
    });
  });
  afterAll(() => limited?.stop());

  it('refuses introspection with NODE_ENV=production', async () => {
    const res = await limited.query(`{ __schema { queryType { name } } }`, { token: await limited.token({ role: 'auditor', org: 'prod-a' }) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { message: 'Introspection is off in production (NODE_ENV=production); schema/REFERENCE.md describes the graph', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
  });

  it('answers HTTP 429 with Retry-After past an organization\'s limit, other organizations unaffected', async () => {
    const a = await limited.token({ role: 'public', org: 'busy-portal' });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await limited.query(`{ subject(uscc: "${valid}") { kind } }`, { token: a });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(res.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const other = await limited.query(`{ subject(uscc: "${valid}") { kind } }`, { token: await limited.token({ role: 'public', org: 'quiet-portal' }) });
    expect(other.status).toBe(200);
  });
});
