import { getNamedType, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { SUBJECT_KEY } from '../../lib/authz/subgraphShield';
import type { SubgraphContext } from '../../lib/subgraph/createSubgraph';
import { answered } from '../../lib/subgraph/answered';
import { disputeResolvers } from '../../lib/loop/disputes';
import { sourceOf } from '../../lib/subgraph/source';
import type { CourtCases, CourtListType } from './legacyClient';
import type { CourtLoaders } from './loaders';

export const COURT_SYSTEM = '执行信息查询 REST /zxxx/query';

type Context = SubgraphContext<CourtLoaders>;

/** the JudicialProfile field each court list answers */
const LIST_FIELDS: Record<string, CourtListType> = { dishonestDebtor: 'sx', enforcementCases: 'zx', consumptionRestrictions: 'xg' };

interface SubjectRef {
  uscc: string;
}

interface JudicialValue {
  [SUBJECT_KEY]: string;
  /** the lists this request selected: `source` reports when the first of them was fetched */
  lists: CourtListType[];
}

/** Names of the fields selected under this field (fragments, @skip and @include as graphql-js reads them). */
function selectedFieldNames(info: GraphQLResolveInfo): Set<string> {
  const fields = collectSubfields(info.schema, info.fragments, info.variableValues, getNamedType(info.returnType) as GraphQLObjectType, info.fieldNodes);
  return new Set([...fields.values()].map((nodes) => nodes[0]!.name.value));
}

/**
 * The parser (legacyClient.ts) checked and normalized every case: a list is served as it is, each
 * case with its subject (its `dispute` is looked up by subject and case number).
 */
const listOf =
  <L extends CourtListType>(type: L) =>
  async (parent: JudicialValue, _args: unknown, ctx: Context): Promise<CourtCases[L][]> =>
    ((await ctx.loaders[type].load(parent[SUBJECT_KEY])).value ?? []).map((c) => ({ [SUBJECT_KEY]: parent[SUBJECT_KEY], ...c })) as CourtCases[L][];

export const resolvers: GraphQLResolverMap<Context> = {
  ...disputeResolvers('court'),
  Subject: {
    __resolveReference: (ref: SubjectRef): SubjectRef => ({ uscc: ref.uscc }),
    // the two lists the credit check reads; the same loads as its @requires selection asks
    courtAnswered: (subject: SubjectRef, _args: unknown, ctx: Context) => answered([ctx.loaders.sx.load(subject.uscc), ctx.loaders.xg.load(subject.uscc)]),
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
    dishonestDebtor: listOf('sx'),
    enforcementCases: listOf('zx'),
    consumptionRestrictions: listOf('xg'),
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
