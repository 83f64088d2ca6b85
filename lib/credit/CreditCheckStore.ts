import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { WhereClause } from '../db/whereClause';

/**
 * Credit checks and the checking office's feedback (发起 → 响应 → 反馈), durable in PostgreSQL
 * beside the consents. A check is recorded by what it decided — who checked whom, for which
 * scenario, the verdict, the ids of the lists found and measures applied — never the
 * departments' data it read (that stays with them; the audit ledger says which fields were read).
 */

export interface Checker {
  id: string;
  org: string;
  role: string;
}

export interface CheckRecord {
  id: string;
  subject: string;
  scenario: string;
  verdict: string;
  checkedAt: Date;
  checker: Checker;
  lists: string[];
  measures: string[];
  missingDepartments: string[];
  listsNotChecked: string[];
  catalogueVersion: string;
}

export interface Feedback {
  id: string;
  checkId: string;
  measure: string;
  outcome: string;
  note: string | null;
  recordedAt: Date;
  recordedBy: Checker;
}

export interface CheckFilter {
  id?: string | null;
  uscc?: string | null;
  checkerOrg?: string | null;
  scenario?: string | null;
  verdict?: string | null;
  from?: string | null;
  to?: string | null;
}

interface CheckRow {
  id: string;
  subject: string;
  scenario: string;
  verdict: string;
  checked_at: Date;
  checker_id: string;
  checker_org: string;
  checker_role: string;
  lists: string[];
  measures: string[];
  missing_departments: string[];
  lists_not_checked: string[];
  catalogue_version: string;
}

interface FeedbackRow {
  id: string;
  check_id: string;
  measure: string;
  outcome: string;
  note: string | null;
  recorded_at: Date;
  recorder_id: string;
  recorder_org: string;
  recorder_role: string;
}

const toCheck = (r: CheckRow): CheckRecord => ({
  id: r.id,
  subject: r.subject,
  scenario: r.scenario,
  verdict: r.verdict,
  checkedAt: r.checked_at,
  checker: { id: r.checker_id, org: r.checker_org, role: r.checker_role },
  lists: r.lists,
  measures: r.measures,
  missingDepartments: r.missing_departments,
  listsNotChecked: r.lists_not_checked,
  catalogueVersion: r.catalogue_version,
});

const toFeedback = (r: FeedbackRow): Feedback => ({
  id: r.id,
  checkId: r.check_id,
  measure: r.measure,
  outcome: r.outcome,
  note: r.note,
  recordedAt: r.recorded_at,
  recordedBy: { id: r.recorder_id, org: r.recorder_org, role: r.recorder_role },
});

export class CreditCheckStore {
  constructor(private readonly pool: Pool) {}

  /** Creates the tables (idempotent); called by the owner, the platform, at start. */
  async migrate(): Promise<void> {
    await this.pool.query(`
      CREATE TABLE IF NOT EXISTS credit_checks (
        id uuid PRIMARY KEY,
        subject char(18) NOT NULL,
        scenario text NOT NULL,
        verdict text NOT NULL,
        checked_at timestamptz NOT NULL,
        checker_id text NOT NULL,
        checker_org text NOT NULL,
        checker_role text NOT NULL,
        lists text[] NOT NULL,
        measures text[] NOT NULL,
        missing_departments text[] NOT NULL,
        lists_not_checked text[] NOT NULL,
        catalogue_version text NOT NULL
      );
      CREATE INDEX IF NOT EXISTS credit_checks_subject ON credit_checks (subject, checked_at DESC);
      CREATE INDEX IF NOT EXISTS credit_checks_checker ON credit_checks (checker_org, checked_at DESC);
      CREATE TABLE IF NOT EXISTS credit_check_feedback (
        id uuid PRIMARY KEY,
        check_id uuid NOT NULL REFERENCES credit_checks (id),
        measure text NOT NULL,
        outcome text NOT NULL,
        note text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorder_id text NOT NULL,
        recorder_org text NOT NULL,
        recorder_role text NOT NULL
      );
      CREATE INDEX IF NOT EXISTS credit_check_feedback_check ON credit_check_feedback (check_id, recorded_at);
    `);
  }

  /** Every check of one request in one statement (a screen of 500 bidders is one INSERT). */
  async record(checks: readonly CheckRecord[]): Promise<void> {
    if (checks.length === 0) return;
    const rows = checks.map((c) => ({
      id: c.id,
      subject: c.subject,
      scenario: c.scenario,
      verdict: c.verdict,
      checked_at: c.checkedAt.toISOString(),
      checker_id: c.checker.id,
      checker_org: c.checker.org,
      checker_role: c.checker.role,
      lists: c.lists,
      measures: c.measures,
      missing_departments: c.missingDepartments,
      lists_not_checked: c.listsNotChecked,
      catalogue_version: c.catalogueVersion,
    }));
    await this.pool.query(`INSERT INTO credit_checks SELECT * FROM json_populate_recordset(NULL::credit_checks, $1::json)`, [JSON.stringify(rows)]);
  }

  async byId(id: string): Promise<CheckRecord | null> {
    const { rows } = await this.pool.query<CheckRow>('SELECT * FROM credit_checks WHERE id = $1', [id]);
    return rows[0] ? toCheck(rows[0]) : null;
  }

  async find(filter: CheckFilter, first: number): Promise<CheckRecord[]> {
    const where = new WhereClause();
    if (filter.id) where.add('id = ?', filter.id);
    if (filter.uscc) where.add('subject = ?', filter.uscc);
    if (filter.checkerOrg) where.add('checker_org = ?', filter.checkerOrg);
    if (filter.scenario) where.add('scenario = ?', filter.scenario);
    if (filter.verdict) where.add('verdict = ?', filter.verdict);
    if (filter.from) where.add('checked_at >= ?', filter.from);
    if (filter.to) where.add('checked_at < ?', filter.to);
    const limit = where.param(first);
    const { rows } = await this.pool.query<CheckRow>(`SELECT * FROM credit_checks ${where} ORDER BY checked_at DESC, id LIMIT ${limit}`, where.params);
    return rows.map(toCheck);
  }

  async addFeedback(input: { checkId: string; measure: string; outcome: string; note: string | null; recordedBy: Checker }): Promise<Feedback> {
    const { rows } = await this.pool.query<FeedbackRow>(
      `INSERT INTO credit_check_feedback (id, check_id, measure, outcome, note, recorder_id, recorder_org, recorder_role)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [randomUUID(), input.checkId, input.measure, input.outcome, input.note, input.recordedBy.id, input.recordedBy.org, input.recordedBy.role],
    );
    return toFeedback(rows[0]!);
  }

  /** the feedback on these checks, oldest first, by check id */
  async feedbackFor(checkIds: readonly string[]): Promise<Map<string, Feedback[]>> {
    const byCheck = new Map<string, Feedback[]>(checkIds.map((id) => [id, []]));
    if (checkIds.length === 0) return byCheck;
    const { rows } = await this.pool.query<FeedbackRow>('SELECT * FROM credit_check_feedback WHERE check_id = ANY($1::uuid[]) ORDER BY recorded_at, id', [checkIds]);
    for (const row of rows) byCheck.get(row.check_id)?.push(toFeedback(row));
    return byCheck;
  }
}
