import { buildSchema, execute, getOperationAST, parse, printSchema, validate, type GraphQLSchema } from 'graphql';
import { MAX_SUBJECTS_PER_REQUEST } from '../../lib/config';
import { countSubjects } from '../subjectCount';
import { loadApiSchema } from './helpers/apiSchema';

/**
 * Property: for operation shapes an attacker can build — aliases × named fragments (spread
 * several times, nested) × the same field written twice × inline fragments (with and without a type condition) × variables or
 * literals (defaults, a code coerced to a list) × @skip/@include × a second operation — the
 * count equals what executing the operation produces, so none that passes the limit executes
 * more subjects than SPEC §5 allows. The oracle executes each operation with graphql-js against a
 * schema built from the gateway's API schema, with resolvers that count the Subject objects.
 */

const RUNS = 400;
const SEED = 17;

/** mulberry32: small, seeded, reproducible */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
type Rng = ReturnType<typeof rng>;

const SIZES = [0, 1, 2, 40, 120, 249, 250, 251, 300, 499, 500, 501] as const;
const codes = (n: number) => Array.from({ length: n }, (_, i) => `C${i}`);

/** one generated document: its text, the variables sent and the operation executed */
interface Generated {
  query: string;
  variables: Record<string, unknown>;
  operationName: string;
}

function generate(r: Rng): Generated {
  const variableDefs: string[] = [];
  const variables: Record<string, unknown> = {};
  let fields = 0;
  const unaliasedUsed = new Set<string>();
  const variable = (type: string, value: unknown, defaultValue?: string): string => {
    const name = `v${variableDefs.length}`;
    variableDefs.push(`$${name}: ${type}${defaultValue ? ` = ${defaultValue}` : ''}`);
    if (value !== undefined) variables[name] = value;
    return `$${name}`;
  };
  const condition = (): string => {
    if (!r.chance(0.3)) return '';
    const directive = r.pick(['skip', 'include']);
    const value = r.chance(0.5) ? String(r.chance(0.5)) : variable('Boolean!', r.chance(0.5));
    return ` @${directive}(if: ${value})`;
  };
  const emitted: string[] = [];
  const field = (): string => {
    // the same field written again elsewhere: one response key, executed once
    if (emitted.length > 0 && r.chance(0.15)) return r.pick(emitted);
    const text = newField();
    emitted.push(text);
    return text;
  };
  const newField = (): string => {
    const kind = r.pick(['subjects', 'subjects', 'subjects', 'subject', 'searchSubjects'] as const);
    // a key used twice with different arguments would not validate: aliases are unique, and each
    // field name appears at most once without one
    const alias = !unaliasedUsed.has(kind) && r.chance(0.2) ? (unaliasedUsed.add(kind), '') : `f${fields++}: `;
    let args: string;
    if (kind === 'subject') args = `uscc: ${r.chance(0.5) ? '"C0"' : variable('USCC!', 'C0')}`;
    else if (kind === 'searchSubjects') {
      const first = r.pick([undefined, 1, 10, 50, 200]);
      args = `name: "x"${first === undefined ? '' : `, first: ${r.chance(0.5) ? first : variable('Int', first)}`}`;
    } else {
      const n = r.pick(SIZES);
      const form = r.int(5);
      if (form === 0) args = `usccs: ${JSON.stringify(codes(n))}`;
      else if (form === 1) args = `usccs: "C0"`;
      else if (form === 2) args = `usccs: ${variable('[USCC!]!', undefined, JSON.stringify(codes(Math.min(n, 3))))}`;
      else if (form === 3) args = `usccs: [${codes(Math.min(n, 4)).map(() => variable('USCC!', 'C1')).join(', ')}]`;
      else args = `usccs: ${variable('[USCC!]!', codes(n))}`;
    }
    return `${alias}${kind}(${args})${condition()} { uscc }`;
  };

  const fragments: string[] = [];
  /** a selection set on Query: fields, inline fragments, spreads of earlier fragments */
  const selections = (depth: number, spreadable: number): string => {
    const parts: string[] = [];
    const n = 1 + r.int(3);
    for (let i = 0; i < n; i++) {
      const what = r.int(depth > 2 ? 2 : 4);
      if (what <= 1) parts.push(field());
      else if (what === 2) parts.push(`... ${r.chance(0.7) ? 'on Query' : ''}${condition()} { ${selections(depth + 1, spreadable)} }`);
      else if (spreadable > 0) parts.push(`...F${r.int(spreadable)}${condition()}`);
      else parts.push(field());
    }
    return parts.join(' ');
  };
  const fragmentCount = r.int(4);
  for (let k = 0; k < fragmentCount; k++) fragments.push(`fragment F${k} on Query { ${selections(1, k)} }`);
  let body = selections(0, fragmentCount);
  // every fragment used at least once, some several times
  for (let k = 0; k < fragmentCount; k++) body += ` ...F${k}${r.chance(0.3) ? ` ...F${k}` : ''}`;
  const defs = variableDefs.length ? `(${variableDefs.join(', ')})` : '';
  const decoy = r.chance(0.4) ? ` query Decoy { d: subjects(usccs: ${JSON.stringify(codes(600))}) { uscc } }` : '';
  return { query: `query Main${defs} { ${body} }${decoy} ${fragments.join(' ')}`, variables, operationName: 'Main' };
}

/** executes the operation and counts the Subject objects its root fields produce */
function oracle(schema: GraphQLSchema, g: Generated): number {
  let produced = 0;
  const make = (n: number) => {
    produced += n;
    return Array.from({ length: n }, (_, i) => ({ uscc: `C${i}` }));
  };
  const rootValue = {
    subject: () => make(1)[0],
    subjects: ({ usccs }: { usccs: string[] }) => make(usccs.length),
    searchSubjects: ({ first }: { first: number }) => make(Math.max(0, first)),
  };
  const document = parse(g.query);
  expect(validate(schema, document)).toEqual([]);
  const result = execute({ schema, document, rootValue, variableValues: g.variables, operationName: g.operationName });
  if ('then' in result) throw new Error('the oracle resolves synchronously');
  expect(result.errors).toBeUndefined();
  return produced;
}

it(`counts what execution produces for ${RUNS} generated operation shapes (seed ${SEED})`, async () => {
  const api = await loadApiSchema();
  // independent of the gateway's schema objects: rebuilt from its printed SDL, default resolvers
  const executable = buildSchema(printSchema(api));
  const r = rng(SEED);
  let refused = 0;
  let passed = 0;
  for (let i = 0; i < RUNS; i++) {
    const g = generate(r);
    const document = parse(g.query);
    const counted = countSubjects({ schema: api, document, operation: getOperationAST(document, g.operationName)!, variables: g.variables });
    const executed = oracle(executable, g);
    if (counted !== executed) throw new Error(`run ${i}: counted ${counted}, executed ${executed}:\n${g.query}\n${JSON.stringify(g.variables).slice(0, 500)}`);
    if (counted > MAX_SUBJECTS_PER_REQUEST) refused++;
    else passed++;
  }
  // both sides of the limit exercised, not a generator stuck on one
  expect(refused).toBeGreaterThan(RUNS / 10);
  expect(passed).toBeGreaterThan(RUNS / 10);
});
