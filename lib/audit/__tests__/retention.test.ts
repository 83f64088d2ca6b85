import { Pool } from 'pg';
import { createTestSchema } from '../../../test/harness/database';
import { AuditLedger, type AuditInput } from '../AuditLedger';
import { dropExpiredPartitions, ensurePartitions } from '../schema';
import { verifyLedger } from '../verify';

/** Retention (SPEC §8): old months are dropped whole, and what remains still verifies. */

const entry = (at: Date, field: string): AuditInput => ({
  at,
  requestId: 'r-' + field,
  consumerId: 'bank:x',
  consumerOrg: 'x',
  consumerRole: 'bank',
  purpose: 'financing',
  subject: '91350100M000100Y43',
  field,
  decision: 'GRANTED',
  reason: null,
  consentId: null,
  operationName: null,
});

describe('audit retention', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: Pool;
  beforeAll(async () => {
    schema = await createTestSchema();
    pool = new Pool({ connectionString: schema.url, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await schema.drop();
  });

  it('drops partitions older than the retention, never rows, and the rest still verifies', async () => {
    const now = new Date();
    const old = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 9, 15));
    const ledger = new AuditLedger({ pool });
    await ledger.migrate();
    await ensurePartitions(pool, old, 0, 0);
    await ledger.append([entry(old, 'Subject.kind'), entry(old, 'Subject.region')]);
    await ledger.append([entry(now, 'Subject.finance'), entry(now, 'FinanceProfile.loanBalance')]);
    expect(await verifyLedger(pool)).toEqual({ ok: true, records: 4 });

    const dropped = await dropExpiredPartitions(pool, 6, now);
    expect(dropped).toHaveLength(1);
    const { rows } = await pool.query(`SELECT field FROM audit_entries ORDER BY seq`);
    expect(rows.map((r) => r.field)).toEqual(['Subject.finance', 'FinanceProfile.loanBalance']);
    expect(await verifyLedger(pool)).toEqual({ ok: true, records: 2 });
  });

  it('refuses a retention shorter than six months', async () => {
    await expect(dropExpiredPartitions(pool, 5)).rejects.toThrow(/≥ 6/);
  });

  it('still detects a removed first entry after old months are gone', async () => {
    const { rows } = await pool.query(`SELECT chain_id, min(seq) AS seq FROM audit_entries GROUP BY chain_id`);
    await pool.query(`DELETE FROM audit_entries WHERE chain_id = $1 AND seq = $2`, [rows[0].chain_id, rows[0].seq]);
    const result = await verifyLedger(pool);
    expect(result.ok).toBe(false);
  });
});
