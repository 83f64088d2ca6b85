import type { AuditRecord } from './hash';

/** An `audit_entries` row as PostgreSQL holds it; the one mapping to and from AuditRecord. */
export interface AuditRow {
  chain_id: string;
  /** bigint: a string as `pg` reads it */
  seq: string | number;
  at: Date | string;
  request_id: string;
  consumer_id: string;
  consumer_org: string;
  consumer_role: string;
  purpose: string | null;
  subject: string | null;
  field: string;
  decision: 'GRANTED' | 'DENIED';
  reason: string | null;
  consent_id: string | null;
  operation_name: string | null;
  prev_hash: string;
  hash: string;
}

export function fromRow(r: AuditRow): AuditRecord {
  return {
    chainId: r.chain_id,
    seq: Number(r.seq),
    at: r.at instanceof Date ? r.at : new Date(r.at),
    requestId: r.request_id,
    consumerId: r.consumer_id,
    consumerOrg: r.consumer_org,
    consumerRole: r.consumer_role,
    purpose: r.purpose,
    subject: r.subject,
    field: r.field,
    decision: r.decision,
    reason: r.reason,
    consentId: r.consent_id,
    operationName: r.operation_name,
  };
}

export function toRow(r: AuditRecord, chain: { prevHash: string; hash: string }): AuditRow {
  return {
    chain_id: r.chainId,
    seq: r.seq,
    at: r.at.toISOString(),
    request_id: r.requestId,
    consumer_id: r.consumerId,
    consumer_org: r.consumerOrg,
    consumer_role: r.consumerRole,
    purpose: r.purpose,
    subject: r.subject,
    field: r.field,
    decision: r.decision,
    reason: r.reason,
    consent_id: r.consentId,
    operation_name: r.operationName,
    prev_hash: chain.prevHash,
    hash: chain.hash,
  };
}
