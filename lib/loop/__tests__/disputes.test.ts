import { randomUUID } from 'node:crypto';
import { parse, type FragmentDefinitionNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import { Pool } from 'pg';
import { createTestSchema } from '../../../test/harness/database';
import { SUBJECT_KEY } from '../../authz/subgraphShield';
import { disputeResolvers, withDisputePrefetch } from '../disputes';
import { migrateLoop } from '../loopSchema';

/**
 * A department's `dispute` fields read one look-up of the subject's open objections, started as
 * the gateway's reference arrives (while the legacy system is asked), not after the records came
 * back. Against the real PostgreSQL, with the pool's queries counted.
 */

const USCC = '91431026MAUEXXTH8B';
let db: Awaited<ReturnType<typeof createTestSchema>>;
let pool: Pool;
let queries: string[];
/** a request context: the loaders live per context */
const context = () => ({
  pool: {
    query: (text: string, values: unknown[]) => {
      queries.push(text);
      return pool.query(text, values);
    },
  } as unknown as Pool,
});

/** the info a reference resolver receives for the gateway's `_entities` fetch of `document` */
function infoFor(document: string): GraphQLResolveInfo {
  const doc = parse(document);
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const fragments = Object.fromEntries(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((f) => [f.name.value, f]));
  return { operation, fragments } as unknown as GraphQLResolveInfo;
}

const WITH_DISPUTE = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { marketSupervision { ...P } } } }
  fragment P on MarketSupervision { penalties { decisionNumber dispute { id dueOn } } }`;
const WITHOUT_DISPUTE = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { marketSupervision { penalties { decisionNumber } } } } }`;

const resolvers = withDisputePrefetch('market', { Subject: { __resolveReference: (ref: { uscc: string }) => ({ uscc: ref.uscc }) } });
const resolveReference = (ctx: ReturnType<typeof context>, document: string) =>
  (resolvers.Subject.__resolveReference as unknown as (ref: { uscc: string }, c: unknown, i: GraphQLResolveInfo) => unknown)({ uscc: USCC }, ctx, infoFor(document));
const dispute = disputeResolvers('market').AdministrativePenalty.dispute;
const settled = () => new Promise((r) => setImmediate(r));

beforeAll(async () => {
  db = await createTestSchema();
  pool = new Pool({ connectionString: db.url, max: 2 });
  await migrateLoop(pool);
  await pool.query(
    `INSERT INTO objections (id, uscc, department, record_type, record_ref, field, claim, evidence, status, filed_at, filed_by, due_on)
     VALUES ($1, $2, 'market', 'AdministrativePenalty', '湘汝城市监处罚〔2025〕671号', 'fine', 'paid in full', 'receipt', 'OPEN', now(), 'subject', '2026-12-18')`,
    [randomUUID(), USCC],
  );
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});
beforeEach(() => {
  queries = [];
});

describe("a department's dispute look-up", () => {
  it('starts as the reference arrives when the operation asks for dispute (through a fragment too), and the records read that one look-up', async () => {
    const ctx = context();
    resolveReference(ctx, WITH_DISPUTE);
    await settled();
    expect(queries).toHaveLength(1);
    const disputed = await dispute({ [SUBJECT_KEY]: USCC, decisionNumber: '湘汝城市监处罚〔2025〕671号' }, {}, ctx);
    const other = await dispute({ [SUBJECT_KEY]: USCC, decisionNumber: '湘汝城市监处罚〔2025〕672号' }, {}, ctx);
    expect(disputed).toMatchObject({ status: 'OPEN', dueOn: '2026-12-18' });
    expect(other).toBeNull();
    expect(queries).toHaveLength(1);
  });

  it('is not made for an operation without dispute', async () => {
    resolveReference(context(), WITHOUT_DISPUTE);
    await settled();
    expect(queries).toEqual([]);
  });

  it("is never shared between request contexts: another consumer's request asks again", async () => {
    const first = context();
    resolveReference(first, WITH_DISPUTE);
    await dispute({ [SUBJECT_KEY]: USCC, decisionNumber: '湘汝城市监处罚〔2025〕671号' }, {}, first);
    const second = context();
    await dispute({ [SUBJECT_KEY]: USCC, decisionNumber: '湘汝城市监处罚〔2025〕671号' }, {}, second);
    expect(queries).toHaveLength(2);
  });
});
