import DataLoader from 'dataloader';
import { visit, type FieldNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
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

interface OpenRow {
  id: string;
  recordType: string;
  recordRef: string;
  dueOn: string;
}

/** per request context (a consumer's loader is never another's), per department */
const loaders = new WeakMap<object, Map<Department, DataLoader<string, OpenRow[]>>>();

/** the open objections to one department's records, by subject: one query per request */
function objectionsLoader(ctx: { pool: Pool }, department: Department): DataLoader<string, OpenRow[]> {
  let byDepartment = loaders.get(ctx);
  if (!byDepartment) loaders.set(ctx, (byDepartment = new Map()));
  let loader = byDepartment.get(department);
  if (!loader) {
    loader = new DataLoader<string, OpenRow[]>(async (usccs) => {
      let rows: { id: string; uscc: string; record_type: string; record_ref: string; due_on: string }[] = [];
      try {
        ({ rows } = await ctx.pool.query(
          `SELECT id, uscc, record_type, record_ref, due_on::text AS due_on FROM objections
            WHERE status = 'OPEN' AND department = $1 AND uscc = ANY($2::char(18)[])`,
          [department, usccs],
        ));
      } catch (e) {
        if ((e as { code?: string }).code !== UNDEFINED_TABLE) throw e;
      }
      const bySubject = new Map<string, OpenRow[]>();
      for (const r of rows) {
        const uscc = r.uscc.trim();
        bySubject.set(uscc, [...(bySubject.get(uscc) ?? []), { id: r.id, recordType: r.record_type, recordRef: r.record_ref, dueOn: r.due_on }]);
      }
      return usccs.map((u) => bySubject.get(u) ?? []);
    });
    byDepartment.set(department, loader);
  }
  return loader;
}

function disputableTypes(department: Department): DisputableType[] {
  return (Object.keys(DISPUTABLE_RECORDS) as DisputableType[]).filter((t) => DISPUTABLE_RECORDS[t].department === department);
}

/**
 * `{ RecordType: { dispute } }` for every disputable type of a department, to spread into its
 * resolver map. Each record must carry its subject (SUBJECT_KEY) as the section resolvers stamp it.
 */
export function disputeResolvers(department: Department): Record<string, { dispute: (record: Record<string, unknown>, args: unknown, ctx: { pool: Pool }) => Promise<DisputeValue | null> }> {
  return Object.fromEntries(
    disputableTypes(department).map((type) => [
      type,
      {
        dispute: async (record: Record<string, unknown>, _args: unknown, ctx: { pool: Pool }) => {
          const uscc = record[SUBJECT_KEY];
          const ref = record[DISPUTABLE_RECORDS[type].ref];
          if (typeof uscc !== 'string' || ref === null || ref === undefined) return null;
          const open = (await objectionsLoader(ctx, department).load(uscc)).find((o) => o.recordType === type && o.recordRef === String(ref));
          return open ? { id: open.id, status: 'OPEN', dueOn: open.dueOn } : null;
        },
      },
    ]),
  );
}

const selectsDisputeCache = new WeakMap<OperationDefinitionNode, boolean>();

/** whether the operation asks for `dispute` anywhere (fragments included); the gateway's fetches repeat one document per plan */
function selectsDispute(info: GraphQLResolveInfo): boolean {
  let answer = selectsDisputeCache.get(info.operation);
  if (answer === undefined) {
    let found = false;
    const look = {
      Field(node: FieldNode) {
        if (node.name.value === 'dispute') found = true;
      },
    };
    visit(info.operation, look);
    for (const fragment of Object.values(info.fragments)) visit(fragment, look);
    answer = found;
    selectsDisputeCache.set(info.operation, answer);
  }
  return answer;
}

/**
 * Starts each subject's objection look-up as the gateway's reference reaches the department's
 * subgraph, when the operation asks for `dispute`: the query runs while the legacy system is
 * asked, instead of after its answer on the way back (a database round trip on the critical
 * path of every section with records). The records' `dispute` fields read the same load.
 */
export function withDisputePrefetch<TResolvers extends { Subject?: object }>(department: Department, resolvers: TResolvers): TResolvers {
  const subject = resolvers.Subject as { __resolveReference?: (ref: { uscc: string }, ctx: { pool: Pool }, info: GraphQLResolveInfo) => unknown } | undefined;
  const resolveReference = subject?.__resolveReference;
  if (!resolveReference || disputableTypes(department).length === 0) return resolvers;
  return {
    ...resolvers,
    Subject: {
      ...subject,
      __resolveReference(ref: { uscc: string }, ctx: { pool: Pool }, info: GraphQLResolveInfo) {
        // a failure is the dispute field's to report, when it reads the load
        if (typeof ref.uscc === 'string' && selectsDispute(info)) objectionsLoader(ctx, department).load(ref.uscc).catch(() => undefined);
        return resolveReference(ref, ctx, info);
      },
    },
  };
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
