import type { Pool } from 'pg';
import type { Department } from '../departments';
import { WhereClause } from '../db/whereClause';
import { clientError } from '../errors';
import { dueAfter, mainlandDate, type Clock } from './calendar';
import { inTransaction } from '../db/transaction';
import { recordEvent, type Actor } from './loopSchema';

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
async function listCases<Row extends object>(pool: Pool, cases: CaseTable, columns: string, filter: CaseFilter, first: number, now: Date): Promise<Row[]> {
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
async function refreshProvisionalDeadlines(pool: Pool, cases: CaseTable): Promise<void> {
  const { rows } = await pool.query<{ id: string; opened_at: Date }>(`SELECT id, ${cases.openedAt} AS opened_at FROM ${cases.table} WHERE due_provisional`);
  for (const row of rows) {
    const due = dueAfter(row.opened_at, cases.workingDays);
    await pool.query(`UPDATE ${cases.table} SET due_on = $2, due_provisional = $3 WHERE id = $1`, [row.id, due.dueOn, due.basis === 'STATUTORY_DAYS_ONLY']);
  }
}

/** one case's row by id, or null */
async function caseById<Row extends object>(pool: Pool, cases: CaseTable, columns: string, id: string): Promise<Row | null> {
  const { rows } = await pool.query<Row>(`SELECT ${columns} FROM ${cases.table} WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/**
 * Decides a case still open: `step` says to which status, or throws why not (a decision is final);
 * the status guard in the UPDATE makes racing decisions CONFLICT too. The transition is logged in
 * the same transaction.
 */
async function decideCase<Row extends object>(
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

/**
 * What a case table's store does alike for objections and repairs — one case by id, the
 * handler's queue, a final decision, the provisional deadlines recounted at start — each store
 * adding how its case is opened, how a row reads as its case and where a decision may lead.
 */
export abstract class CaseStore<Row extends object, Case, Decision, Filter extends CaseFilter> {
  protected constructor(
    protected readonly pool: Pool,
    protected readonly clock: Clock,
    private readonly cases: CaseTable,
    private readonly columns: string,
    /** what a handler is told for a case that does not exist or is not theirs */
    private readonly notFound: string,
  ) {}

  /** the row as the graph's case; `overdue` as of `now`, a provisional deadline counted again */
  protected abstract toCase(row: Row, now: Date): Case;

  /** the status `decision` moves the case in `row` to, or a CONFLICT when it was decided already */
  protected abstract nextStatus(row: Row, decision: Decision): string;

  /** provisional deadlines recounted with this process's calendar, at start */
  async refreshProvisionalDeadlines(): Promise<void> {
    await refreshProvisionalDeadlines(this.pool, this.cases);
  }

  async byId(id: string): Promise<Case | null> {
    const row = await caseById<Row>(this.pool, this.cases, this.columns, id);
    return row ? this.toCase(row, this.clock()) : null;
  }

  /** decides an open case; a decision is final, racing decisions CONFLICT */
  async decide(id: string, decision: Decision, text: string | null, actor: Actor): Promise<Case> {
    const now = this.clock();
    const row = await decideCase<Row>(this.pool, this.cases, this.columns, { id, step: (current) => this.nextStatus(current, decision), text, actor, now, notFound: this.notFound });
    return this.toCase(row, now);
  }

  /** the handler's queue: earliest deadline first */
  async list(filter: Filter, first: number): Promise<Case[]> {
    const now = this.clock();
    const rows = await listCases<Row>(this.pool, this.cases, this.columns, filter, first, now);
    return rows.map((r) => this.toCase(r, now));
  }
}
