import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { SubgraphContext } from '../../lib/subgraph/createSubgraph';
import { sourceOf } from '../../lib/subgraph/source';
import type { FinanceLoaders } from './loaders';

export const FINANCE_SYSTEM = '金融信用信息共享平台 /openapi/v1/credit/batch';

interface SubjectRef {
  uscc: string;
}

export const resolvers: GraphQLResolverMap<SubgraphContext<FinanceLoaders>> = {
  Subject: {
    __resolveReference: (ref: SubjectRef): SubjectRef => ({ uscc: ref.uscc }),
    finance: async (subject: SubjectRef, _args: unknown, ctx: SubgraphContext<FinanceLoaders>) => {
      const fetched = await ctx.loaders.credit.load(subject.uscc);
      const c = fetched.value;
      if (!c) return null;
      // checked and normalized by the parser (legacyClient.ts): only placed here
      const { code: _code, ...credit } = c;
      return { ...credit, source: sourceOf('finance', FINANCE_SYSTEM, fetched) };
    },
  },
};
