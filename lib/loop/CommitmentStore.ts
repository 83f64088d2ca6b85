import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { systemClock, type Clock } from './calendar';
import { inTransaction } from '../db/transaction';
import { recordEvent, type Actor } from './loopSchema';

/**
 * 信用承诺: a subject's public commitment for a scenario (e.g. before a tender), signed by the
 * subject itself and listed on it for everyone. Durable; signing is an audited transition.
 */
export interface Commitment {
  id: string;
  uscc: string;
  /** null for a commitment signed as part of a repair application (repairId) */
  scenario: string | null;
  text: string;
  signedAt: Date;
  signedBy: string;
  repairId: string | null;
}

interface Row {
  id: string;
  uscc: string;
  scenario: string | null;
  text: string;
  signed_at: Date;
  signed_by: string;
  repair_id: string | null;
}

const toCommitment = (r: Row): Commitment => ({ id: r.id, uscc: r.uscc.trim(), scenario: r.scenario, text: r.text, signedAt: r.signed_at, signedBy: r.signed_by, repairId: r.repair_id });

export class CommitmentStore {
  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock = systemClock,
  ) {}

  async sign(input: { uscc: string; scenario: string; text: string }, actor: Actor): Promise<Commitment> {
    const now = this.clock();
    return inTransaction(this.pool, (client) => insertCommitment(client, { ...input, repairId: null }, actor, now));
  }

  async byId(id: string): Promise<Commitment | null> {
    const { rows } = await this.pool.query<Row>(`SELECT * FROM commitments WHERE id = $1`, [id]);
    return rows[0] ? toCommitment(rows[0]) : null;
  }

  async forSubject(uscc: string): Promise<Commitment[]> {
    const { rows } = await this.pool.query<Row>(`SELECT * FROM commitments WHERE uscc = $1 ORDER BY signed_at DESC, id`, [uscc]);
    return rows.map(toCommitment);
  }
}

/** one commitment and its SIGNED transition, inside the caller's transaction (a repair application signs one) */
export async function insertCommitment(
  client: PoolClient,
  input: { uscc: string; scenario: string | null; text: string; repairId: string | null },
  actor: Actor,
  now: Date,
): Promise<Commitment> {
  const id = randomUUID();
  const { rows } = await client.query<Row>(
    `INSERT INTO commitments (id, uscc, scenario, text, signed_at, signed_by, repair_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [id, input.uscc, input.scenario, input.text, now, actor.id, input.repairId],
  );
  await recordEvent(client, { kind: 'commitment', caseId: id, at: now, actor, from: null, to: 'SIGNED', note: input.scenario ?? `repair ${input.repairId}` });
  return toCommitment(rows[0]);
}
