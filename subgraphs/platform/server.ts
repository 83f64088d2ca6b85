import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import type { Config } from '../../lib/config';
import { migrateLoop } from '../../lib/loop/loopSchema';
import { ObjectionStore } from '../../lib/loop/ObjectionStore';
import { RepairStore } from '../../lib/loop/RepairStore';
import { createSubgraph, type Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefsText } from '../../lib/subgraph/loadTypeDefs';
import { CreditCheckStore } from '../../lib/credit/CreditCheckStore';
import { validateCatalogue } from '../../lib/credit/catalogue';
import { CREDIT_CHECK_READS_EXTENSION, createLoaders } from './loaders';
import { loopServices, withLoopResolvers, type LoopOptions } from './loop';
import { resolvers } from './resolvers';
import { withAuditVerification } from './auditVerification';
import { CHECK_REQUIRES } from './checkRequires';

// department: true for the Department enum and Source the credit check re-declares (creditCheck.graphql)
export const typeDefs = parse(
  [loadTypeDefsText(__dirname, { department: true }), fs.readFileSync(path.join(__dirname, 'creditCheck.graphql'), 'utf8')].join('\n'),
);

const CREDIT_CHECK_MAX_BODY_BYTES = 16 * 1024 * 1024;

// A rule reading a field the gateway is not asked for would see it missing: refuse to start.
validateCatalogue({ requires: CHECK_REQUIRES });

export function createPlatformSubgraph(config: Config, options: LoopOptions = {}): Subgraph {
  return createSubgraph({
    name: 'platform',
    typeDefs,
    resolvers: withAuditVerification(withLoopResolvers(resolvers), config.audit),
    // the loop's stores (objections, repairs, commitments) beside the platform's own loaders
    createLoaders: (request, resources) => ({ ...createLoaders(request, resources), loop: loopServices(resources.pool, config, options, request) }),
    config,
    // The platform owns the consents and the credit-check tables.
    onStart: async ({ consentStore, pool }) => {
      await consentStore.migrate();
      await new CreditCheckStore(pool).migrate();
      await migrateLoop(pool);
      await new ObjectionStore(pool).refreshProvisionalDeadlines();
      await new RepairStore(pool).refreshProvisionalDeadlines();
    },
    // A screen's @requires fetch carries 500 subjects' sections (≈1 KiB each, a debtor with 30
    // court cases ≈10 KiB): 256 KiB would refuse it. Its only client is the gateway; the cap still bounds a request.
    maxBodyBytes: CREDIT_CHECK_MAX_BODY_BYTES,
    // the credit checks' reads, for the gateway's ledger
    responseExtensions: (loaders) => (loaders.checkReads.length > 0 ? { [CREDIT_CHECK_READS_EXTENSION]: loaders.checkReads } : undefined),
  });
}
