import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { systemClock, type Clock } from './calendar';
import { inTransaction, recordEvent, type Actor } from './loopSchema';

/**
 * 信用承诺: a subject's public commitment for a scenario (e.g. before a tender), signed by the
 * subject itself and listed on it for everyone. Durable; signing is an audited transition.
 */
export interface Commitment {
  id: string;
  uscc: string;
  scenario: string;
  text: string;
  signedAt: Date;
  signedBy: string;
}

interface Row {
  id: string;
  uscc: string;
  scenario: string;
  text: string;
  signed_at: Date;
  signed_by: string;
}

const toCommitment = (r: Row): Commitment => ({ id: r.id, uscc: r.uscc.trim(), scenario: r.scenario, text: r.text, signedAt: r.signed_at, signedBy: r.signed_by });

export class CommitmentStore {
  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock = systemClock,
  ) {}

  async sign(input: { uscc: string; scenario: string; text: string }, actor: Actor): Promise<Commitment> {
    const now = this.clock();
    const id = randomUUID();
    const row = await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<Row>(
        `INSERT INTO commitments (id, uscc, scenario, text, signed_at, signed_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [id, input.uscc, input.scenario, input.text, now, actor.id],
      );
      await recordEvent(client, { kind: 'commitment', caseId: id, at: now, actor, from: null, to: 'SIGNED', note: input.scenario });
      return rows[0];
    });
    return toCommitment(row);
  }

  async forSubject(uscc: string): Promise<Commitment[]> {
    const { rows } = await this.pool.query<Row>(`SELECT * FROM commitments WHERE uscc = $1 ORDER BY signed_at DESC, id`, [uscc]);
    return rows.map(toCommitment);
  }
}
