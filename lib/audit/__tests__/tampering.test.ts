import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonical } from '../hash';
import { fromRow, type AuditRow } from '../row';
import { verifyLedger } from '../verify';
import { createLedgerFixture, type LedgerFixture } from './ledgerFixture';

/**
 * SPEC §8 against someone with write access to the ledger database but neither the key nor the
 * checkpoint directory (issue 17 #3): each tampering below verified `ok` before the chain was
 * keyed and its heads checkpointed outside the database. Every test builds its own ledger.
 */

let f: LedgerFixture;
beforeEach(async () => {
  f = await createLedgerFixture();
  await f.write(200);
});
afterEach(async () => {
  await f?.close();
});

const chainId = () => f.ledger.chainId;

describe('an untouched ledger', () => {
  it('verifies, and audit:verify ends with "ok N records"', async () => {
    expect(await f.verify()).toEqual({ ok: true, records: 200 });
    const cli = await f.verifyCli();
    expect(cli.code).toBe(0);
    expect(cli.out.trim().split('\n').at(-1)).toBe('ok 200 records');
  });
});

describe('tampering by someone with write access to the database', () => {
  it('names a chain whose rows and audit_chains row were deleted', async () => {
    await f.pool.query(`DELETE FROM audit_entries WHERE chain_id = $1`, [chainId()]);
    await f.pool.query(`DELETE FROM audit_chains WHERE chain_id = $1`, [chainId()]);
    const result = await f.verify();
    expect(!result.ok && result.problem).toMatch(new RegExp(`^chain ${escape(chainId())} was removed: .*reached entry 200`));
    const cli = await f.verifyCli();
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`chain ${chainId()} was removed`);
  });

  it('names the audit_entries table when it was dropped', async () => {
    await f.pool.query(`DROP TABLE audit_entries`);
    const result = await f.verify();
    expect(!result.ok && result.problem).toMatch(/^table audit_entries is missing .* checkpoints outside it name 1 chain/);
    const cli = await f.verifyCli();
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('table audit_entries is missing');
  });

  it('names the last 50 entries when they were deleted and the chain head moved back', async () => {
    await f.pool.query(`DELETE FROM audit_entries WHERE chain_id = $1 AND seq > 150`, [chainId()]);
    await f.pool.query(`UPDATE audit_chains SET last_seq = 150, last_hash = (SELECT hash FROM audit_entries WHERE chain_id = $1 AND seq = 150) WHERE chain_id = $1`, [chainId()]);
    const result = await f.verify();
    expect(!result.ok && result.problem).toMatch(new RegExp(`^chain ${escape(chainId())} ends at entry 150, but its checkpoint outside the database .* entries 151\\.\\.200 were removed$`));
  });

  it('names a forged retention anchor put in place of the first 100 entries', async () => {
    const { rows } = await f.pool.query(`SELECT prev_hash FROM audit_entries WHERE chain_id = $1 AND seq = 101`, [chainId()]);
    await f.pool.query(`DELETE FROM audit_entries WHERE chain_id = $1 AND seq <= 100`, [chainId()]);
    // The attacker can copy every value an anchor holds, except a MAC under a key they lack.
    const forgedMac = createHash('sha256').update(rows[0].prev_hash).digest('hex');
    await f.pool.query(`INSERT INTO audit_anchors (chain_id, seq, hash, partition_name, mac) VALUES ($1, 100, $2, 'audit_entries_202001', $3)`, [
      chainId(),
      rows[0].prev_hash,
      forgedMac,
    ]);
    const result = await f.verify();
    expect(!result.ok && result.problem).toBe(`the retention anchor of chain ${chainId()} at entry 100 fails its key check: forged or altered`);
  });

  it('names a rewritten entry when the unkeyed SHA-256 chain and its head were recomputed after it', async () => {
    await f.pool.query(`UPDATE audit_entries SET decision = 'GRANTED', reason = NULL WHERE chain_id = $1 AND seq = 120`, [chainId()]);
    // What an attacker without the key computes: the chain as plain SHA-256 over the same text.
    const { rows } = await f.pool.query<AuditRow>(`SELECT * FROM audit_entries WHERE chain_id = $1 AND seq >= 120 ORDER BY seq`, [chainId()]);
    let prev = rows[0].prev_hash;
    for (const row of rows) {
      const hash = createHash('sha256').update(prev).update('\n').update(canonical(fromRow(row))).digest('hex');
      await f.pool.query(`UPDATE audit_entries SET prev_hash = $3, hash = $4 WHERE chain_id = $1 AND seq = $2`, [chainId(), row.seq, prev, hash]);
      prev = hash;
    }
    await f.pool.query(`UPDATE audit_chains SET last_hash = $2 WHERE chain_id = $1`, [chainId(), prev]);
    const result = await f.verify();
    expect(!result.ok && result.problem).toBe(`chain ${chainId()} entry 120 (request r-120, Subject.kind, subject 91350100M000100Y43) was changed (its keyed hash does not match)`);
  });
});

describe('the checkpoints outside the database', () => {
  it('names a checkpoint line rewritten without the key (a head moved back to hide removed entries)', async () => {
    const file = path.join(f.checkpoints.dir, fs.readdirSync(f.checkpoints.dir)[0]);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const last = JSON.parse(lines.at(-1)!);
    lines[lines.length - 1] = JSON.stringify({ ...last, seq: 150 });
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const result = await f.verify();
    expect(!result.ok && result.problem).toBe(`checkpoint ${file} line 20 fails its key check: altered or forged`);
  });

  it('ignores a last line a crash cut short, and still holds the chain to the complete ones', async () => {
    const file = path.join(f.checkpoints.dir, fs.readdirSync(f.checkpoints.dir)[0]);
    fs.appendFileSync(file, '{"chainId":"');
    expect(await f.verify()).toEqual({ ok: true, records: 200 });
    await f.pool.query(`DELETE FROM audit_entries WHERE chain_id = $1 AND seq = 200`, [chainId()]);
    await f.pool.query(`UPDATE audit_chains SET last_seq = 199, last_hash = (SELECT hash FROM audit_entries WHERE chain_id = $1 AND seq = 199) WHERE chain_id = $1`, [chainId()]);
    expect(await f.verify()).toMatchObject({ ok: false, problem: expect.stringContaining('entries 200..200 were removed') });
  });
});

describe('rows added by someone with write access to the database', () => {
  it('names an entry inserted past the chain\'s recorded head', async () => {
    // a copy of the last entry under the next seq, linked to it: the walk up to the head never reads it
    await f.pool.query(
      `INSERT INTO audit_entries SELECT (jsonb_populate_record(e, jsonb_build_object('seq', e.seq + 1, 'request_id', 'forged', 'prev_hash', e.hash))).* FROM audit_entries e WHERE chain_id = $1 AND seq = 200`,
      [chainId()],
    );
    const result = await f.verify();
    expect(!result.ok && result.problem).toBe(`chain ${chainId()} entry 201 (request forged, Subject.kind, subject 91350100M000100Y43) was changed (its keyed hash does not match)`);
    const cli = await f.verifyCli();
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`chain ${chainId()} entry 201 (request forged`);
  });
});

describe('verifying while the gateway writes', () => {
  it('neither misses nor takes for a removal the entries committed during the walk', async () => {
    // An explicit gate instead of a race: right after verify has read the chain heads, the writer
    // commits three more groups (as a live gateway would under `npm start`).
    const query = f.pool.query.bind(f.pool) as (...args: unknown[]) => Promise<unknown>;
    const racing = Object.create(f.pool, {
      query: {
        value: async (...args: unknown[]) => {
          const result = await query(...args);
          if (String(args[0]).includes('FROM audit_chains')) await f.write(30);
          return result;
        },
      },
    });
    expect(await verifyLedger(racing, { key: f.key, checkpoints: f.checkpoints })).toEqual({ ok: true, records: 200 });
    expect(await f.verify()).toEqual({ ok: true, records: 230 });
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
