import type { Pool } from 'pg';
import { AuditLedger } from '../AuditLedger';
import { createLedgerFixture, entry, type LedgerFixture } from './ledgerFixture';

/**
 * A write whose outcome the gateway cannot know: PostgreSQL committed the group, then the
 * connection dropped before the answer came back. The requests of that group were refused
 * (AUDIT_UNAVAILABLE), and whatever the ledger writes next must still verify.
 */

let f: LedgerFixture;
beforeEach(async () => {
  f = await createLedgerFixture();
});
afterEach(async () => {
  await f?.close();
});

/** a pool whose next INSERT commits and then reports a lost connection */
function committingThenFailing(pool: Pool): { pool: Pool; arm(): void } {
  let armed = false;
  const wrapped = Object.create(pool) as Pool;
  wrapped.query = (async (...args: unknown[]) => {
    const result = await (pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
    if (armed) {
      armed = false;
      throw new Error('Connection terminated unexpectedly');
    }
    return result;
  }) as Pool['query'];
  return { pool: wrapped, arm: () => (armed = true) };
}

describe('a group commit whose outcome is unknown', () => {
  it('goes on in a fresh chain, so the committed group and everything after it verify', async () => {
    const flaky = committingThenFailing(f.pool);
    const ledger = new AuditLedger({ pool: flaky.pool, key: f.key, checkpoints: f.checkpoints, unavailableForMs: 0 });
    await ledger.append([entry(1), entry(2)]);
    flaky.arm();
    await expect(ledger.append([entry(3), entry(4)])).rejects.toThrow(/audit ledger write failed/);
    await ledger.append([entry(5), entry(6), entry(7)]);
    // entries 3 and 4 did commit (their requests were refused, which is the safe side)
    expect(await f.verify()).toEqual({ ok: true, records: 7 });
  });
});
