import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Pool, QueryConfig } from 'pg';
import type { CheckpointStore } from './CheckpointStore';
import { GENESIS_HASH, type AuditRecord } from './hash';
import type { LedgerKey } from './LedgerKey';
import { toRow } from './row';
import { ensurePartitions, migrateAudit } from './schema';
import { metrics, watchAuditQueue } from '../observability/metrics';
import { span } from '../observability/spans';
import { AuditUnavailable } from '../errors';

/**
 * The writer side of the audit ledger. Entries are committed before the response they describe is
 * released (SPEC §8), with group commit: while one INSERT is in flight, appends from other
 * requests queue up and go together in the next one, so a busy gateway makes few, large commits.
 *
 * Each process writes its own chain (a fresh chain id per start): no two writers ever contend for
 * a chain head, so gateway replicas need no coordination, and a crash leaves a chain that ends
 * at its last committed entry.
 *
 * Against someone with write access to the database (SPEC §8): every hash is an HMAC under a key
 * the database never holds (LedgerKey), and after each group commit the new head is appended,
 * MACed, to a checkpoint store outside the database (CheckpointStore) before any request of the
 * group is released, so every acknowledged response's entries are covered by a proof that neither
 * a recomputed chain nor a deleted chain, tail or table can satisfy.
 */

export type AuditInput = Omit<AuditRecord, 'chainId' | 'seq'>;

interface Pending {
  entries: AuditInput[];
  resolve(): void;
  reject(e: Error): void;
}

export interface AuditLedgerOptions {
  pool: Pool;
  key: LedgerKey;
  checkpoints: CheckpointStore;
  /** how long a failure keeps the ledger marked unavailable before the next attempt */
  unavailableForMs?: number;
  /** largest group committed in one statement */
  maxBatchEntries?: number;
  /**
   * a commit not answered within this, plus COMMIT_MS_PER_ENTRY for each entry, has failed
   * (AUDIT_COMMIT_TIMEOUT_MS): a ledger database that hangs — stopped, or cut off without a
   * reset — must fail closed like one that refuses, not hold every response until it returns
   */
  commitTimeoutMs?: number;
}

/** what a commit may take on top of `commitTimeoutMs` per entry: a 500-subject profile commits ~40,000 */
const COMMIT_MS_PER_ENTRY = 0.2;

export interface AuditLedgerStats {
  commits: number;
  entries: number;
}

function newChainId(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export class AuditLedger {
  private currentChainId = newChainId();
  private seq = 0;
  private head = GENESIS_HASH;
  private queue: Pending[] = [];
  private flushing = false;
  private failedAt = 0;
  private readonly pool: Pool;
  private readonly key: LedgerKey;
  private readonly checkpoints: CheckpointStore;
  private readonly unavailableForMs: number;
  private readonly maxBatchEntries: number;
  private readonly commitTimeoutMs: number;
  readonly stats: AuditLedgerStats = { commits: 0, entries: 0 };
  private readonly unwatchQueue: () => void;

  constructor(options: AuditLedgerOptions) {
    this.pool = options.pool;
    this.key = options.key;
    this.checkpoints = options.checkpoints;
    this.unavailableForMs = options.unavailableForMs ?? 1000;
    this.maxBatchEntries = options.maxBatchEntries ?? 50_000;
    this.commitTimeoutMs = options.commitTimeoutMs ?? 5000;
    this.unwatchQueue = watchAuditQueue(() => this.queue.reduce((n, p) => n + p.entries.length, 0));
  }

  /** the chain this process appends to now (a new one after a write whose outcome is unknown) */
  get chainId(): string {
    return this.currentChainId;
  }

  /** Leaves the process's queue-depth gauge: a stopped gateway's ledger is not kept alive by it. */
  close(): void {
    this.unwatchQueue();
  }

  async migrate(): Promise<void> {
    await migrateAudit(this.pool);
    await ensurePartitions(this.pool);
  }

  /** Resolves once the entries are durably committed; rejects with AuditUnavailable otherwise. */
  append(entries: AuditInput[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    if (Date.now() - this.failedAt < this.unavailableForMs) {
      return Promise.reject(new AuditUnavailable('audit ledger recently failed; refusing until it recovers'));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entries, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const group: Pending[] = [];
        let size = 0;
        while (this.queue.length > 0 && (group.length === 0 || size + this.queue[0].entries.length <= this.maxBatchEntries)) {
          const p = this.queue.shift()!;
          group.push(p);
          size += p.entries.length;
        }
        const startedAt = performance.now();
        const failedBefore = this.failedAt;
        await span('audit commit', { 'audit.entries': size, 'audit.requests': group.length }, () => this.commit(group));
        metrics.auditCommitDuration.observe({ outcome: this.failedAt === failedBefore ? 'ok' : 'failed' }, (performance.now() - startedAt) / 1000);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commit(group: Pending[]): Promise<void> {
    const records: (AuditRecord & { prevHash: string; hash: string })[] = [];
    let seq = this.seq;
    let head = this.head;
    for (const p of group) {
      for (const e of p.entries) {
        const record: AuditRecord = { ...e, chainId: this.currentChainId, seq: ++seq };
        const hash = this.key.entry(head, record);
        records.push({ ...record, prevHash: head, hash });
        head = hash;
      }
    }
    // One JSON parameter rather than sixteen arrays: far less client-side serialization work.
    const rows = JSON.stringify(records.map((r) => toRow(r, r)));
    try {
      // pg reads query_timeout per query (client-side: the server's statement_timeout cannot fire in
      // a server that is not running); its types know it only as a connection setting
      const commit: QueryConfig & { query_timeout: number } = {
        query_timeout: Math.ceil(this.commitTimeoutMs + records.length * COMMIT_MS_PER_ENTRY),
        text: `WITH entries AS (
           INSERT INTO audit_entries (chain_id, seq, at, request_id, consumer_id, consumer_org, consumer_role, purpose,
                                      subject, field, decision, reason, consent_id, operation_name, prev_hash, hash)
           SELECT chain_id, seq, at, request_id, consumer_id, consumer_org, consumer_role, purpose,
                  subject, field, decision, reason, consent_id, operation_name, prev_hash, hash
             FROM jsonb_to_recordset($1::jsonb) AS x(chain_id text, seq bigint, at timestamptz, request_id text,
                  consumer_id text, consumer_org text, consumer_role text, purpose text, subject text, field text,
                  decision text, reason text, consent_id text, operation_name text, prev_hash text, hash text)
           RETURNING 1
         )
         INSERT INTO audit_chains (chain_id, last_seq, last_hash, updated_at)
         SELECT $2, $3, $4, now() FROM (SELECT count(*) FROM entries) c
         ON CONFLICT (chain_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash, updated_at = EXCLUDED.updated_at`,
        values: [rows, this.currentChainId, seq, head],
      };
      await this.pool.query(commit);
    } catch (e) {
      // A failed statement may still have committed (the connection dropped after COMMIT): its
      // seq numbers and head are then taken. Going on from the old head could write a second entry
      // under a committed seq; going on from the new one could leave a gap. Either would break the
      // chain, so the ledger continues on a fresh chain, and the old one ends where it really ends.
      this.currentChainId = newChainId();
      this.seq = 0;
      this.head = GENESIS_HASH;
      return this.fail(group, `audit ledger write failed: ${(e as Error).message}`);
    }
    // The chain head moves only once the rows are committed.
    this.seq = seq;
    this.head = head;
    this.stats.commits += 1;
    this.stats.entries += records.length;
    try {
      await this.checkpoints.append({ chainId: this.currentChainId, seq, hash: head });
    } catch (e) {
      // The rows are committed but their proof outside the database is not: fail closed, as for a
      // failed write. The next checkpoint that succeeds covers these entries too.
      return this.fail(group, `audit checkpoint write failed: ${(e as Error).message}`);
    }
    for (const p of group) p.resolve();
  }

  private fail(group: Pending[], message: string): void {
    this.failedAt = Date.now();
    const error = new AuditUnavailable(message);
    for (const p of group) p.reject(error);
    // Whatever queued behind a failed write fails too: no entry may be reordered around a gap.
    for (const p of this.queue.splice(0)) p.reject(error);
  }
}
