import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { SUBJECT_KEY } from '../../lib/authz/subgraphShield';
import { centsToDecimal } from '../../lib/graphql/money';
import type { SubgraphContext } from '../../lib/subgraph/createSubgraph';
import { answered } from '../../lib/subgraph/answered';
import { disputeResolvers } from '../../lib/loop/disputes';
import { sourceOf } from '../../lib/subgraph/source';
import type { CustomsLoaders } from './loaders';

export const CUSTOMS_SYSTEM = '海关企业信用数据接口 /api/mapping + /api/credit.csv';

interface SubjectRef {
  uscc: string;
}

export const resolvers: GraphQLResolverMap<SubgraphContext<CustomsLoaders>> = {
  ...disputeResolvers('customs'),
  Subject: {
    __resolveReference: (ref: SubjectRef): SubjectRef => ({ uscc: ref.uscc }),
    customsAnswered: (subject: SubjectRef, _args: unknown, ctx: SubgraphContext<CustomsLoaders>) => answered([ctx.loaders.customs.load(subject.uscc)]),
    customs: async (subject: SubjectRef, _args: unknown, ctx: SubgraphContext<CustomsLoaders>) => {
      const fetched = await ctx.loaders.customs.load(subject.uscc);
      const c = fetched.value;
      if (!c) return null;
      return {
        // customsCode (GOVERNMENT) and tradeVolumes (FINANCING) are decided per subject
        [SUBJECT_KEY]: subject.uscc,
        customsCode: c.customsCode,
        creditClass: c.creditClass,
        creditClassText: c.creditClassText,
        certifiedOn: c.certifiedOn,
        tradeVolumes: [...c.years]
          .sort((a, b) => a.year - b.year)
          .map((y) => ({
            year: y.year,
            importUsd: centsToDecimal(y.importUsdCents),
            exportUsd: centsToDecimal(y.exportUsdCents),
            violations: y.violations,
          })),
        source: sourceOf('customs', CUSTOMS_SYSTEM, fetched),
      };
    },
  },
};
