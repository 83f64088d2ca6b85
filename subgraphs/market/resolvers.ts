import { getNamedType, type GraphQLError, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { isSelf } from '../../lib/authz/decide';
import { SUBJECT_KEY } from '../../lib/authz/subgraphShield';
import { clientError } from '../../lib/errors';
import { parseUscc } from '../../lib/ids';
import type { Fetched } from '../../lib/legacy/sectionLoader';
import type { SubgraphContext } from '../../lib/subgraph/createSubgraph';
import { answered } from '../../lib/subgraph/answered';
import { disputeResolvers } from '../../lib/loop/disputes';
import { sourceOf, type SourceValue } from '../../lib/subgraph/source';
import { MARKET_MAX_SEARCH_SIZE, type Enterprise } from './legacyClient';
import type { MarketLoaders } from './loaders';

export const MARKET_SYSTEM = '企业登记与信用公示 REST /api/v2';

const MAX_SEARCH_NAME_CHARS = 100;
const DEFAULT_SEARCH_SIZE = 10;

type Context = SubgraphContext<MarketLoaders>;

interface SubjectRef {
  uscc: string;
}

type ListLoader = 'abnormal' | 'penalties';
/** the MarketSupervision field each list loader answers */
const LIST_FIELDS: Record<string, ListLoader> = { abnormalOperations: 'abnormal', penalties: 'penalties' };

interface MarketSupervisionValue {
  [SUBJECT_KEY]: string;
  /** the enterprise look-up that told the subject is known */
  enterprise: Fetched<unknown>;
  /** the lists this request selected: `source` reports on them too */
  lists: ListLoader[];
}

/** The parser (legacyClient.ts) checked and normalized every value: here they are only placed. */
function registration(uscc: string, e: Enterprise, fetched: Fetched<unknown>) {
  // SPEC §7: a natural person's ID number is shown whole only to the subject itself; the
  // loaders hand out the masked form to everyone else (see loaders.ts).
  const { uscc: _uscc, ...fields } = e;
  return { [SUBJECT_KEY]: uscc, ...fields, source: sourceOf('market', MARKET_SYSTEM, fetched) };
}

/** Names of the fields selected under this field (fragments, @skip and @include as graphql-js reads them). */
function selectedFieldNames(info: GraphQLResolveInfo): Set<string> {
  const fields = collectSubfields(info.schema, info.fragments, info.variableValues, getNamedType(info.returnType) as GraphQLObjectType, info.fieldNodes);
  return new Set([...fields.values()].map((nodes) => nodes[0]!.name.value));
}

function badInput(message: string): GraphQLError {
  return clientError('BAD_USER_INPUT', message);
}

/**
 * Market regulation registers the subjects whose code it issued: registration authority 9 (工商,
 * GB 32100-2015). 事业单位, 社会组织 and the other authorities' subjects are not in its register,
 * so asking it about them would only cost calls.
 */
function registeredByMarket(uscc: string): boolean {
  return parseUscc(uscc).registrationAuthority === '9';
}

export const resolvers: GraphQLResolverMap<Context> = {
  ...disputeResolvers('market'),
  Query: {
    searchSubjects: async (_: unknown, args: { name: string; first?: number | null }, ctx: Context): Promise<SubjectRef[]> => {
      const name = args.name.trim();
      if (name === '') throw badInput('searchSubjects(name:) must contain at least one character besides spaces');
      if (Array.from(name).length > MAX_SEARCH_NAME_CHARS) throw badInput(`searchSubjects(name:) takes at most ${MAX_SEARCH_NAME_CHARS} characters`);
      const requested = args.first ?? DEFAULT_SEARCH_SIZE;
      if (requested < 1) throw badInput(`searchSubjects(first:) must be at least 1, got ${requested}`);
      const consumer = ctx.consumer;
      if (consumer.role === 'subject') {
        // A subject may read only itself (SPEC §5): its own record answers the search, and no
        // other enterprise's name is ever fetched on its behalf.
        if (!consumer.subject) return [];
        const own = await ctx.loaders.enterprise.load(consumer.subject);
        return own.value?.name.includes(name) ? [{ uscc: consumer.subject }] : [];
      }
      // more than the register serves in one search is served as its maximum
      const found = await ctx.loaders.search(name, Math.min(requested, MARKET_MAX_SEARCH_SIZE));
      return found.map((row) => ({ uscc: row.TYSHXYDM }));
    },
  },
  Subject: {
    __resolveReference: (ref: SubjectRef): SubjectRef => ({ uscc: ref.uscc }),
    registration: async (subject: SubjectRef, _args: unknown, ctx: Context) => {
      if (!registeredByMarket(subject.uscc)) return null;
      const loader = isSelf(ctx.consumer, subject.uscc) ? ctx.loaders.enterpriseForSelf : ctx.loaders.enterprise;
      const fetched = await loader.load(subject.uscc);
      return fetched.value ? registration(subject.uscc, fetched.value, fetched) : null;
    },
    // market is never asked about codes it did not issue: nothing to fail
    marketAnswered: (subject: SubjectRef, _args: unknown, ctx: Context) =>
      !registeredByMarket(subject.uscc) || answered([ctx.loaders.enterprise.load(subject.uscc), ctx.loaders.abnormal.load(subject.uscc), ctx.loaders.penalties.load(subject.uscc)]),
    marketSupervision: async (subject: SubjectRef, _args: unknown, ctx: Context, info: GraphQLResolveInfo): Promise<MarketSupervisionValue | null> => {
      // Null for subjects market regulation does not know, which takes the enterprise look-up.
      // The lists selected are started alongside it rather than after it, so the section costs
      // one round trip (SPEC §9.1); their own fields pick the same loads up. The price is a
      // penalties call for the few subjects the register turns out not to know.
      if (!registeredByMarket(subject.uscc)) return null;
      const selected = selectedFieldNames(info);
      const lists = Object.entries(LIST_FIELDS).flatMap(([field, loader]) => (selected.has(field) ? [loader] : []));
      // a list's failure is reported by the field that reads it (or not at all, if the section is null)
      for (const loader of lists) ctx.loaders[loader].load(subject.uscc).catch(() => undefined);
      const enterprise = await ctx.loaders.enterprise.load(subject.uscc);
      if (!enterprise.value) return null;
      return { [SUBJECT_KEY]: subject.uscc, enterprise, lists };
    },
  },
  MarketSupervision: {
    abnormalOperations: async (parent: MarketSupervisionValue, _args: unknown, ctx: Context) =>
      ((await ctx.loaders.abnormal.load(parent[SUBJECT_KEY])).value ?? []).map(({ uscc: _uscc, ...entry }) => ({ [SUBJECT_KEY]: parent[SUBJECT_KEY], ...entry })),
    // each record carries its subject: its `dispute` is looked up by (subject, record)
    penalties: async (parent: MarketSupervisionValue, _args: unknown, ctx: Context) =>
      ((await ctx.loaders.penalties.load(parent[SUBJECT_KEY])).value ?? []).map((p) => ({ [SUBJECT_KEY]: parent[SUBJECT_KEY], ...p })),
    source: async (parent: MarketSupervisionValue, _args: unknown, ctx: Context): Promise<SourceValue> => {
      // The same loads as the list fields (no extra call): the oldest answer, stale if any is.
      const settled = await Promise.allSettled(parent.lists.map((loader) => ctx.loaders[loader].load(parent[SUBJECT_KEY])));
      const fetched = [parent.enterprise, ...settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))];
      return sourceOf('market', MARKET_SYSTEM, {
        fetchedAt: fetched.map((f) => f.fetchedAt).sort()[0]!,
        stale: fetched.some((f) => f.stale),
      });
    },
  },
};
