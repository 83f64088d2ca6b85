import type { Pool } from 'pg';
import { WhereClause } from '../db/whereClause';
import { fromRow, type AuditRow } from './row';

/** The auditors' questions (SPEC §5 auditTrail): filter, newest first, keyset-paginated. */

export interface AuditFilter {
  uscc?: string | null;
  consumerOrg?: string | null;
  field?: string | null;
  decision?: 'GRANTED' | 'DENIED' | null;
  from?: string | null;
  to?: string | null;
  requestId?: string | null;
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

export class BadCursorError extends Error {}

function encodeCursor(at: Date, chainId: string, seq: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), chainId, seq])).toString('base64url');
}

/** `seq` is a PostgreSQL bigint: a longer digit string would overflow in the database. */
const MAX_SEQ = 2n ** 63n - 1n;
const CHAIN_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * Only what `encodeCursor` writes is accepted, checked here rather than by the database: a cursor
 * is client input, and a value PostgreSQL would refuse (a 30-digit seq, a year 300000) must be
 * BAD_USER_INPUT, never a database error.
 */
function decodeCursor(cursor: string): [string, string, string] {
  const refused = new BadCursorError('after must be a cursor returned by auditTrail');
  if (cursor.length > 1000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refused;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused;
  }
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'string')) throw refused;
  const [at, chainId, seq] = v as [string, string, string];
  // four-digit years only: JavaScript dates reach years PostgreSQL cannot store
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(at) || new Date(at).toISOString() !== at) throw refused;
  // chain ids are `host:pid:id`, visible ASCII (PostgreSQL text cannot hold a NUL)
  if (!CHAIN_ID.test(chainId)) throw refused;
  if (!/^\d{1,19}$/.test(seq) || BigInt(seq) > MAX_SEQ) throw refused;
  return [at, chainId, seq];
}

export async function queryAuditTrail(pool: Pool, filter: AuditFilter, first: number, after?: string | null): Promise<AuditPage> {
  const where = new WhereClause();
  if (filter.uscc) where.add('subject = ?', filter.uscc);
  if (filter.consumerOrg) where.add('consumer_org = ?', filter.consumerOrg);
  if (filter.field) where.add('field = ?', filter.field);
  if (filter.decision) where.add('decision = ?', filter.decision);
  if (filter.from) where.add('at >= ?', new Date(filter.from));
  if (filter.to) where.add('at < ?', new Date(filter.to));
  if (filter.requestId) where.add('request_id = ?', filter.requestId);
  if (after) {
    const [at, chainId, seq] = decodeCursor(after);
    where.addRaw(`(at, chain_id, seq) < (${where.param(new Date(at))}, ${where.param(chainId)}, ${where.param(seq)})`);
  }
  const limit = where.param(first + 1);
  const { rows } = await pool.query<AuditRow>(
    `SELECT * FROM audit_entries ${where}
      ORDER BY at DESC, chain_id DESC, seq DESC
      LIMIT ${limit}`,
    where.params,
  );
  const entries = rows.slice(0, first).map((row) => {
    const { chainId, seq, at, consumerId, consumerOrg, consumerRole, ...rest } = fromRow(row);
    return { ...rest, at: at.toISOString(), consumer: { id: consumerId, org: consumerOrg, role: consumerRole }, cursor: encodeCursor(at, chainId, String(seq)) };
  });
  return { entries, hasNextPage: rows.length > first };
}
