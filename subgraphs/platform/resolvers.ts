import { GraphQLError } from 'graphql';
import { parseUscc } from '../../lib/ids';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { SubgraphContext } from '../../lib/subgraph/createSubgraph';
import type { PlatformLoaders } from './loaders';

/** SPEC §6: more codes than this in one `subjects(...)` is QUERY_TOO_COMPLEX. */
export const MAX_SUBJECTS_PER_REQUEST = 500;

interface SubjectRef {
  uscc: string;
}

export const resolvers: GraphQLResolverMap<SubgraphContext<PlatformLoaders>> = {
  Query: {
    subject: (_: unknown, args: { uscc: string }): SubjectRef => ({ uscc: args.uscc }),
    subjects: (_: unknown, args: { usccs: string[] }): SubjectRef[] => {
      if (args.usccs.length > MAX_SUBJECTS_PER_REQUEST) {
        throw new GraphQLError(`subjects(usccs:) takes at most ${MAX_SUBJECTS_PER_REQUEST} codes, got ${args.usccs.length}`, {
          extensions: { code: 'QUERY_TOO_COMPLEX' },
        });
      }
      return args.usccs.map((uscc) => ({ uscc }));
    },
  },
  Subject: {
    // References come from other subgraphs (e.g. market's searchSubjects) already validated.
    __resolveReference: (ref: SubjectRef): SubjectRef => ({ uscc: ref.uscc }),
    kind: (s: SubjectRef) => parseUscc(s.uscc).kind,
    region: (s: SubjectRef) => {
      const { region } = parseUscc(s.uscc);
      return { code: region.code, name: region.name };
    },
    organizationCode: (s: SubjectRef) => parseUscc(s.uscc).organizationCodeFormatted,
  },
};
