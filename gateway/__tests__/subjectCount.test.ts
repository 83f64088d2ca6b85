import { getNamedType, getOperationAST, isInterfaceType, isObjectType, parse, type GraphQLSchema } from 'graphql';
import { countSubjects } from '../subjectCount';
import { loadApiSchema } from './helpers/apiSchema';

/**
 * The subject count the 500-subject limit and admission go by, on the shapes an attacker uses
 * to multiply subjects past a count of top-level fields (issue 17, finding 1).
 */

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await loadApiSchema();
});

const codes = (n: number) => Array.from({ length: n }, (_, i) => `code-${i}`);

function count(query: string, variables: Record<string, unknown> = {}, operationName?: string): number {
  const document = parse(query);
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error(`no operation ${operationName ?? ''}`);
  return countSubjects({ schema, document, operation, variables });
}

describe('subjects an operation will execute', () => {
  it('sums two aliases of one variable list behind `... on Query` (the reported attack)', () => {
    const query = `query($u:[USCC!]!){ ... on Query { a: subjects(usccs:$u){uscc} b: subjects(usccs:$u){uscc} } }`;
    expect(count(query, { u: codes(500) })).toBe(1000);
  });

  it('sums 15 aliases behind a named fragment', () => {
    const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: subjects(usccs: $u) { uscc }`).join(' ');
    expect(count(`query($u: [USCC!]!) { ...F } fragment F on Query { ${aliases} }`, { u: codes(500) })).toBe(7500);
  });

  it('counts a field once however often a fragment with it is spread (same response key: executed once)', () => {
    const query = `query($u: [USCC!]!) { ...F ...F ... on Query { ...F } } fragment F on Query { a: subjects(usccs: $u) { uscc } }`;
    expect(count(query, { u: codes(300) })).toBe(300);
    const twice = `query($u: [USCC!]!) { a: subjects(usccs: $u) { uscc } ... on Query { a: subjects(usccs: $u) { kind } } }`;
    expect(count(twice, { u: codes(300) })).toBe(300);
  });

  it('follows nested fragments and inline fragments without a type condition', () => {
    const query = `query($u: [USCC!]!) { ... { ...A } } fragment A on Query { x: subjects(usccs: $u) { uscc } ...B } fragment B on Query { ... on Query { y: subjects(usccs: $u) { kind } } }`;
    expect(count(query, { u: codes(260) })).toBe(520);
  });

  it('honours @skip and @include, literal or from variables', () => {
    const query = `query($u: [USCC!]!, $on: Boolean!) {
      a: subjects(usccs: $u) @include(if: $on) { uscc }
      b: subjects(usccs: $u) @skip(if: $on) { uscc }
      ... on Query @include(if: false) { c: subjects(usccs: $u) { uscc } }
      ...F @skip(if: true)
    } fragment F on Query { d: subjects(usccs: $u) { uscc } }`;
    expect(count(query, { u: codes(400), on: true })).toBe(400);
    expect(count(query, { u: codes(400), on: false })).toBe(400);
  });

  it('counts literal lists, a single code coerced to a list, variables inside a list and default values', () => {
    expect(count(`{ subjects(usccs: ["a", "b", "c"]) { uscc } }`)).toBe(3);
    expect(count(`{ subjects(usccs: "a") { uscc } }`)).toBe(1);
    expect(count(`query($x: USCC!) { subjects(usccs: ["a", $x]) { uscc } }`, { x: 'b' })).toBe(2);
    expect(count(`query($u: [USCC!]! = ["a", "b"]) { p: subjects(usccs: $u) { uscc } q: subjects(usccs: $u) { uscc } }`)).toBe(4);
  });

  it('counts each subject(uscc:) alias as one and searchSubjects by its `first` (10 unless given)', () => {
    expect(count(`{ a: subject(uscc: "a") { uscc } b: subject(uscc: "b") { uscc } }`)).toBe(2);
    expect(count(`query($n: Int) { searchSubjects(name: "x") { uscc } s: searchSubjects(name: "y", first: 50) { uscc } t: searchSubjects(name: "z", first: $n) { uscc } }`, { n: 7 })).toBe(67);
  });

  it('counts a credit-check screen (checkSubjects) with subjects, through aliases', () => {
    const query = `query($u: [USCC!]!) { s: checkSubjects(usccs: $u, scenario: BIDDING) { uscc } subjects(usccs: $u) { uscc } }`;
    expect(count(query, { u: codes(300) })).toBe(600);
  });

  it('counts only the operation being executed', () => {
    const query = `query Small { subject(uscc: "a") { uscc } } query Big($u: [USCC!]!) { subjects(usccs: $u) { uscc } }`;
    expect(count(query, { u: codes(900) }, 'Small')).toBe(1);
    expect(count(query, { u: codes(900) }, 'Big')).toBe(900);
  });

  it('counts nothing for variables the gateway refuses to coerce (it executes nothing)', () => {
    expect(count(`query($u: [USCC!]!) { subjects(usccs: $u) { uscc } }`, { u: ['a', null] })).toBe(0);
    expect(count(`query($u: [USCC!]!) { subjects(usccs: $u) { uscc } }`, {})).toBe(0);
  });

  it('holds only while root fields are the only ones returning Subject: nothing nested can multiply them', () => {
    const producing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        if (getNamedType(field.type).name === 'Subject') producing.push(`${type.name}.${field.name}`);
      }
    }
    // a new field returning Subject must be weighed in subjectCount.ts before it is added here
    expect(producing.sort()).toEqual(['Query.checkSubjects', 'Query.searchSubjects', 'Query.subject', 'Query.subjects']);
  });
});
