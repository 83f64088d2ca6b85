import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { canonical, type AuditRecord } from './hash';

/**
 * The audit ledger's key (AUDIT_HMAC_KEY), held by the gateway and by whoever runs audit:verify,
 * never by the database. A plain SHA-256 chain can be recomputed by anyone who can write the
 * table; an HMAC-SHA256 chain cannot without the key (RFC 2104; the construction of keyed
 * logs such as Schneier–Kelsey's). Each use is domain-separated, so an entry's MAC can never be
 * replayed as an anchor's or a checkpoint's.
 */

export interface ChainPoint {
  chainId: string;
  seq: number;
  hash: string;
}

export class LedgerKey {
  private readonly key: KeyObject;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error(`LedgerKey: the key must be at least 32 characters, got ${secret.length}`);
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  private mac(domain: string, text: string): string {
    return createHmac('sha256', this.key).update(domain).update('\n').update(text).digest('hex');
  }

  /** An entry's hash: covers its content and its predecessor's hash. */
  entry(prevHash: string, record: AuditRecord): string {
    return this.mac('entry', `${prevHash}\n${canonical(record)}`);
  }

  /** The MAC of a retention anchor: the last entry of a dropped partition, per chain. */
  anchor(p: ChainPoint): string {
    return this.mac('anchor', JSON.stringify([p.chainId, p.seq, p.hash]));
  }

  /** The MAC of a checkpoint kept outside the database: a chain's head at a time. */
  checkpoint(p: ChainPoint & { at: string }): string {
    return this.mac('checkpoint', JSON.stringify([p.chainId, p.seq, p.hash, p.at]));
  }
}
