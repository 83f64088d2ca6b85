import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { CreditList } from '../credit/lists';
import type { Department } from '../departments';
import { clientError, UnreachableCaseError } from '../errors';
import { dueAfter, isOverdue, mainlandDate, systemClock, type Clock, type DueBasis } from './calendar';
import { insertCommitment } from './CommitmentStore';
import { CaseStore, type CaseTable } from './caseQueue';
import { inTransaction, isUniqueViolation } from '../db/transaction';
import { recordEvent, type Actor } from './loopSchema';

/**
 * 信用修复: a subject's application to be taken off a black list it is on, with a signed credit
 * commitment, handled by the designating department within REPAIR_WORKING_DAYS
 * (《失信行为纠正后的信用信息修复管理办法（试行）》(国家发展改革委令2023年第58号) asks for 3
 * working days). An approved repair is an overlay the credit check applies from its approval on:
 * the department's data is never rewritten.
 */

export const REPAIR_WORKING_DAYS = 3;

const CASES: CaseTable = { table: 'repairs', kind: 'repair', openedAt: 'applied_at', openStatus: 'PENDING', workingDays: REPAIR_WORKING_DAYS };

export type RepairDecision = 'APPROVED' | 'REFUSED';
export type RepairStatus = 'PENDING' | RepairDecision;

export type RepairPhase =
  | { status: 'PENDING' }
  | { status: 'APPROVED'; decidedAt: Date; decidedBy: Actor; approvedOn: string; note: string | null }
  | { status: 'REFUSED'; decidedAt: Date; decidedBy: Actor; reasons: string };

export interface Repair {
  id: string;
  uscc: string;
  listId: string;
  department: Department;
  /** the listing repaired: its `since` as the check showed it at the application (null: a rating year) */
  listedSince: string | null;
  reason: string;
  commitmentId: string;
  appliedAt: Date;
  appliedBy: string;
  dueOn: string;
  dueOnBasis: DueBasis;
  overdue: boolean;
  phase: RepairPhase;
}

/** what the credit check takes out: the listing of `listId` that began on `listedSince` */
export interface ApprovedRepair {
  id: string;
  uscc: string;
  listId: string;
  listedSince: string | null;
  approvedOn: string;
}

export interface RepairFilter {
  department?: Department | null;
  status?: RepairStatus | null;
  overdue?: boolean | null;
  uscc?: string | null;
}

interface Row {
  id: string;
  uscc: string;
  list_id: string;
  department: Department;
  listed_since: string | null;
  reason: string;
  commitment_id: string;
  status: RepairStatus;
  applied_at: Date;
  applied_by: string;
  due_on: string;
  due_provisional: boolean;
  decided_at: Date | null;
  decided_by: string | null;
  decided_org: string | null;
  decision_text: string | null;
}

const COLUMNS = `id, uscc, list_id, department, listed_since::text AS listed_since, reason, commitment_id, status, applied_at, applied_by,
  due_on::text AS due_on, due_provisional, decided_at, decided_by, decided_org, decision_text`;

function phaseOf(row: Row): RepairPhase {
  const status = row.status;
  if (status === 'PENDING') return { status };
  // decided_* are NOT NULL whenever the status is not PENDING (table CHECK)
  const decided = { decidedAt: row.decided_at!, decidedBy: { id: row.decided_by!, org: row.decided_org!, role: 'government' } };
  switch (status) {
    case 'APPROVED':
      return { status, ...decided, approvedOn: mainlandDate(row.decided_at!), note: row.decision_text };
    case 'REFUSED':
      return { status, ...decided, reasons: row.decision_text ?? '' };
    default:
      throw new UnreachableCaseError(status);
  }
}

/** the step a decision makes from a phase, or why it cannot: only a pending application is decided */
export function decideRepair(phase: RepairPhase, decision: RepairDecision): RepairStatus {
  switch (phase.status) {
    case 'PENDING':
      return decision;
    case 'APPROVED':
    case 'REFUSED':
      throw clientError('CONFLICT', `the repair application was already decided (${phase.status}); a decision is final`, { status: phase.status });
    default:
      throw new UnreachableCaseError(phase);
  }
}

export class RepairStore extends CaseStore<Row, Repair, RepairDecision, RepairFilter> {
  constructor(pool: Pool, clock: Clock = systemClock) {
    super(pool, clock, CASES, COLUMNS, 'no such repair application for this handler');
  }

  protected toCase(row: Row, now: Date): Repair {
    const phase = phaseOf(row);
    // a provisional deadline is counted again: the package in this process may know the year now
    const due = row.due_provisional ? dueAfter(row.applied_at, REPAIR_WORKING_DAYS) : { dueOn: row.due_on, basis: 'STATE_COUNCIL_SCHEDULE' as const };
    return {
      id: row.id,
      uscc: row.uscc.trim(),
      listId: row.list_id,
      department: row.department,
      listedSince: row.listed_since,
      reason: row.reason,
      commitmentId: row.commitment_id,
      appliedAt: row.applied_at,
      appliedBy: row.applied_by,
      dueOn: due.dueOn,
      dueOnBasis: due.basis,
      overdue: phase.status === 'PENDING' && isOverdue(due.dueOn, now),
      phase,
    };
  }

  /** the application and its commitment land together, with a transition each, or not at all */
  async apply(input: { uscc: string; list: CreditList; listedSince: string | null; reason: string; commitmentText: string }, actor: Actor): Promise<Repair> {
    const now = this.clock();
    const id = randomUUID();
    const due = dueAfter(now, REPAIR_WORKING_DAYS);
    try {
      const row = await inTransaction(this.pool, async (client) => {
        const { rows: repaired } = await client.query(
          `SELECT 1 FROM repairs WHERE uscc = $1 AND list_id = $2 AND status = 'APPROVED' AND listed_since IS NOT DISTINCT FROM $3::date`,
          [input.uscc, input.list.id, input.listedSince],
        );
        if (repaired.length > 0) throw clientError('CONFLICT', `the listing on ${input.list.name} was already repaired`);
        const commitment = await insertCommitment(client, { uscc: input.uscc, scenario: null, text: input.commitmentText, repairId: id }, actor, now);
        const { rows } = await client.query<Row>(
          `INSERT INTO repairs (id, uscc, list_id, department, listed_since, reason, commitment_id, status, applied_at, applied_by, due_on, due_provisional)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING', $8, $9, $10, $11) RETURNING ${COLUMNS}`,
          [id, input.uscc, input.list.id, input.list.department, input.listedSince, input.reason, commitment.id, now, actor.id, due.dueOn, due.basis === 'STATUTORY_DAYS_ONLY'],
        );
        await recordEvent(client, { kind: 'repair', caseId: id, at: now, actor, from: null, to: 'PENDING', note: input.list.id });
        return rows[0];
      });
      return this.toCase(row, now);
    } catch (e) {
      if (isUniqueViolation(e)) throw clientError('CONFLICT', `an application to repair the listing on ${input.list.name} is already open; it is decided before another is made`);
      throw e;
    }
  }

  protected nextStatus(row: Row, decision: RepairDecision): Repair['phase']['status'] {
    return decideRepair(phaseOf(row), decision);
  }
}

/** the approved repairs of many subjects in one query (a 500-bidder screen), per subject */
export async function approvedRepairs(pool: Pool, usccs: readonly string[]): Promise<ApprovedRepair[][]> {
  const { rows } = await pool.query<{ id: string; uscc: string; list_id: string; listed_since: string | null; decided_at: Date }>(
    `SELECT id, uscc, list_id, listed_since::text AS listed_since, decided_at FROM repairs WHERE status = 'APPROVED' AND uscc = ANY($1::char(18)[])`,
    [usccs],
  );
  const bySubject = new Map<string, ApprovedRepair[]>();
  for (const r of rows) {
    const uscc = r.uscc.trim();
    bySubject.set(uscc, [...(bySubject.get(uscc) ?? []), { id: r.id, uscc, listId: r.list_id, listedSince: r.listed_since, approvedOn: mainlandDate(r.decided_at) }]);
  }
  return usccs.map((u) => bySubject.get(u) ?? []);
}
