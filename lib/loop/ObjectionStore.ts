import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Department } from '../departments';
import { clientError, UnreachableCaseError } from '../errors';
import { dueAfter, isOverdue, systemClock, type Clock, type DueBasis } from './calendar';
import { CaseStore, type CaseTable } from './caseQueue';
import { inTransaction, isUniqueViolation } from '../db/transaction';
import { recordEvent, type Actor } from './loopSchema';

/**
 * 异议处理: a subject's objection to one record of a department, answered by that department's
 * handler within OBJECTION_WORKING_DAYS (《关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》
 * (国办发〔2020〕49号) asks for 5 working days). The case lives here; the record stays the
 * department's, named by its identifier.
 */

export const OBJECTION_WORKING_DAYS = 5;

const CASES: CaseTable = { table: 'objections', kind: 'objection', openedAt: 'filed_at', openStatus: 'OPEN', workingDays: OBJECTION_WORKING_DAYS };

export type Decision = 'ACCEPTED' | 'CORRECTED' | 'REJECTED';
export type ObjectionStatus = 'OPEN' | Decision;

/** the life of a case; a decision is final */
export type ObjectionPhase =
  | { status: 'OPEN' }
  | { status: 'ACCEPTED'; decidedAt: Date; decidedBy: Actor; note: string | null }
  /** the department will change the record: `correction` says how */
  | { status: 'CORRECTED'; decidedAt: Date; decidedBy: Actor; correction: string }
  | { status: 'REJECTED'; decidedAt: Date; decidedBy: Actor; reasons: string };

export interface Objection {
  id: string;
  uscc: string;
  department: Department;
  recordType: string;
  recordRef: string;
  field: string;
  claim: string;
  evidence: string;
  filedAt: Date;
  filedBy: string;
  dueOn: string;
  /** STATUTORY_DAYS_ONLY: counted without the year's 调休 (calendar.ts); recomputed on every read */
  dueOnBasis: DueBasis;
  overdue: boolean;
  phase: ObjectionPhase;
}

export interface ObjectionFilter {
  department?: Department | null;
  status?: ObjectionStatus | null;
  overdue?: boolean | null;
  uscc?: string | null;
}

interface Row {
  id: string;
  uscc: string;
  department: Department;
  record_type: string;
  record_ref: string;
  field: string;
  claim: string;
  evidence: string;
  status: ObjectionStatus;
  filed_at: Date;
  filed_by: string;
  due_on: string;
  due_provisional: boolean;
  decided_at: Date | null;
  decided_by: string | null;
  decided_org: string | null;
  decision_text: string | null;
}

const COLUMNS = `id, uscc, department, record_type, record_ref, field, claim, evidence, status, filed_at, filed_by, due_on::text AS due_on, due_provisional, decided_at, decided_by, decided_org, decision_text`;

function phaseOf(row: Row): ObjectionPhase {
  const status = row.status;
  if (status === 'OPEN') return { status };
  // decided_* are NOT NULL whenever the status is not OPEN (table CHECK)
  const decided = { decidedAt: row.decided_at!, decidedBy: { id: row.decided_by!, org: row.decided_org!, role: 'government' } };
  switch (status) {
    case 'ACCEPTED':
      return { status, ...decided, note: row.decision_text };
    case 'CORRECTED':
      return { status, ...decided, correction: row.decision_text ?? '' };
    case 'REJECTED':
      return { status, ...decided, reasons: row.decision_text ?? '' };
    default:
      throw new UnreachableCaseError(status);
  }
}

/** the step a decision makes from a phase, or why it cannot */
export function decide(phase: ObjectionPhase, decision: Decision): ObjectionStatus {
  switch (phase.status) {
    case 'OPEN':
      return decision;
    case 'ACCEPTED':
    case 'CORRECTED':
    case 'REJECTED':
      throw clientError('CONFLICT', `the objection was already decided (${phase.status}); a decision is final`, { status: phase.status });
    default:
      throw new UnreachableCaseError(phase);
  }
}

export class ObjectionStore extends CaseStore<Row, Objection, Decision, ObjectionFilter> {
  constructor(pool: Pool, clock: Clock = systemClock) {
    super(pool, clock, CASES, COLUMNS, 'no such objection for this handler');
  }

  protected toCase(row: Row, now: Date): Objection {
    const phase = phaseOf(row);
    // a provisional deadline is counted again: the package in this process may know the year now
    const due = row.due_provisional ? dueAfter(row.filed_at, OBJECTION_WORKING_DAYS) : { dueOn: row.due_on, basis: 'STATE_COUNCIL_SCHEDULE' as const };
    return {
      id: row.id,
      uscc: row.uscc.trim(),
      department: row.department,
      recordType: row.record_type,
      recordRef: row.record_ref,
      field: row.field,
      claim: row.claim,
      evidence: row.evidence,
      filedAt: row.filed_at,
      filedBy: row.filed_by,
      dueOn: due.dueOn,
      dueOnBasis: due.basis,
      overdue: phase.status === 'OPEN' && isOverdue(due.dueOn, now),
      phase,
    };
  }

  async file(input: { uscc: string; department: Department; recordType: string; recordRef: string; field: string; claim: string; evidence: string }, actor: Actor): Promise<Objection> {
    const now = this.clock();
    const id = randomUUID();
    const due = dueAfter(now, OBJECTION_WORKING_DAYS);
    try {
      const row = await inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<Row>(
          `INSERT INTO objections (id, uscc, department, record_type, record_ref, field, claim, evidence, status, filed_at, filed_by, due_on, due_provisional)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'OPEN', $9, $10, $11, $12) RETURNING ${COLUMNS}`,
          [id, input.uscc, input.department, input.recordType, input.recordRef, input.field, input.claim, input.evidence, now, actor.id, due.dueOn, due.basis === 'STATUTORY_DAYS_ONLY'],
        );
        await recordEvent(client, { kind: 'objection', caseId: id, at: now, actor, from: null, to: 'OPEN', note: input.claim });
        return rows[0];
      });
      return this.toCase(row, now);
    } catch (e) {
      if (isUniqueViolation(e)) throw clientError('CONFLICT', `an objection to ${input.recordType} ${input.recordRef} is already open; it is answered before another is filed`);
      throw e;
    }
  }

  protected nextStatus(row: Row, decision: Decision): Objection['phase']['status'] {
    return decide(phaseOf(row), decision);
  }
}
