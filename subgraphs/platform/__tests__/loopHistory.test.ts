import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { loadConfig } from '../../../lib/config';
import { inTransaction } from '../../../lib/db/transaction';
import { migrateLoop, recordEvent } from '../../../lib/loop/loopSchema';
import { createTestSchema } from '../../../test/harness/database';
import { loopServices } from '../loop';

/** A queue of cases read with their histories costs one query for all the histories, not one per case. */

let database: Awaited<ReturnType<typeof createTestSchema>>;
let pool: Pool;
const queries: string[] = [];

beforeAll(async () => {
  database = await createTestSchema();
  pool = new Pool({ connectionString: database.url, max: 2 });
  await migrateLoop(pool);
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    queries.push(String(args[0]));
    return query(...args);
  }) as Pool['query'];
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

const actor = { id: 'u1', org: 'market-bureau', role: 'government' };

it("loads every case's history in one query, each in the order its steps were taken", async () => {
  const [a, b, none] = [randomUUID(), randomUUID(), randomUUID()];
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 2, 9, minute));
  await inTransaction(pool, async (client) => {
    await recordEvent(client, { kind: 'objection', caseId: a, at: at(0), actor, from: null, to: 'OPEN', note: null });
    await recordEvent(client, { kind: 'repair', caseId: b, at: at(1), actor, from: null, to: 'APPLIED', note: null });
    await recordEvent(client, { kind: 'objection', caseId: a, at: at(2), actor, from: 'OPEN', to: 'CORRECTED', note: 'the date was wrong' });
  });
  queries.length = 0;
  const { history } = loopServices(pool, loadConfig({}), {}, { requestId: 'r1', consumer: { id: 'u1', org: 'x', role: 'auditor', purpose: null, subject: null } });
  const [ofA, ofB, ofNone] = await Promise.all([history.load(a), history.load(b), history.load(none)]);
  expect(queries.filter((q) => q.includes('loop_events'))).toHaveLength(1);
  expect(ofA!.map((e) => [e.from, e.to, e.note])).toEqual([[null, 'OPEN', null], ['OPEN', 'CORRECTED', 'the date was wrong']]);
  expect(ofB!.map((e) => e.to)).toEqual(['APPLIED']);
  expect(ofNone).toEqual([]);
});
