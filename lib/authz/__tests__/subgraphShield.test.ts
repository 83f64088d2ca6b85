import DataLoader from 'dataloader';
import { buildSchema, execute, parse, type ExecutionResult, type GraphQLObjectType } from 'graphql';
import type { Consumer } from '../../auth/consumer';
import { collectAccessPolicies } from '../accessPolicies';
import { SUBJECT_KEY, applyAuthorization, type AuthorizationContext } from '../subgraphShield';

/**
 * The rules every subgraph applies from its SDL (buildRules through applyAuthorization), executed
 * over a small schema of the same shape: Subject → section → fields, a root field per case.
 */

const SDL = `
  directive @access(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT
  type Query {
    subject(uscc: String!): Subject @access(policies: [["AUTHENTICATED"]])
    undeclared: String
    _entities(representations: [_Any!]!): [Subject]!
    _service: _Service!
  }
  scalar _Any
  type _Service { sdl: String }
  type Subject { uscc: String! @access(policies: [["PUBLIC"]]) finance: Finance @access(policies: [["FINANCING"]]) customs: Customs @access(policies: [["PUBLIC"]]) }
  type Finance { loanBalance: String overdueDays: Int }
  type Customs { customsCode: String @access(policies: [["GOVERNMENT"]]) creditClass: String }
`;
const SELF = '91110101MAAL0CXK0M';
const OTHER = '91350100M000100Y43';

const typeDefs = parse(SDL);
const schema = applyAuthorization(buildSchema(SDL), collectAccessPolicies(typeDefs));
const rootValue = {
  subject: ({ uscc }: { uscc: string }) => ({
    uscc,
    // section resolvers stamp their subject on what they return (SUBJECT_KEY)
    finance: { [SUBJECT_KEY]: uscc, loanBalance: '100.00', overdueDays: 0 },
    customs: { [SUBJECT_KEY]: uscc, customsCode: '1101960001', creditClass: 'REGULAR' },
  }),
  undeclared: () => 'should never be served',
  _service: { sdl: 'type Query' },
};

async function run(query: string, consumer: Consumer, consents: Record<string, string> = {}) {
  const looked: string[] = [];
  const context: AuthorizationContext = {
    consumer,
    consents: new DataLoader(async (keys: readonly string[]) => keys.map((k) => (looked.push(k), consents[k] ?? null))),
    consentsUsed: new Map(),
  };
  const result = (await execute({ schema, document: parse(query), rootValue, contextValue: context })) as ExecutionResult;
  return { result, looked, consentsUsed: context.consentsUsed };
}

const who = (role: Consumer['role'], purpose: string | null = null, subject: string | null = null): Consumer => ({ id: 'u', org: 'bank-1', role, purpose, subject });
const codes = (r: ExecutionResult) => (r.errors ?? []).map((e) => [e.path?.join('.'), e.extensions.code]);

describe('buildRules / applyAuthorization', () => {
  it('wraps only the fields with a rule of their own and the refused root fields: an allowed field keeps its own resolver', () => {
    const built = buildSchema(SDL);
    const ownResolver = () => 'own';
    (built.getType('Finance') as GraphQLObjectType).getFields().loanBalance.resolve = ownResolver;
    const authorized = applyAuthorization(built, collectAccessPolicies(typeDefs));
    const field = (type: string, name: string) => (authorized.getType(type) as GraphQLObjectType).getFields()[name]!.resolve;
    // below a classified field, and federation's entry points: no middleware (no promise per value)
    expect(field('Finance', 'loanBalance')).toBe(ownResolver);
    expect(field('Finance', 'overdueDays')).toBeUndefined();
    expect(field('Customs', 'creditClass')).toBeUndefined();
    expect(field('Query', '_service')).toBeUndefined();
    // a rule of its own, or the fallback's refusal: wrapped
    for (const [type, name] of [['Subject', 'finance'], ['Customs', 'customsCode'], ['Query', 'subject'], ['Query', 'undeclared']]) expect(field(type, name)).toEqual(expect.any(Function));
  });

  it('refuses a root field without @access (fallback deny) with FORBIDDEN', async () => {
    const { result } = await run('{ undeclared }', who('government'));
    expect(result.data?.undeclared).toBeNull();
    expect(codes(result)).toEqual([['undeclared', 'FORBIDDEN']]);
  });

  it('lets undeclared fields below a classified one follow it: the finance section decides loanBalance', async () => {
    const bank = await run(`{ subject(uscc: "${OTHER}") { finance { loanBalance overdueDays } } }`, who('bank', 'financing'), { [OTHER]: 'consent-9' });
    expect(bank.result.errors).toBeUndefined();
    expect(bank.result.data).toEqual({ subject: { finance: { loanBalance: '100.00', overdueDays: 0 } } });
    expect(bank.consentsUsed).toEqual(new Map([[OTHER, 'consent-9']]));
  });

  it('answers a bank without consent CONSENT_REQUIRED at the section, the rest intact', async () => {
    const { result, looked } = await run(`{ subject(uscc: "${OTHER}") { uscc finance { loanBalance } customs { creditClass } } }`, who('bank', 'financing'));
    expect(result.data).toEqual({ subject: { uscc: OTHER, finance: null, customs: { creditClass: 'REGULAR' } } });
    expect(codes(result)).toEqual([['subject.finance', 'CONSENT_REQUIRED']]);
    expect(looked).toEqual([OTHER]);
  });

  it('never looks a consent up for a consumer no consent could help', async () => {
    const { result, looked } = await run(`{ subject(uscc: "${OTHER}") { finance { loanBalance } } }`, who('public'));
    expect(codes(result)).toEqual([['subject.finance', 'FORBIDDEN']]);
    expect(looked).toEqual([]);
  });

  it('refuses a field classified below a public section by its own class', async () => {
    const { result } = await run(`{ subject(uscc: "${OTHER}") { customs { customsCode creditClass } } }`, who('auditor'));
    expect(result.data).toEqual({ subject: { customs: { customsCode: null, creditClass: 'REGULAR' } } });
    expect(codes(result)).toEqual([['subject.customs.customsCode', 'FORBIDDEN']]);
  });

  it('lets a subject read every class of its own data, and refuses it another subject', async () => {
    const own = await run(`{ subject(uscc: "${SELF}") { finance { loanBalance } customs { customsCode } } }`, who('subject', null, SELF));
    expect(own.result.errors).toBeUndefined();
    const other = await run(`{ subject(uscc: "${OTHER}") { uscc customs { creditClass } } }`, who('subject', null, SELF));
    expect(codes(other.result).sort()).toEqual([
      ['subject.customs', 'FORBIDDEN'],
      ['subject.uscc', 'FORBIDDEN'],
    ]);
    expect(other.result.data).toEqual({ subject: null });
  });

  it("lets federation's _service through (the internal token already proved the caller)", async () => {
    const { result } = await run('{ _service { sdl } }', who('public'));
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ _service: { sdl: 'type Query' } });
  });
});
