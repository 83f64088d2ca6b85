import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { canonical } from '../lib/audit/hash';
import { ledgerProof } from '../lib/audit/ledgerProof';
import { fromRow, type AuditRow } from '../lib/audit/row';
import { verifyLedger } from '../lib/audit/verify';
import { subjectsWhere } from '../legacy/world';
import type { Subject } from '../legacy/world/types';
import { startStack, type Stack } from './harness/stack';

/**
 * Tamper evidence of the ledger a real gateway wrote (SPEC §8), checked with `audit:verify` as an
 * operator runs it. Each test tampers, checks, and puts the ledger back; the entries are this
 * file's own. lib/audit/__tests__/tampering.test.ts builds a fresh ledger for each tampering.
 */

let stack: Stack;
let pool: Pool;
let subjects: Subject[];

beforeAll(async () => {
  stack = await startStack();
  pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
  subjects = subjectsWhere(stack.world, (s) => s.finance !== null, { count: 3, what: 'subjects with finance records' });
});
afterAll(async () => {
  await pool?.end();
  await stack?.stop();
});

describe('tamper evidence', () => {
  const run = promisify(execFile);
  const verify = () => verifyLedger(pool, ledgerProof(stack.config.audit));
  // The operator's command, configured like the gateway was (database, key, checkpoint directory).
  const verifyCli = () =>
    run(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'scripts', 'auditVerify.ts')], { env: { ...process.env, ...stack.env } }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
  let chainId: string;

  beforeAll(async () => {
    // Entries of its own, so that these tests do not depend on the ones above.
    const token = await stack.token({ role: 'government', org: 'tamper-test', purpose: 'financial-supervision' });
    for (const s of subjects) {
      const res = await stack.query(`{ subject(uscc: "${s.uscc}") { kind region { name } finance { loanBalance overdueDays } } }`, { token });
      expect(res.body.errors).toBeUndefined();
    }
    chainId = stack.gateway.audit.ledger.chainId;
  });

  /** Tampers, checks, then puts the ledger back as it was and sees it verify again. */
  async function tampering(tamper: () => Promise<void>, check: () => Promise<void>): Promise<void> {
    await pool.query(`CREATE TABLE saved_entries AS SELECT * FROM audit_entries; CREATE TABLE saved_chains AS SELECT * FROM audit_chains;
                      CREATE TABLE saved_anchors AS SELECT * FROM audit_anchors`);
    try {
      await tamper();
      await check();
    } finally {
      await pool.query(`ALTER TABLE IF EXISTS hidden_entries RENAME TO audit_entries`);
      await pool.query(`DELETE FROM audit_entries; INSERT INTO audit_entries SELECT * FROM saved_entries; DELETE FROM audit_chains;
                        INSERT INTO audit_chains SELECT * FROM saved_chains; DELETE FROM audit_anchors; INSERT INTO audit_anchors SELECT * FROM saved_anchors;
                        DROP TABLE saved_entries, saved_chains, saved_anchors`);
    }
    expect(await verify()).toMatchObject({ ok: true });
  }

  const lastSeq = async () => Number((await pool.query(`SELECT last_seq FROM audit_chains WHERE chain_id = $1`, [chainId])).rows[0].last_seq);

  it('verifies an untouched ledger, through npm run audit:verify too', async () => {
    const result = await verify();
    expect(result.ok).toBe(true);
    const cli = await verifyCli();
    expect(cli.code).toBe(0);
    expect(cli.out.trim().split('\n').at(-1)).toBe(`ok ${result.records} records`);
  });

  it('names a changed entry', async () => {
    await tampering(
      () => pool.query(`UPDATE audit_entries SET decision = CASE decision WHEN 'GRANTED' THEN 'DENIED' ELSE 'GRANTED' END WHERE chain_id = $1 AND seq = 4`, [chainId]).then(() => undefined),
      async () => {
        expect(await verify()).toMatchObject({ ok: false, problem: expect.stringMatching(/entry 4 .* was changed/) });
        const cli = await verifyCli();
        expect(cli.code).toBe(1);
        expect(cli.out).toContain(`chain ${chainId} entry 4 `);
      },
    );
  });

  it('names a reordered entry', async () => {
    await tampering(
      async () => {
        await pool.query(`UPDATE audit_entries SET seq = -1 WHERE chain_id = $1 AND seq = 4`, [chainId]);
        await pool.query(`UPDATE audit_entries SET seq = 4 WHERE chain_id = $1 AND seq = 5`, [chainId]);
        await pool.query(`UPDATE audit_entries SET seq = 5 WHERE chain_id = $1 AND seq = -1`, [chainId]);
      },
      async () => expect(await verify()).toMatchObject({ ok: false, problem: expect.stringContaining(`chain ${chainId} entry 4 `) }),
    );
  });

  it('names a removed entry in the middle of a chain', async () => {
    await tampering(
      () => pool.query(`DELETE FROM audit_entries WHERE chain_id = $1 AND seq = 4`, [chainId]).then(() => undefined),
      async () => expect(await verify()).toMatchObject({ ok: false, problem: `chain ${chainId} entry 4 was removed (next present is 5)` }),
    );
  });

  it('names a removed last entry (the chain head remembers it)', async () => {
    const last = await lastSeq();
    await tampering(
      () => pool.query(`DELETE FROM audit_entries WHERE chain_id = $1 AND seq = $2`, [chainId, last]).then(() => undefined),
      async () => expect(await verify()).toMatchObject({ ok: false, problem: expect.stringContaining(`entry ${last} was removed`) }),
    );
  });

  // Issue 17 #3: each of these verified `ok` while the chain was unkeyed and its heads lived only in the database.
  it('names a chain whose rows and audit_chains row were deleted', async () => {
    await tampering(
      async () => {
        await pool.query(`DELETE FROM audit_entries WHERE chain_id = $1`, [chainId]);
        await pool.query(`DELETE FROM audit_chains WHERE chain_id = $1`, [chainId]);
      },
      async () => {
        const cli = await verifyCli();
        expect(cli.code).toBe(1);
        expect(cli.out).toContain(`BROKEN: chain ${chainId} was removed: its checkpoint outside the database`);
      },
    );
  });

  it('names the audit_entries table when it is gone', async () => {
    await tampering(
      // Renamed rather than dropped so the shared stack can be put back; verify sees no audit_entries either way.
      () => pool.query(`ALTER TABLE audit_entries RENAME TO hidden_entries`).then(() => undefined),
      async () => {
        const cli = await verifyCli();
        expect(cli.code).toBe(1);
        expect(cli.out).toMatch(/BROKEN: table audit_entries is missing from the ledger database, but the checkpoints outside it name 1 chain/);
      },
    );
  });

  it('names the last entries when they were deleted and the chain head moved back', async () => {
    const last = await lastSeq();
    await tampering(
      async () => {
        await pool.query(`DELETE FROM audit_entries WHERE chain_id = $1 AND seq > 5`, [chainId]);
        await pool.query(`UPDATE audit_chains SET last_seq = 5, last_hash = (SELECT hash FROM audit_entries WHERE chain_id = $1 AND seq = 5) WHERE chain_id = $1`, [chainId]);
      },
      async () => expect(await verify()).toMatchObject({ ok: false, problem: expect.stringMatching(new RegExp(`ends at entry 5, but .* entries 6\\.\\.${last} were removed$`)) }),
    );
  });

  it('names a forged retention anchor put in place of the first entries', async () => {
    await tampering(
      async () => {
        const { rows } = await pool.query(`SELECT prev_hash FROM audit_entries WHERE chain_id = $1 AND seq = 4`, [chainId]);
        await pool.query(`DELETE FROM audit_entries WHERE chain_id = $1 AND seq <= 3`, [chainId]);
        await pool.query(`INSERT INTO audit_anchors (chain_id, seq, hash, partition_name, mac) VALUES ($1, 3, $2, 'audit_entries_202001', $2)`, [chainId, rows[0].prev_hash]);
      },
      async () => expect(await verify()).toMatchObject({ ok: false, problem: `the retention anchor of chain ${chainId} at entry 3 fails its key check: forged or altered` }),
    );
  });

  it('names a rewritten entry when the unkeyed SHA-256 chain and its head were recomputed after it', async () => {
    await tampering(
      async () => {
        await pool.query(`UPDATE audit_entries SET consumer_org = 'someone-else' WHERE chain_id = $1 AND seq = 2`, [chainId]);
        const { rows } = await pool.query<AuditRow>(`SELECT * FROM audit_entries WHERE chain_id = $1 AND seq >= 2 ORDER BY seq`, [chainId]);
        let prev = rows[0].prev_hash;
        for (const row of rows) {
          const hash = createHash('sha256').update(prev).update('\n').update(canonical(fromRow(row))).digest('hex');
          await pool.query(`UPDATE audit_entries SET prev_hash = $3, hash = $4 WHERE chain_id = $1 AND seq = $2`, [chainId, row.seq, prev, hash]);
          prev = hash;
        }
        await pool.query(`UPDATE audit_chains SET last_hash = $2 WHERE chain_id = $1`, [chainId, prev]);
      },
      async () => expect(await verify()).toMatchObject({ ok: false, problem: expect.stringMatching(new RegExp(`^chain ${chainId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} entry 2 .* was changed \\(its keyed hash does not match\\)$`)) }),
    );
  });
});
