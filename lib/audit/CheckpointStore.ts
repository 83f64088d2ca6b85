import fs from 'node:fs/promises';
import path from 'node:path';
import type { ChainPoint, LedgerKey } from './LedgerKey';

/**
 * The proof of each chain's head and length kept outside the ledger database (SPEC §8): after
 * every group commit the writer appends one MACed line — chain id, last seq, last hash, time — to
 * its chain's file in AUDIT_CHECKPOINT_DIR. Someone who can write the database but not this
 * directory cannot remove a chain, its last entries or the whole table unseen; someone who can
 * write the directory but has no key can only drop lines (which weakens the proof for that span,
 * never forges it). In production the directory belongs on storage the database's administrators
 * cannot rewrite (another host's volume, or a bucket with object lock) and must be readable by
 * whoever runs audit:verify. One directory belongs to one ledger database.
 */

export interface Checkpoint extends ChainPoint {
  at: string;
  mac: string;
}

export interface CheckpointReading {
  /** the furthest checkpoint of each chain */
  heads: Map<string, Checkpoint>;
  /** the first line that fails its key check, if any */
  problem?: string;
}

export interface CheckpointStoreOptions {
  dir: string;
  key: LedgerKey;
}

const SUFFIX = '.checkpoints';

export class CheckpointStore {
  readonly dir: string;
  private readonly key: LedgerKey;
  private made: Promise<unknown> | undefined;

  constructor(options: CheckpointStoreOptions) {
    if (!options.dir) throw new Error('CheckpointStore: dir must name a directory');
    this.dir = options.dir;
    this.key = options.key;
  }

  private fileOf(chainId: string): string {
    return path.join(this.dir, encodeURIComponent(chainId) + SUFFIX);
  }

  /**
   * One small append per group commit. No fsync: the database commit before it is durable, a
   * checkpoint lost to a power cut only leaves the proof one group behind, never ahead.
   */
  async append(point: ChainPoint, at = new Date()): Promise<void> {
    this.made ??= fs.mkdir(this.dir, { recursive: true });
    await this.made;
    const body = { chainId: point.chainId, seq: point.seq, hash: point.hash, at: at.toISOString() };
    const line: Checkpoint = { ...body, mac: this.key.checkpoint(body) };
    await fs.appendFile(this.fileOf(point.chainId), JSON.stringify(line) + '\n');
  }

  async read(): Promise<CheckpointReading> {
    const heads = new Map<string, Checkpoint>();
    let names: string[];
    try {
      names = (await fs.readdir(this.dir)).filter((n) => n.endsWith(SUFFIX)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { heads };
      throw e;
    }
    for (const name of names) {
      const lines = (await fs.readFile(path.join(this.dir, name), 'utf8')).split('\n');
      // The text after the last newline is a write a crash cut short, not a checkpoint.
      lines.pop();
      for (const [i, line] of lines.entries()) {
        const cp = parse(line);
        if (!cp || this.key.checkpoint(cp) !== cp.mac) {
          return { heads, problem: `checkpoint ${path.join(this.dir, name)} line ${i + 1} fails its key check: altered or forged` };
        }
        const seen = heads.get(cp.chainId);
        if (!seen || cp.seq > seen.seq) heads.set(cp.chainId, cp);
      }
    }
    return { heads };
  }
}

function parse(line: string): Checkpoint | null {
  try {
    const v = JSON.parse(line) as Partial<Checkpoint>;
    const ok =
      typeof v.chainId === 'string' && Number.isSafeInteger(v.seq) && typeof v.hash === 'string' && typeof v.at === 'string' && typeof v.mac === 'string';
    return ok ? (v as Checkpoint) : null;
  } catch {
    return null;
  }
}
