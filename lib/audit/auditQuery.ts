import type { Pool } from 'pg';
import { fromRow, type AuditRow } from './row';

/** The auditors' questions (SPEC §5 auditTrail): filter, newest first, keyset-paginated. */

export interface AuditFilter {
  uscc?: string | null;
  consumerOrg?: string | null;
  field?: string | null;
  decision?: 'GRANTED' | 'DENIED' | null;
  from?: string | null;
  to?: string | null;
}

export interface AuditEntryView {
  at: string;
  requestId: string;
  consumer: { id: string; org: string; role: string };
  purpose: string | null;
  subject: string | null;
  field: string;
  decision: 'GRANTED' | 'DENIED';
  reason: string | null;
  consentId: string | null;
  operationName: string | null;
  cursor: string;
}

export interface AuditPage {
  entries: AuditEntryView[];
  hasNextPage: boolean;
}

export const MAX_PAGE_SIZE = 500;

export class BadCursorError extends Error {}

function encodeCursor(at: Date, chainId: string, seq: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), chainId, seq])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string') && !Number.isNaN(Date.parse(v[0])) && /^\d+$/.test(v[2])) {
      return v as [string, string, string];
    }
  } catch {
    // fall through
  }
  throw new BadCursorError('after must be a cursor returned by auditTrail');
}

export async function queryAuditTrail(pool: Pool, filter: AuditFilter, first: number, after?: string | null): Promise<AuditPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.uscc) add('subject = ?', filter.uscc);
  if (filter.consumerOrg) add('consumer_org = ?', filter.consumerOrg);
  if (filter.field) add('field = ?', filter.field);
  if (filter.decision) add('decision = ?', filter.decision);
  if (filter.from) add('at >= ?', new Date(filter.from));
  if (filter.to) add('at < ?', new Date(filter.to));
  if (after) {
    const [at, chainId, seq] = decodeCursor(after);
    params.push(new Date(at), chainId, seq);
    where.push(`(at, chain_id, seq) < ($${params.length - 2}, $${params.length - 1}, $${params.length})`);
  }
  params.push(first + 1);
  const { rows } = await pool.query<AuditRow>(
    `SELECT * FROM audit_entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY at DESC, chain_id DESC, seq DESC
      LIMIT $${params.length}`,
    params,
  );
  const entries = rows.slice(0, first).map((row) => {
    const { chainId, seq, at, consumerId, consumerOrg, consumerRole, ...rest } = fromRow(row);
    return { ...rest, at: at.toISOString(), consumer: { id: consumerId, org: consumerOrg, role: consumerRole }, cursor: encodeCursor(at, chainId, String(seq)) };
  });
  return { entries, hasNextPage: rows.length > first };
}
