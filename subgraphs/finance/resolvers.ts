import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { centsToDecimal } from '../../lib/graphql/money';
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
      return {
        loanBalance: centsToDecimal(c.dkye),
        overdueAmount: centsToDecimal(c.yqje),
        overdueDays: c.yqts,
        guaranteesGiven: centsToDecimal(c.dwdbje),
        rating: c.pjjg && c.pjdj && c.pjrq ? { agency: c.pjjg, grade: c.pjdj, ratedOn: c.pjrq } : null,
        source: sourceOf('finance', FINANCE_SYSTEM, fetched),
      };
    },
  },
};
