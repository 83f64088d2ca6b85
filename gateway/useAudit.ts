import { describeError, logError } from '../lib/log';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { Pool } from 'pg';
import { AuditLedger, type AuditInput } from '../lib/audit/AuditLedger';
import { ledgerProof } from '../lib/audit/ledgerProof';
import { dropExpiredPartitions, ensurePartitions } from '../lib/audit/schema';
import type { GatewayContext } from './context';
import type { GatewayPlugin } from './plugin';
import type { FieldOutcome } from './resultWalk';
import { checkReason } from './useCreditCheckReads';

/**
 * The gateway's side of the audit ledger (SPEC §8): one entry per (request, subject, field
 * coordinate) — DENIED when any occurrence was refused — committed before the response leaves.
 * The plugin owns the ledger's lifecycle (migrations and partition upkeep from onStart); useFieldAccess
 * calls `commit` with each response's outcomes; the consents used come from useConsentsUsed.
 */

export interface AuditOptions {
  pool: Pool;
  /** the key the chain and its anchors are MACed with; never stored in the database (AUDIT_HMAC_KEY) */
  hmacKey: string;
  /** where each chain's MACed head is appended after every group commit (AUDIT_CHECKPOINT_DIR) */
  checkpointDir: string;
  /** a commit unanswered this long (plus a little per entry) fails closed (AUDIT_COMMIT_TIMEOUT_MS) */
  commitTimeoutMs?: number;
  /** months of entries kept; at least 6 (网络安全法) */
  retentionMonths?: number;
  /** how often partitions are created ahead and expired ones dropped */
  maintenanceIntervalMs?: number;
}

export interface Audit extends GatewayPlugin {
  ledger: AuditLedger;
  commit(outcomes: FieldOutcome[], rc: GatewayGraphQLRequestContext<GatewayContext>): Promise<void>;
}

function toEntries(outcomes: FieldOutcome[], rc: Pick<GatewayGraphQLRequestContext<GatewayContext>, 'context' | 'operationName'>, at = new Date()): AuditInput[] {
  const { consumer, requestId, consentsUsed } = rc.context;
  // What every entry of this request shares: when, who, why and under which operation.
  const base = {
    at,
    requestId,
    consumerId: consumer.id,
    consumerOrg: consumer.org,
    consumerRole: consumer.role,
    purpose: consumer.purpose,
    operationName: rc.operationName ?? null,
  };
  const byKey = new Map<string, FieldOutcome>();
  for (const o of outcomes) {
    const key = `${o.subject ?? ''}\u0000${o.coordinate}`;
    const seen = byKey.get(key);
    if (!seen || (seen.decision === 'GRANTED' && o.decision === 'DENIED')) byKey.set(key, o);
  }
  const entries: AuditInput[] = [...byKey.values()].map((o) => ({
    ...base,
    subject: o.subject,
    field: o.coordinate,
    decision: o.decision,
    reason: o.decision === 'DENIED' ? o.reason : null,
    // The consent that allowed a bank's FINANCING field (a refused one had none to record).
    consentId: o.financing && o.subject && consumer.role === 'bank' ? (consentsUsed.get(o.subject) ?? null) : null,
  }));
  // A credit check's reads (issue 11): one entry per (subject, field, check), its id in `reason`.
  const checkReads = new Map(rc.context.creditCheckReads.map((r) => [`${r.subject}\u0000${r.field}\u0000${r.checkId}`, r]));
  for (const read of checkReads.values()) {
    entries.push({
      ...base,
      subject: read.subject,
      field: read.field,
      decision: read.decision,
      reason: checkReason(read),
      consentId: consumer.role === 'bank' ? (consentsUsed.get(read.subject) ?? null) : null,
    });
  }
  return entries;
}

export function useAudit(options: AuditOptions): Audit {
  const { key, checkpoints } = ledgerProof(options);
  const ledger = new AuditLedger({ pool: options.pool, key, checkpoints, commitTimeoutMs: options.commitTimeoutMs });
  const retentionMonths = options.retentionMonths ?? 7;
  let timer: NodeJS.Timeout | undefined;
  const maintain = async () => {
    try {
      await ensurePartitions(options.pool);
      await dropExpiredPartitions(options.pool, { retentionMonths, key });
    } catch (e) {
      logError({ event: 'audit maintenance failed', error: describeError(e) });
    }
  };
  return {
    name: 'audit',
    ledger,
    async onStart() {
      await ledger.migrate();
      await maintain();
      timer = setInterval(() => void maintain(), options.maintenanceIntervalMs ?? 6 * 3600_000);
      timer.unref();
    },
    async commit(outcomes, rc) {
      // rejects with AuditUnavailable (lib/errors.ts), on which useFieldAccess fails closed
      await ledger.append(toEntries(outcomes, rc));
    },
    onStop() {
      if (timer) clearInterval(timer);
      ledger.close();
    },
  };
}
