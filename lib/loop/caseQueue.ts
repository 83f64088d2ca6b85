import type { Pool } from 'pg';
import type { Department } from '../departments';
import { WhereClause } from '../db/whereClause';
import { clientError } from '../errors';
import { dueAfter, mainlandDate } from './calendar';
import { inTransaction, recordEvent, type Actor } from './loopSchema';

/**
 * What the loop's case tables (objections, repairs) share: a statutory deadline counted in working
 * days from when the case was opened, a handler's queue ordered by that deadline, and the
 * provisional deadlines (a year the calendar package has no schedule for) recounted at start.
 */

export interface CaseTable {
  /** `objections` or `repairs` */
  table: 'objections' | 'repairs';
  /** the case's kind in the loop's event log */
  kind: 'objection' | 'repair';
  /** the column holding when the case was opened (its deadline counts from then) */
  openedAt: 'filed_at' | 'applied_at';
  /** the status of a case still waiting for its handler */
  openStatus: string;
  workingDays: number;
}

export interface CaseFilter {
  department?: Department | null;
  status?: string | null;
  overdue?: boolean | null;
  uscc?: string | null;
}

/** the handler's queue: earliest deadline first; `overdue` as of the mainland day of `now` */
export async function listCases<Row extends object>(pool: Pool, cases: CaseTable, columns: string, filter: CaseFilter, first: number, now: Date): Promise<Row[]> {
  const where = new WhereClause();
  if (filter.department) where.add('department = ?', filter.department);
  if (filter.status) where.add('status = ?', filter.status);
  if (filter.uscc) where.add('uscc = ?', filter.uscc);
  // openStatus is one of our constants, never input
  if (filter.overdue === true) where.add(`status = '${cases.openStatus}' AND due_on < ?::date`, mainlandDate(now));
  if (filter.overdue === false) where.add(`NOT (status = '${cases.openStatus}' AND due_on < ?::date)`, mainlandDate(now));
  const limit = where.param(first);
  const { rows } = await pool.query<Row>(`SELECT ${columns} FROM ${cases.table} ${where} ORDER BY due_on, ${cases.openedAt}, id LIMIT ${limit}`, where.params);
  return rows;
}

/**
 * Rewrites the stored provisional deadlines with this process's calendar, at start: the queue's
 * order, its `overdue` filter and the records' `dispute.dueOn` read the stored day, so an updated
 * calendar package corrects them too, without a migration.
 */
export async function refreshProvisionalDeadlines(pool: Pool, cases: CaseTable): Promise<void> {
  const { rows } = await pool.query<{ id: string; opened_at: Date }>(`SELECT id, ${cases.openedAt} AS opened_at FROM ${cases.table} WHERE due_provisional`);
  for (const row of rows) {
    const due = dueAfter(row.opened_at, cases.workingDays);
    await pool.query(`UPDATE ${cases.table} SET due_on = $2, due_provisional = $3 WHERE id = $1`, [row.id, due.dueOn, due.basis === 'STATUTORY_DAYS_ONLY']);
  }
}

/** one case's row by id, or null */
export async function caseById<Row extends object>(pool: Pool, cases: CaseTable, columns: string, id: string): Promise<Row | null> {
  const { rows } = await pool.query<Row>(`SELECT ${columns} FROM ${cases.table} WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/**
 * Decides a case still open: `step` says to which status, or throws why not (a decision is final);
 * the status guard in the UPDATE makes racing decisions CONFLICT too. The transition is logged in
 * the same transaction.
 */
export async function decideCase<Row extends object>(
  pool: Pool,
  cases: CaseTable,
  columns: string,
  decision: { id: string; step: (current: Row) => string; text: string | null; actor: Actor; now: Date; notFound: string },
): Promise<Row> {
  const { id, text, actor, now } = decision;
  return inTransaction(pool, async (client) => {
    const { rows: current } = await client.query<Row>(`SELECT ${columns} FROM ${cases.table} WHERE id = $1 FOR UPDATE`, [id]);
    if (!current[0]) throw clientError('FORBIDDEN', decision.notFound);
    const to = decision.step(current[0]);
    // openStatus is one of our constants, never input
    const { rows } = await client.query<Row>(
      `UPDATE ${cases.table} SET status = $2, decided_at = $3, decided_by = $4, decided_org = $5, decision_text = $6
        WHERE id = $1 AND status = '${cases.openStatus}' RETURNING ${columns}`,
      [id, to, now, actor.id, actor.org, text],
    );
    await recordEvent(client, { kind: cases.kind, caseId: id, at: now, actor, from: cases.openStatus, to, note: text });
    return rows[0];
  });
}
