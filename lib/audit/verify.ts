import type { Pool } from 'pg';
import type { Checkpoint, CheckpointStore } from './CheckpointStore';
import { GENESIS_HASH } from './hash';
import type { LedgerKey } from './LedgerKey';
import { fromRow, type AuditRow } from './row';

/**
 * Walks every chain of the ledger in sequence order, recomputes each keyed hash, and holds the
 * database to the checkpoints kept outside it (SPEC §8). Names the first entry that was changed
 * (keyed hash mismatch — a chain recomputed without the key shows here), removed (a gap, a chain
 * that ends before its head or its checkpoint, a chain or table the checkpoints name but the
 * database lacks, first entries without a keyed anchor) or reordered (an entry not following its
 * predecessor).
 *
 * The checkpoints prove each chain's length up to its last checkpoint, which the writer appends
 * before it releases any response of a group; entries beyond it (a group whose checkpoint a crash
 * cut short) are proven by the key alone, and no acknowledged response is among them.
 */

export type VerifyResult = { ok: true; records: number } | { ok: false; records: number; problem: string };

export interface VerifyOptions {
  key: LedgerKey;
  checkpoints: CheckpointStore;
}

const PAGE = 5000;
const TABLES = ['audit_entries', 'audit_chains', 'audit_anchors'] as const;

/** Stops the walk at the first problem, with the records verified before it. */
class Broken extends Error {}

function describe(cp: Checkpoint): string {
  return `its checkpoint outside the database (${cp.at}) says it reached entry ${cp.seq}`;
}

export async function verifyLedger(pool: Pool, options: VerifyOptions): Promise<VerifyResult> {
  const state = { records: 0 };
  try {
    await verify(pool, options, state);
    return { ok: true, records: state.records };
  } catch (e) {
    if (e instanceof Broken) return { ok: false, records: state.records, problem: e.message };
    throw e;
  }
}

async function verify(pool: Pool, { key, checkpoints }: VerifyOptions, state: { records: number }): Promise<void> {
  const reading = await checkpoints.read();
  if (reading.problem) throw new Broken(reading.problem);
  const checkpointed = reading.heads;

  const { rows: present } = await pool.query<{ t: string | null }>(`SELECT to_regclass(name) AS t FROM unnest($1::text[]) AS name`, [TABLES]);
  const missing = TABLES.filter((_, i) => !present[i].t);
  if (missing.length === TABLES.length && checkpointed.size === 0) return; // a ledger never written
  if (missing.length > 0) {
    const [first] = checkpointed.values();
    const named = first ? `, but the checkpoints outside it name ${checkpointed.size} chain(s) (chain ${first.chainId} reached entry ${first.seq} at ${first.at})` : '';
    throw new Broken(`table ${missing.join(', ')} is missing from the ledger database${named}`);
  }

  // Anchors are MACed when retention writes them: one copied from a surviving entry's prev_hash
  // would otherwise let anyone cut off a chain's first entries.
  const anchors = new Map<string, Map<number, string>>();
  for (const a of (await pool.query<{ chain_id: string; seq: string; hash: string; mac: string | null }>(`SELECT chain_id, seq, hash, mac FROM audit_anchors ORDER BY chain_id, seq`)).rows) {
    const point = { chainId: a.chain_id, seq: Number(a.seq), hash: a.hash };
    if (a.mac !== key.anchor(point)) throw new Broken(`the retention anchor of chain ${a.chain_id} at entry ${a.seq} fails its key check: forged or altered`);
    if (!anchors.has(point.chainId)) anchors.set(point.chainId, new Map());
    anchors.get(point.chainId)!.set(point.seq, point.hash);
  }
  const lastAnchor = (chainId: string) => Math.max(-1, ...(anchors.get(chainId)?.keys() ?? []));

  // Chains, then heads, then entries up to each head: a gateway writing meanwhile commits entries
  // and head together, so what it adds after this snapshot is neither missed nor taken for a gap.
  const chainIds = (await pool.query<{ chain_id: string }>(`SELECT DISTINCT chain_id FROM audit_entries ORDER BY chain_id`)).rows.map((r) => r.chain_id);
  const heads = new Map<string, { lastSeq: number; lastHash: string }>();
  for (const c of (await pool.query<{ chain_id: string; last_seq: string; last_hash: string }>(`SELECT * FROM audit_chains ORDER BY chain_id`)).rows) {
    heads.set(c.chain_id, { lastSeq: Number(c.last_seq), lastHash: c.last_hash });
  }

  for (const chainId of chainIds) {
    const cp = checkpointed.get(chainId);
    const head = heads.get(chainId);
    if (!head) throw new Broken(`chain ${chainId} has no recorded head`);
    const end = await walkChain(pool, { chainId, upToSeq: head.lastSeq, key, anchors: anchors.get(chainId), checkpoint: cp, state });
    if (head.lastSeq !== end.seq || head.lastHash !== end.hash) {
      throw new Broken(`chain ${chainId} entry ${head.lastSeq} was removed (the chain head says it ends there, the entries end at ${end.seq})`);
    }
    if (cp && end.seq < cp.seq) {
      throw new Broken(`chain ${chainId} ends at entry ${end.seq}, but ${describe(cp)}: entries ${end.seq + 1}..${cp.seq} were removed`);
    }
    // Rows past that head are a writer's commits since (entries and head move in one statement),
    // or rows added to the table directly, which auditTrail would show: they must chain on from
    // the head under the key too. They are counted by the next verification, not this one.
    await walkChain(pool, { chainId, from: end, upToSeq: Number.MAX_SAFE_INTEGER, key, anchors: undefined, checkpoint: cp, state: { records: 0 } });
  }

  const walked = new Set(chainIds);
  for (const [chainId, cp] of checkpointed) {
    if (walked.has(chainId)) continue;
    // Every entry of the chain may have been retired by retention: then its anchor covers the checkpoint.
    const anchored = lastAnchor(chainId);
    const at = anchors.get(chainId)?.get(cp.seq);
    if (anchored < cp.seq || (at !== undefined && at !== cp.hash)) {
      throw new Broken(`chain ${chainId} was removed: ${describe(cp)}, and the database holds none of its entries`);
    }
  }
  for (const [chainId, head] of heads) {
    if (!walked.has(chainId) && head.lastSeq > 0 && lastAnchor(chainId) < head.lastSeq) {
      throw new Broken(`chain ${chainId} entries 1..${head.lastSeq} were removed`);
    }
  }
}

interface WalkInput {
  chainId: string;
  /** the head read before the walk: later entries are newer than this verification */
  upToSeq: number;
  /** where a previous walk of this chain ended; absent: from its first entry */
  from?: { seq: number; hash: string };
  key: LedgerKey;
  anchors: Map<number, string> | undefined;
  checkpoint: Checkpoint | undefined;
  state: { records: number };
}

/** Verifies one chain's entries in order; returns where it ends. */
async function walkChain(pool: Pool, { chainId, upToSeq, from, key, anchors, checkpoint, state }: WalkInput): Promise<{ seq: number; hash: string }> {
  let expectedSeq: number | null = from ? from.seq + 1 : null;
  let prev = from?.hash ?? GENESIS_HASH;
  let afterSeq = from?.seq ?? -1;
  for (;;) {
    const { rows } = await pool.query<AuditRow>(`SELECT * FROM audit_entries WHERE chain_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT ${PAGE}`, [
      chainId,
      afterSeq,
      upToSeq,
    ]);
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      const name = `chain ${chainId} entry ${seq} (request ${row.request_id}, ${row.field}, subject ${row.subject ?? '-'})`;
      if (expectedSeq === null) {
        // The chain starts at 1, or right after the last entry of a dropped partition.
        if (seq !== 1) {
          const anchor = anchors?.get(seq - 1);
          if (anchor === undefined) throw new Broken(`entries before ${name} were removed (chain does not start at 1 and no retention anchor)`);
          if (checkpoint && checkpoint.seq === seq - 1 && checkpoint.hash !== anchor) {
            throw new Broken(`the retention anchor of chain ${chainId} at entry ${seq - 1} differs from its checkpoint outside the database`);
          }
          prev = anchor;
        }
        expectedSeq = seq;
      }
      if (seq !== expectedSeq) throw new Broken(`chain ${chainId} entry ${expectedSeq} was removed (next present is ${seq})`);
      if (row.prev_hash !== prev) throw new Broken(`${name} does not follow its predecessor: reordered, or the previous entry was changed`);
      if (key.entry(prev, fromRow(row)) !== row.hash) throw new Broken(`${name} was changed (its keyed hash does not match)`);
      if (checkpoint && checkpoint.seq === seq && checkpoint.hash !== row.hash) {
        throw new Broken(`${name} differs from the checkpoint outside the database: the chain was rewritten`);
      }
      prev = row.hash;
      expectedSeq = seq + 1;
      afterSeq = seq;
      state.records += 1;
    }
  }
  return { seq: (expectedSeq ?? 1) - 1, hash: prev };
}
