import { clientError } from '../../lib/errors';
import { parseUscc } from '../../lib/ids';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { SubgraphContext } from '../../lib/subgraph/createSubgraph';
import { auditTrail } from './auditTrail';
import { grantConsent, listConsents, revokeConsent, type GrantInput } from './consents';
import { creditCheck } from './creditCheck';
import { creditChecks, recordMeasure } from './creditFeedback';
import type { PlatformLoaders } from './loaders';

/** SPEC §6: more codes than this in one `subjects(...)` is QUERY_TOO_COMPLEX. */
export const MAX_SUBJECTS_PER_REQUEST = 500;

interface SubjectRef {
  uscc: string;
}

function subjectRefs(field: string, usccs: string[]): SubjectRef[] {
  if (usccs.length > MAX_SUBJECTS_PER_REQUEST) {
    throw clientError('QUERY_TOO_COMPLEX', `${field}(usccs:) takes at most ${MAX_SUBJECTS_PER_REQUEST} codes, got ${usccs.length}`);
  }
  return usccs.map((uscc) => ({ uscc }));
}

export const resolvers: GraphQLResolverMap<SubgraphContext<PlatformLoaders>> = {
  Query: {
    subject: (_: unknown, args: { uscc: string }): SubjectRef => ({ uscc: args.uscc }),
    subjects: (_: unknown, args: { usccs: string[] }): SubjectRef[] => subjectRefs('subjects', args.usccs),
    // the screen's subjects; each `creditCheck(scenario:)` under it is resolved from the batched sections
    checkSubjects: (_: unknown, args: { usccs: string[] }): SubjectRef[] => subjectRefs('checkSubjects', args.usccs),
    creditChecks: (_: unknown, args: Parameters<typeof creditChecks>[1], ctx: SubgraphContext<PlatformLoaders>) => creditChecks(ctx, args),
    consents: (_: unknown, args: { uscc: string }, ctx: SubgraphContext<PlatformLoaders>) => listConsents(ctx.consentStore, ctx.consumer, args.uscc),
    auditTrail: (_: unknown, args: Parameters<typeof auditTrail>[2], ctx: SubgraphContext<PlatformLoaders>) => auditTrail(ctx.pool, ctx.consumer, args),
  },
  Mutation: {
    grantConsent: (_: unknown, args: { input: GrantInput }, ctx: SubgraphContext<PlatformLoaders>) =>
      grantConsent(ctx.consentStore, ctx.consumer, args.input),
    revokeConsent: (_: unknown, args: { id: string }, ctx: SubgraphContext<PlatformLoaders>) => revokeConsent(ctx.consentStore, ctx.consumer, args.id),
    recordMeasure: (_: unknown, args: Parameters<typeof recordMeasure>[1], ctx: SubgraphContext<PlatformLoaders>) => recordMeasure(ctx, args),
  },
  Consent: {
    // Serialized as ISO 8601 with offset (DateTime).
    grantedAt: (c: { grantedAt: Date }) => c.grantedAt.toISOString(),
    expiresAt: (c: { expiresAt: Date }) => c.expiresAt.toISOString(),
    revokedAt: (c: { revokedAt: Date | null }) => c.revokedAt?.toISOString() ?? null,
  },
  Subject: {
    // References come from other subgraphs (e.g. market's searchSubjects) already validated.
    // with the credit check's @requires sections when the gateway fetched them for it
    __resolveReference: (ref: SubjectRef): SubjectRef => ref,
    kind: (s: SubjectRef) => parseUscc(s.uscc).kind,
    region: (s: SubjectRef) => {
      const { region } = parseUscc(s.uscc);
      return { code: region.code, name: region.name };
    },
    organizationCode: (s: SubjectRef) => parseUscc(s.uscc).organizationCodeFormatted,
    creditCheck: (s: Parameters<typeof creditCheck>[0], args: Parameters<typeof creditCheck>[1], ctx: SubgraphContext<PlatformLoaders>) => creditCheck(s, args, ctx),
  },
};
