import type { Pool } from 'pg';
import { GENESIS_HASH, entryHash } from './hash';
import { fromRow, type AuditRow } from './row';

/**
 * Walks every chain of the ledger in sequence order and recomputes each hash. Names the first
 * entry that was changed (hash mismatch), removed (gap in the sequence or a missing chain head)
 * or reordered (an entry not following its predecessor).
 */

export type VerifyResult = { ok: true; records: number } | { ok: false; records: number; problem: string };

const PAGE = 5000;

export async function verifyLedger(pool: Pool): Promise<VerifyResult> {
  let records = 0;
  const chains = new Map<string, { lastSeq: number; lastHash: string }>();
  for (const c of (await pool.query<{ chain_id: string; last_seq: string; last_hash: string }>(`SELECT * FROM audit_chains ORDER BY chain_id`)).rows) {
    chains.set(c.chain_id, { lastSeq: Number(c.last_seq), lastHash: c.last_hash });
  }
  const seen = new Set<string>();
  const chainIds = (await pool.query<{ chain_id: string }>(`SELECT DISTINCT chain_id FROM audit_entries ORDER BY chain_id`)).rows.map((r) => r.chain_id);
  for (const chainId of chainIds) {
    seen.add(chainId);
    let expectedSeq: number | null = null;
    let prev = GENESIS_HASH;
    let afterSeq = -1;
    for (;;) {
      const { rows } = await pool.query<AuditRow>(
        `SELECT * FROM audit_entries WHERE chain_id = $1 AND seq > $2 ORDER BY seq LIMIT ${PAGE}`,
        [chainId, afterSeq],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const seq = Number(row.seq);
        const name = `chain ${chainId} entry ${seq} (request ${row.request_id}, ${row.field}, subject ${row.subject ?? '-'})`;
        if (expectedSeq === null) {
          // The chain starts at 1, or right after the last entry of a dropped partition.
          if (seq !== 1) {
            const anchor = await pool.query<{ hash: string }>(`SELECT hash FROM audit_anchors WHERE chain_id = $1 AND seq = $2`, [chainId, seq - 1]);
            if (!anchor.rows[0]) return { ok: false, records, problem: `entries before ${name} were removed (chain does not start at 1 and no retention anchor)` };
            prev = anchor.rows[0].hash;
          }
          expectedSeq = seq;
        }
        if (seq !== expectedSeq) {
          return { ok: false, records, problem: `chain ${chainId} entry ${expectedSeq} was removed (next present is ${seq})` };
        }
        if (row.prev_hash !== prev) return { ok: false, records, problem: `${name} does not follow its predecessor: reordered, or the previous entry was changed` };
        if (entryHash(prev, fromRow(row)) !== row.hash) return { ok: false, records, problem: `${name} was changed (hash mismatch)` };
        prev = row.hash;
        expectedSeq = seq + 1;
        afterSeq = seq;
        records += 1;
      }
    }
    const head = chains.get(chainId);
    if (!head) return { ok: false, records, problem: `chain ${chainId} has no recorded head` };
    if (expectedSeq !== null && (head.lastSeq !== expectedSeq - 1 || head.lastHash !== prev)) {
      return { ok: false, records, problem: `chain ${chainId} entry ${head.lastSeq} was removed (the chain head says it ends there, the entries end at ${expectedSeq - 1})` };
    }
  }
  for (const [chainId, head] of chains) {
    if (!seen.has(chainId) && head.lastSeq > 0) {
      const anchor = await pool.query(`SELECT 1 FROM audit_anchors WHERE chain_id = $1 AND seq = $2`, [chainId, head.lastSeq]);
      if (!anchor.rows[0]) return { ok: false, records, problem: `chain ${chainId} entries 1..${head.lastSeq} were removed` };
    }
  }
  return { ok: true, records };
}
