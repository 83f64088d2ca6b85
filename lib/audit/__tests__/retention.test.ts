import { AuditLedger } from '../AuditLedger';
import { dropExpiredPartitions, ensurePartitions } from '../schema';
import { createLedgerFixture, entry, type LedgerFixture } from './ledgerFixture';

/** Retention (SPEC §8): old months are dropped whole, and what remains still verifies. */

describe('audit retention', () => {
  let f: LedgerFixture;
  beforeAll(async () => {
    f = await createLedgerFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('drops partitions older than the retention, never rows, and the rest still verifies', async () => {
    const now = new Date();
    const old = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 9, 15));
    const { pool, key, ledger } = f;
    // A second writer whose whole chain lies in the expired month: its checkpoint outside the
    // database still names it, and only the keyed anchor retention leaves accounts for it.
    const retired = new AuditLedger({ pool, key, checkpoints: f.checkpoints });
    await ensurePartitions(pool, old, 0, 0);
    await ledger.append([entry(1, old), entry(2, old)]);
    await retired.append([entry(3, old)]);
    await ledger.append([entry(4, now), entry(5, now)]);
    expect(await f.verify()).toEqual({ ok: true, records: 5 });

    const dropped = await dropExpiredPartitions(pool, { retentionMonths: 6, key, now });
    expect(dropped).toHaveLength(1);
    const { rows } = await pool.query(`SELECT request_id FROM audit_entries ORDER BY seq`);
    expect(rows.map((r) => r.request_id)).toEqual(['r-4', 'r-5']);
    expect(await f.verify()).toEqual({ ok: true, records: 2 });
    const cli = await f.verifyCli();
    expect(cli.out.trim().split('\n').at(-1)).toBe('ok 2 records');
  });

  it('refuses a retention shorter than six months', async () => {
    await expect(dropExpiredPartitions(f.pool, { retentionMonths: 5, key: f.key })).rejects.toThrow(/≥ 6/);
  });

  it('still detects a removed first entry after old months are gone', async () => {
    await f.pool.query(`DELETE FROM audit_entries WHERE chain_id = $1 AND seq = 3`, [f.ledger.chainId]);
    expect(await f.verify()).toMatchObject({ ok: false, problem: expect.stringMatching(/^entries before chain .* entry 4 .* were removed/) });
  });
});
