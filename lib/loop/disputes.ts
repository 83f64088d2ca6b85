import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import { SUBJECT_KEY } from '../authz/subgraphShield';
import type { Department } from '../departments';
import { DISPUTABLE_RECORDS, type DisputableType } from './disputableRecords';

/**
 * `dispute { id status dueOn }` on a department's records (标注异议): resolved by the department's
 * own subgraph, so it reaches every consumer who may see the record and nobody else, whichever
 * query reached it. One look-up of the open objections per request, however many records the
 * response holds (DataLoader per request context: a consumer's loader is never another's).
 * The platform owns the table; until it has created it nothing was ever filed.
 */

export interface DisputeValue {
  id: string;
  status: 'OPEN';
  dueOn: string;
}

const UNDEFINED_TABLE = '42P01';
const loaders = new WeakMap<object, DataLoader<string, DisputeValue | null>>();

function loaderFor(ctx: { pool: Pool }): DataLoader<string, DisputeValue | null> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (keys) => {
      const parsed = keys.map((k) => JSON.parse(k) as [string, string, string, string]);
      let rows: { id: string; uscc: string; department: string; record_type: string; record_ref: string; due_on: string }[] = [];
      try {
        ({ rows } = await ctx.pool.query(
          `SELECT id, uscc, department, record_type, record_ref, due_on::text AS due_on FROM objections
            WHERE status = 'OPEN' AND (uscc, department, record_type, record_ref) IN
              (SELECT * FROM unnest($1::char(18)[], $2::text[], $3::text[], $4::text[]))`,
          [parsed.map((p) => p[0]), parsed.map((p) => p[1]), parsed.map((p) => p[2]), parsed.map((p) => p[3])],
        ));
      } catch (e) {
        if ((e as { code?: string }).code !== UNDEFINED_TABLE) throw e;
      }
      const found = new Map(rows.map((r) => [JSON.stringify([r.uscc.trim(), r.department, r.record_type, r.record_ref]), r]));
      return keys.map((k) => {
        const row = found.get(k);
        return row ? { id: row.id, status: 'OPEN' as const, dueOn: row.due_on } : null;
      });
    });
    loaders.set(ctx, loader);
  }
  return loader;
}

/**
 * `{ RecordType: { dispute } }` for every disputable type of a department, to spread into its
 * resolver map. Each record must carry its subject (SUBJECT_KEY) as the section resolvers stamp it.
 */
export function disputeResolvers(department: Department): Record<string, { dispute: (record: Record<string, unknown>, args: unknown, ctx: { pool: Pool }) => Promise<DisputeValue | null> }> {
  const types = (Object.keys(DISPUTABLE_RECORDS) as DisputableType[]).filter((t) => DISPUTABLE_RECORDS[t].department === department);
  return Object.fromEntries(
    types.map((type) => [
      type,
      {
        dispute: async (record: Record<string, unknown>, _args: unknown, ctx: { pool: Pool }) => {
          const uscc = record[SUBJECT_KEY];
          const ref = record[DISPUTABLE_RECORDS[type].ref];
          if (typeof uscc !== 'string' || ref === null || ref === undefined) return null;
          return loaderFor(ctx).load(JSON.stringify([uscc, department, type, String(ref)]));
        },
      },
    ]),
  );
}

/** an open objection as the credit check matches it against its evidence */
export interface OpenObjection {
  id: string;
  department: string;
  recordType: string;
  recordRef: string;
  dueOn: string;
}

/**
 * The open objections of many subjects in one query (a 500-bidder screen), per subject: the
 * credit check names the disputed records among its evidence (标注异议 in the check).
 */
export async function openObjectionsOf(pool: Pool, usccs: readonly string[]): Promise<OpenObjection[][]> {
  const { rows } = await pool.query<{ id: string; uscc: string; department: string; record_type: string; record_ref: string; due_on: string }>(
    `SELECT id, uscc, department, record_type, record_ref, due_on::text AS due_on FROM objections WHERE status = 'OPEN' AND uscc = ANY($1::char(18)[])`,
    [usccs],
  );
  const bySubject = new Map<string, OpenObjection[]>();
  for (const r of rows) {
    const uscc = r.uscc.trim();
    bySubject.set(uscc, [...(bySubject.get(uscc) ?? []), { id: r.id, department: r.department, recordType: r.record_type, recordRef: r.record_ref, dueOn: r.due_on }]);
  }
  return usccs.map((u) => bySubject.get(u) ?? []);
}
