import { getNamedType, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { SUBJECT_KEY } from '../../lib/authz/subgraphShield';
import { centsToDecimal, decimalToCents } from '../../lib/graphql/money';
import { isIsoDate } from '../../lib/graphql/scalars';
import type { SubgraphContext } from '../../lib/subgraph/createSubgraph';
import { DepartmentUnavailableError } from '../../lib/subgraph/errors';
import { sourceOf } from '../../lib/subgraph/source';
import type { CaseRow, CourtListType } from './legacyClient';
import type { CourtLoaders } from './loaders';

export const COURT_SYSTEM = '执行信息查询 REST /zxxx/query';

type Context = SubgraphContext<CourtLoaders>;

/** the JudicialProfile field each court list answers */
const LIST_FIELDS: Record<string, CourtListType> = { dishonestDebtor: 'sx', enforcementCases: 'zx', consumptionRestrictions: 'xg' };

/** ZT → CaseStatus */
const STATUS: Record<string, string> = { 有效: 'ACTIVE', 已撤销: 'WITHDRAWN' };

interface SubjectRef {
  uscc: string;
}

interface JudicialValue {
  [SUBJECT_KEY]: string;
  /** the lists this request selected: `source` reports when the first of them was fetched */
  lists: CourtListType[];
}

function unusable(what: string): never {
  throw new DepartmentUnavailableError('court', `unusable answer: ${what}`);
}

function date(text: string, field: string): string {
  return isIsoDate(text) ? text : unusable(`${field} is not a YYYY-MM-DD date`);
}

function common(row: CaseRow) {
  return {
    caseNumber: row.AH,
    court: row.ZXFY,
    status: STATUS[row.ZT.trim()] ?? unusable('ZT is not 有效 or 已撤销'),
  };
}

function dishonest(row: CaseRow) {
  return {
    ...common(row),
    filedOn: date(row.LASJ, 'LASJ'),
    obligation: row.YW,
    performance: row.LXQK,
    conduct: row.SXQX,
    publishedOn: date(row.FBSJ, 'FBSJ'),
  };
}

function enforcement(row: CaseRow) {
  const cents = decimalToCents(row.ZXBD);
  return {
    ...common(row),
    filedOn: date(row.LASJ, 'LASJ'),
    amount: cents === undefined ? unusable('ZXBD is not an amount in yuan') : centsToDecimal(cents),
  };
}

function restriction(row: CaseRow) {
  return { ...common(row), publishedOn: date(row.FBSJ, 'FBSJ') };
}

/** Names of the fields selected under this field (fragments, @skip and @include as graphql-js reads them). */
function selectedFieldNames(info: GraphQLResolveInfo): Set<string> {
  const fields = collectSubfields(info.schema, info.fragments, info.variableValues, getNamedType(info.returnType) as GraphQLObjectType, info.fieldNodes);
  return new Set([...fields.values()].map((nodes) => nodes[0]!.name.value));
}

const listOf =
  <T>(type: CourtListType, map: (row: CaseRow) => T) =>
  async (parent: JudicialValue, _args: unknown, ctx: Context): Promise<T[]> =>
    ((await ctx.loaders[type].load(parent[SUBJECT_KEY])).value ?? []).map(map);

export const resolvers: GraphQLResolverMap<Context> = {
  Subject: {
    __resolveReference: (ref: SubjectRef): SubjectRef => ({ uscc: ref.uscc }),
    // No call here: each list is fetched by its own field, only when selected.
    judicial: (subject: SubjectRef, _args: unknown, _ctx: Context, info: GraphQLResolveInfo): JudicialValue => {
      const selected = selectedFieldNames(info);
      return {
        [SUBJECT_KEY]: subject.uscc,
        lists: Object.entries(LIST_FIELDS).flatMap(([field, type]) => (selected.has(field) ? [type] : [])),
      };
    },
  },
  JudicialProfile: {
    dishonestDebtor: listOf('sx', dishonest),
    enforcementCases: listOf('zx', enforcement),
    consumptionRestrictions: listOf('xg', restriction),
    source: async (parent: JudicialValue, _args: unknown, ctx: Context) => {
      // The same loads as the list fields (the loaders dedupe them: no extra call). A failed list
      // reports its own error; the source tells when the first list was fetched, stale if any is.
      const settled = await Promise.allSettled(parent.lists.map((type) => ctx.loaders[type].load(parent[SUBJECT_KEY])));
      const fetched = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      return sourceOf('court', COURT_SYSTEM, {
        fetchedAt: fetched.map((f) => f.fetchedAt).sort()[0] ?? new Date().toISOString(),
        stale: fetched.some((f) => f.stale),
      });
    },
  },
};
