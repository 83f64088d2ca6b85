import type { Pool, PoolClient } from 'pg';

/**
 * The platform's own workflow state for issue 12 (异议, 信用修复, 信用承诺), in PostgreSQL beside
 * the consents: cases and their transitions, never a copy of a department's data (a record is
 * named by its department's identifier only). Created by the owner, the platform, at start.
 * Every transition is a row of `loop_events` (who, when, from, to) written in the same
 * transaction as the state it produces, so a refused step leaves nothing half-written.
 */
export async function migrateLoop(pool: Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS objections (
      id uuid PRIMARY KEY,
      uscc char(18) NOT NULL,
      department text NOT NULL,
      record_type text NOT NULL,
      record_ref text NOT NULL,
      field text NOT NULL,
      claim text NOT NULL,
      evidence text NOT NULL,
      status text NOT NULL CHECK (status IN ('OPEN', 'ACCEPTED', 'CORRECTED', 'REJECTED')),
      filed_at timestamptz NOT NULL,
      filed_by text NOT NULL,
      due_on date NOT NULL,
      decided_at timestamptz,
      decided_by text,
      decided_org text,
      decision_text text,
      CHECK ((status = 'OPEN') = (decided_at IS NULL))
    );
    -- one open objection per record: the second is a CONFLICT, also between racing filings
    CREATE UNIQUE INDEX IF NOT EXISTS objections_one_open ON objections (uscc, department, record_type, record_ref) WHERE status = 'OPEN';
    CREATE INDEX IF NOT EXISTS objections_queue ON objections (department, status, due_on);
    CREATE TABLE IF NOT EXISTS repairs (
      id uuid PRIMARY KEY,
      uscc char(18) NOT NULL,
      list_id text NOT NULL,
      department text NOT NULL,
      commitment_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REFUSED')),
      applied_at timestamptz NOT NULL,
      applied_by text NOT NULL,
      due_on date NOT NULL,
      decided_at timestamptz,
      decided_by text,
      decided_org text,
      decision_text text,
      CHECK ((status = 'PENDING') = (decided_at IS NULL))
    );
    -- a deadline counted without its year's 调休 (lib/loop/calendar.ts), recounted on read and at start
    ALTER TABLE objections ADD COLUMN IF NOT EXISTS due_provisional boolean NOT NULL DEFAULT false;
    ALTER TABLE repairs ADD COLUMN IF NOT EXISTS due_provisional boolean NOT NULL DEFAULT false;
    -- 信用修复: the listing applied for (its since, as the check showed it) and the subject's reasons
    ALTER TABLE repairs ADD COLUMN IF NOT EXISTS listed_since date;
    ALTER TABLE repairs ADD COLUMN IF NOT EXISTS reason text NOT NULL DEFAULT '';
    CREATE UNIQUE INDEX IF NOT EXISTS repairs_one_pending ON repairs (uscc, list_id) WHERE status = 'PENDING';
    CREATE INDEX IF NOT EXISTS repairs_subject ON repairs (uscc, status);
    CREATE TABLE IF NOT EXISTS commitments (
      id uuid PRIMARY KEY,
      uscc char(18) NOT NULL,
      scenario text NOT NULL,
      text text NOT NULL,
      signed_at timestamptz NOT NULL,
      signed_by text NOT NULL
    );
    -- a commitment signed as part of a repair application has no scenario, it names the repair
    ALTER TABLE commitments ALTER COLUMN scenario DROP NOT NULL;
    ALTER TABLE commitments ADD COLUMN IF NOT EXISTS repair_id uuid;
    CREATE INDEX IF NOT EXISTS commitments_subject ON commitments (uscc, signed_at DESC);
    CREATE TABLE IF NOT EXISTS loop_events (
      seq bigserial PRIMARY KEY,
      case_kind text NOT NULL,
      case_id uuid NOT NULL,
      at timestamptz NOT NULL,
      actor_id text NOT NULL,
      actor_org text NOT NULL,
      actor_role text NOT NULL,
      from_status text,
      to_status text NOT NULL,
      note text
    );
    CREATE INDEX IF NOT EXISTS loop_events_case ON loop_events (case_id, seq);
  `);
}

/** who took a step, as the verified token said */
export interface Actor {
  id: string;
  org: string;
  role: string;
}

export interface LoopEvent {
  at: Date;
  actor: Actor;
  from: string | null;
  to: string;
  note: string | null;
}

export type CaseKind = 'objection' | 'repair' | 'commitment';

export async function recordEvent(
  client: PoolClient,
  event: { kind: CaseKind; caseId: string; at: Date; actor: Actor; from: string | null; to: string; note: string | null },
): Promise<void> {
  await client.query(
    `INSERT INTO loop_events (case_kind, case_id, at, actor_id, actor_org, actor_role, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [event.kind, event.caseId, event.at, event.actor.id, event.actor.org, event.actor.role, event.from, event.to, event.note],
  );
}

/**
 * The histories of several cases in one query, each in the order its steps were taken — a
 * handler's queue of 50 objections with their histories is two statements, not 51.
 */
export async function eventsOf(pool: Pool, caseIds: readonly string[]): Promise<LoopEvent[][]> {
  const { rows } = await pool.query<{ case_id: string; at: Date; actor_id: string; actor_org: string; actor_role: string; from_status: string | null; to_status: string; note: string | null }>(
    `SELECT case_id, at, actor_id, actor_org, actor_role, from_status, to_status, note FROM loop_events WHERE case_id = ANY($1::uuid[]) ORDER BY case_id, seq`,
    [caseIds],
  );
  const byCase = new Map<string, LoopEvent[]>(caseIds.map((id) => [id, []]));
  for (const r of rows) {
    byCase.get(r.case_id)?.push({ at: r.at, actor: { id: r.actor_id, org: r.actor_org, role: r.actor_role }, from: r.from_status, to: r.to_status, note: r.note });
  }
  return caseIds.map((id) => byCase.get(id)!);
}
