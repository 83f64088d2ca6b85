import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { SUBJECT_KEY } from '../../lib/authz/subgraphShield';
import { centsToDecimal } from '../../lib/graphql/money';
import type { SubgraphContext } from '../../lib/subgraph/createSubgraph';
import { answered } from '../../lib/subgraph/answered';
import { disputeResolvers } from '../../lib/loop/disputes';
import { sourceOf } from '../../lib/subgraph/source';
import type { TaxLoaders } from './loaders';

export const TAX_SYSTEM = '纳税信用查询服务 SOAP NsxyService';

interface SubjectRef {
  uscc: string;
}

const newestFirst = (a: { year: number }, b: { year: number }) => b.year - a.year;

export const resolvers: GraphQLResolverMap<SubgraphContext<TaxLoaders>> = {
  ...disputeResolvers('tax'),
  Subject: {
    __resolveReference: (ref: SubjectRef): SubjectRef => ({ uscc: ref.uscc }),
    taxAnswered: (subject: SubjectRef, _args: unknown, ctx: SubgraphContext<TaxLoaders>) => answered([ctx.loaders.taxpayer.load(subject.uscc)]),
    tax: async (subject: SubjectRef, _args: unknown, ctx: SubgraphContext<TaxLoaders>) => {
      const fetched = await ctx.loaders.taxpayer.load(subject.uscc);
      const t = fetched.value;
      if (!t) return null;
      // `__subject` on every object with classified fields: annualPayments is decided per subject
      // (FINANCING consent), a rating's grade by its own value (PUBLISHED_TAX_GRADE_A reads `grade`).
      return {
        [SUBJECT_KEY]: subject.uscc,
        taxpayerId: t.taxpayerId,
        rating: [...t.ratings].sort(newestFirst).map((r) => ({ [SUBJECT_KEY]: subject.uscc, year: r.year, grade: r.grade })),
        annualPayments: [...t.payments].sort(newestFirst).map((p) => ({ year: p.year, amount: centsToDecimal(p.amountCents) })),
        arrears: t.arrears.map((a) => ({ taxKind: a.taxKind, amount: centsToDecimal(a.amountCents), since: a.since })),
        majorViolations: t.majorViolations.map((v) => ({ [SUBJECT_KEY]: subject.uscc, ...v })),
        source: sourceOf('tax', TAX_SYSTEM, fetched),
      };
    },
  },
};
