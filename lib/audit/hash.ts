/** What one ledger entry says; its hash (LedgerKey.entry) covers exactly these fields plus the previous hash. */
export interface AuditRecord {
  chainId: string;
  seq: number;
  at: Date;
  requestId: string;
  consumerId: string;
  consumerOrg: string;
  consumerRole: string;
  purpose: string | null;
  subject: string | null;
  field: string;
  decision: 'GRANTED' | 'DENIED';
  reason: string | null;
  consentId: string | null;
  operationName: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Canonical text of a record: fixed field order, ISO time with milliseconds, explicit nulls. */
export function canonical(r: AuditRecord): string {
  return JSON.stringify([
    r.chainId,
    r.seq,
    r.at.toISOString(),
    r.requestId,
    r.consumerId,
    r.consumerOrg,
    r.consumerRole,
    r.purpose,
    r.subject,
    r.field,
    r.decision,
    r.reason,
    r.consentId,
    r.operationName,
  ]);
}
