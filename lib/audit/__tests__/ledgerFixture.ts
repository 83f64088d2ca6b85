import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { createTestSchema } from '../../../test/harness/database';
import { AuditLedger, type AuditInput } from '../AuditLedger';
import { CheckpointStore } from '../CheckpointStore';
import { LedgerKey } from '../LedgerKey';
import { verifyLedger, type VerifyResult } from '../verify';

/**
 * A ledger of its own for one test: a fresh schema of the real PostgreSQL, a fresh checkpoint
 * directory, the same key the gateway would use, and the real `audit:verify` script to run on it.
 */

export const TEST_HMAC_KEY = 'audit-test-key-0123456789abcdef0123456789';

export function entry(i: number, at = new Date()): AuditInput {
  return {
    at,
    requestId: `r-${i}`,
    consumerId: 'bank:x',
    consumerOrg: 'bank-x',
    consumerRole: 'bank',
    purpose: 'financing',
    subject: '91350100M000100Y43',
    field: i % 2 ? 'FinanceProfile.loanBalance' : 'Subject.kind',
    decision: i % 3 ? 'GRANTED' : 'DENIED',
    reason: i % 3 ? null : 'CONSENT_REQUIRED',
    consentId: null,
    operationName: 'Fixture',
  };
}

export interface LedgerFixture {
  pool: Pool;
  key: LedgerKey;
  checkpoints: CheckpointStore;
  ledger: AuditLedger;
  /** appends `count` entries in group commits of `perCommit` (one checkpoint each) */
  write(count: number, perCommit?: number): Promise<void>;
  verify(): Promise<VerifyResult>;
  /** `npm run audit:verify` as an operator runs it, configured like the gateway was */
  verifyCli(): Promise<{ code: number; out: string }>;
  close(): Promise<void>;
}

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..', '..');

export async function createLedgerFixture(): Promise<LedgerFixture> {
  const schema = await createTestSchema();
  const pool = new Pool({ connectionString: schema.url, max: 2 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-checkpoints-'));
  const key = new LedgerKey(TEST_HMAC_KEY);
  const checkpoints = new CheckpointStore({ dir, key });
  const ledger = new AuditLedger({ pool, key, checkpoints });
  await ledger.migrate();
  let written = 0;
  return {
    pool,
    key,
    checkpoints,
    ledger,
    async write(count, perCommit = 10) {
      for (let done = 0; done < count; done += perCommit) {
        const n = Math.min(perCommit, count - done);
        await ledger.append(Array.from({ length: n }, () => entry(++written)));
      }
    },
    verify: () => verifyLedger(pool, { key, checkpoints }),
    verifyCli: () =>
      run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'auditVerify.ts')], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: schema.url, AUDIT_HMAC_KEY: TEST_HMAC_KEY, AUDIT_CHECKPOINT_DIR: dir },
      }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      ),
    async close() {
      await pool.end();
      await schema.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
