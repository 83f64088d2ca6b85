import { CheckpointStore } from './CheckpointStore';
import { LedgerKey } from './LedgerKey';

/**
 * The key and the checkpoint store, from the configuration the gateway and audit:verify share
 * (AUDIT_HMAC_KEY, AUDIT_CHECKPOINT_DIR): both sides must be given the same two.
 */
export function ledgerProof(audit: { hmacKey: string; checkpointDir: string }): { key: LedgerKey; checkpoints: CheckpointStore } {
  const key = new LedgerKey(audit.hmacKey);
  return { key, checkpoints: new CheckpointStore({ dir: audit.checkpointDir, key }) };
}
