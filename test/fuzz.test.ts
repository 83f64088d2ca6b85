import { randomUUID } from 'node:crypto';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { startStack, type Stack } from './harness/stack';

/**
 * Every argument of every root field of the gateway's API schema (read by introspection, so a new
 * field is fuzzed without touching this file) gets random and malformed values — wrong types,
 * huge numbers, empty, unicode and long strings, nested objects, nulls, lists for scalars, bad
 * cursors, out-of-range `first` — as literals and as variables, over the real stack. No answer may
 * be INTERNAL_SERVER_ERROR or 5xx, or carry a stack trace or an internal URL. Seeded: the same
 * cases every run; a failure prints the case to replay.
 */

const SEED = 20260517;
const RANDOM_CASES_PER_ARGUMENT = 6;
/** the share of an input object field's edge values sent */
const FIELD_EDGE_SAMPLE = 0.25;

/** mulberry32: a tiny deterministic generator, so every run sends the same cases */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cursor = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');
const NOW = '2026-01-01T00:00:00.000Z';

const STRINGS = [
  '',
  ' ',
  'ABC',
  '\u0000',
  'a\u0000b',
  '统一社会信用代码',
  '👩‍👩‍👧‍👦'.repeat(20),
  '\u202e\u0301\ufeff',
  '\ud800',
  'x'.repeat(5000),
  '9'.repeat(400),
  'yesterday',
  'tomorrow',
  '2026-02-30',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59+14:00',
  '2026-13-01T00:00:00+08:00',
  "' OR 1=1 --",
  '%00%ff',
  '{"$gt":""}',
  'not-base64!!',
  cursor([NOW, 'chain', '1'.repeat(30)]),
  cursor([NOW, 'chain', '-1']),
  cursor(['+275760-09-13T00:00:00.000Z', 'chain', '1']),
  cursor(['-271821-04-20T00:00:00.000Z', 'chain', '1']),
  cursor([NOW, 'a\u0000b', '1']),
  cursor([NOW, 'x'.repeat(2000), '1']),
  cursor([NOW, 'chain']),
  cursor({ at: NOW }),
  cursor(null),
  Buffer.from('not json').toString('base64url'),
];
const NUMBERS = [0, -1, 1, 500, 501, 1e9, -1e9, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53 + 1, 1e300, -1e300, 0.5, -0];

/** One random malformed value of any shape. */
function anyValue(rand: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  switch (Math.floor(rand() * 8)) {
    case 0:
    case 1:
      return pick(STRINGS);
    case 2:
      return pick(NUMBERS);
    case 3:
      return pick([true, false, null]);
    case 4:
      // a long list only of short values: the body stays under the gateway's size limit
      if (depth === 0 && rand() < 0.2) return Array.from({ length: 600 }, () => pick(NUMBERS));
      return depth > 2 ? [] : Array.from({ length: pick([0, 1, 3]) }, () => anyValue(rand, depth + 1));
    case 5:
      return depth > 3 ? {} : { a: anyValue(rand, depth + 1), uscc: pick(STRINGS), from: pick(STRINGS), nested: { deeper: { deepest: pick(NUMBERS) } } };
    case 6:
      return pick(STRINGS).toLowerCase();
    default:
      return pick(NUMBERS);
  }
}

/** A value the type accepts, so that the argument being fuzzed is the one that is wrong. */
function validValue(type: GraphQLInputType, uscc: string): unknown {
  if (isNonNullType(type)) return validValue(type.ofType, uscc);
  if (isListType(type)) return [validValue(type.ofType, uscc)];
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, validValue(f.type, uscc)]));
  }
  if (isEnumType(type)) return type.getValues()[0].value;
  switch (type.name) {
    case 'USCC':
      return uscc;
    case 'Date':
      return '2026-01-01';
    case 'DateTime':
      return '2027-01-01T00:00:00+08:00';
    case 'Int':
      return 10;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    case 'ID':
      return randomUUID();
    default:
      return 'financing';
  }
}

/** A malformed value for `type`: wholly random, or valid except one field deep inside. */
function malformedValue(type: GraphQLInputType, uscc: string, rand: () => number): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isInputObjectType(inner) && rand() < 0.6) {
    const fields = Object.values(inner.getFields());
    const target = fields[Math.floor(rand() * fields.length)];
    return { ...(validValue(inner, uscc) as object), [target.name]: malformedValue(target.type, uscc, rand) };
  }
  if (isListType(inner) && rand() < 0.3) return [validValue(inner.ofType, uscc), malformedValue(inner.ofType, uscc, rand)];
  return anyValue(rand);
}

/**
 * Every edge value for `type`, each once: all the strings (bad cursors among them) for a string-like
 * scalar, all the numbers for a number, and for an input object a sample of each field's edges in
 * an otherwise valid object. Random values find shapes; this sweep makes sure no listed edge is left to chance.
 */
function edgeValues(type: GraphQLInputType, uscc: string, rand: () => number): unknown[] {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return edgeValues(inner.ofType, uscc, rand).map((v) => [v]);
  if (isInputObjectType(inner)) {
    // a sample of each field's edges: all of them for every field would be thousands of requests
    const valid = validValue(inner, uscc) as object;
    return Object.values(inner.getFields()).flatMap((f) =>
      edgeValues(f.type, uscc, rand)
        .filter(() => rand() < FIELD_EDGE_SAMPLE)
        .map((v) => ({ ...valid, [f.name]: v })),
    );
  }
  if (isScalarType(inner) && (inner.name === 'Int' || inner.name === 'Float')) return NUMBERS;
  if (isScalarType(inner) && inner.name !== 'Boolean') return STRINGS;
  return [null, 0, 'x'];
}

/** GraphQL literal syntax for a JSON value (strings escaped as JSON, which GraphQL accepts). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  return `{${Object.entries(value as object).map(([k, v]) => `${k}: ${literal(v)}`).join(', ')}}`;
}

/** the return type's leaves one level down, plus __typename: enough for the root field to run */
function selection(field: GraphQLField<unknown, unknown>): string {
  const type = getNamedType(field.type);
  if (isLeafType(type)) return '';
  if (!isObjectType(type)) return '{ __typename }';
  const leaves = Object.values(type.getFields()).filter((f) => isLeafType(getNamedType(f.type)) && f.args.length === 0).map((f) => f.name);
  return `{ __typename ${leaves.join(' ')} }`;
}

interface Case {
  mode: 'literal' | 'variables';
  query: string;
  variables?: Record<string, unknown>;
}

function buildCase(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, fuzzed: GraphQLArgument, value: unknown, mode: Case['mode'], uscc: string): Case {
  const args = field.args.filter((a) => a === fuzzed || isNonNullType(a.type));
  const valueOf = (a: GraphQLArgument) => (a === fuzzed ? value : validValue(a.type, uscc));
  if (mode === 'literal') {
    return { mode, query: `${operation} { ${field.name}(${args.map((a) => `${a.name}: ${literal(valueOf(a))}`).join(', ')}) ${selection(field)} }` };
  }
  const definitions = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  return {
    mode,
    query: `${operation} Fuzz(${definitions}) { ${field.name}(${args.map((a) => `${a.name}: $${a.name}`).join(', ')}) ${selection(field)} }`,
    variables: Object.fromEntries(args.map((a) => [a.name, valueOf(a)])),
  };
}

let stack: Stack;
let schema: GraphQLSchema;
let internalMarks: string[];

beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
  const token = await stack.token({ role: 'auditor', org: 'fuzz-office' });
  const { body } = await stack.query(getIntrospectionQuery(), { token });
  schema = buildClientSchema(body.data);
  // where the stack's own services live: none of it may reach a client
  internalMarks = [...Object.values(stack.subgraphUrls), ...Object.entries(stack.env).filter(([k]) => k.endsWith('_LEGACY_URL')).map(([, v]) => v)].map(
    (url) => new URL(url).host,
  );
});
afterAll(() => stack?.stop());

describe('fuzzing every argument of every root field', () => {
  it('answers random and malformed input without an internal error, a 5xx, a stack trace or an internal URL', async () => {
    const rand = random(SEED);
    const uscc = stack.world.subject(5).uscc;
    const tokens = await Promise.all([
      stack.token({ role: 'auditor', org: 'fuzz-office' }),
      stack.token({ role: 'subject', org: 'fuzz-subject', subject: uscc }),
      stack.token({ role: 'bank', org: 'fuzz-bank', purpose: 'financing' }),
      stack.token({ role: 'government', org: 'fuzz-gov' }),
    ]);
    const cases: Case[] = [];
    for (const [operation, root] of [['query', schema.getQueryType()], ['mutation', schema.getMutationType()]] as const) {
      for (const field of Object.values(root?.getFields() ?? {})) {
        if (field.name.startsWith('_')) continue;
        for (const argument of field.args) {
          const values = [...edgeValues(argument.type, uscc, rand), ...Array.from({ length: RANDOM_CASES_PER_ARGUMENT }, () => malformedValue(argument.type, uscc, rand))];
          for (const value of values) {
            cases.push(buildCase(operation, field, argument, value, 'literal', uscc), buildCase(operation, field, argument, value, 'variables', uscc));
          }
        }
      }
    }
    // the schema was read: SPEC's root fields are all among those fuzzed
    const fuzzedFields = new Set(cases.map((c) => /\{ (\w+)\(/.exec(c.query)![1]));
    expect([...fuzzedFields]).toEqual(expect.arrayContaining(['subject', 'subjects', 'searchSubjects', 'auditTrail', 'consents', 'grantConsent', 'revokeConsent']));

    const failures: unknown[] = [];
    const run = async (c: Case, index: number) => {
      const res = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[index % tokens.length]}` },
        body: JSON.stringify({ query: c.query, variables: c.variables }),
      });
      const text = await res.text();
      const problems = [
        res.status >= 500 && `HTTP ${res.status}`,
        text.includes('INTERNAL_SERVER_ERROR') && 'INTERNAL_SERVER_ERROR',
        /\n\s+at |\.ts:\d+|node_modules/.test(text) && 'a stack trace',
        internalMarks.some((host) => text.includes(host)) && 'an internal URL',
      ].filter(Boolean);
      if (problems.length > 0) failures.push({ problems, ...c, variables: JSON.stringify(c.variables)?.slice(0, 300), status: res.status, answer: text.slice(0, 300) });
    };
    // eight at a time: bounded load on the shared machine, and a slow search holds up no batch
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        await run(cases[index], index);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    expect(failures).toEqual([]);
    expect((await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/healthz'))).status).toBe(200);
  });
});
