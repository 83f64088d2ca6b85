import fs from 'node:fs';
import { buildASTSchema, getNullableType, isNonNullType, parse } from 'graphql';
import { collectAccessPolicies } from '../../lib/authz/accessPolicies';
import { isPublicClass } from '../../gateway/resultWalk';
import { SUPERGRAPH_PATH, composeSupergraph } from '../compose';

/** The committed supergraph is what the subgraphs compose to, and carries their classification. */

describe('schema/supergraph.graphql', () => {
  const committed = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');

  it('is fresh: composing the subgraphs gives exactly the committed file (npm run compose)', () => {
    expect(composeSupergraph()).toBe(committed);
  });

  it('carries every @access declaration through @composeDirective', () => {
    const access = collectAccessPolicies(parse(committed));
    expect(access.get('Subject.finance')).toEqual([['FINANCING']]);
    expect(access.get('TaxProfile.annualPayments')).toEqual([['FINANCING']]);
    expect(access.get('TaxRating.grade')).toEqual([['GOVERNMENT'], ['FINANCING'], ['PUBLISHED_TAX_GRADE_A']]);
    expect(access.get('CustomsProfile.customsCode')).toEqual([['GOVERNMENT']]);
    expect(access.get('CustomsProfile.tradeVolumes')).toEqual([['FINANCING']]);
  });

  it('keeps every field classified above PUBLIC nullable, so a refusal nulls only that field', () => {
    const document = parse(committed);
    const schema = buildASTSchema(document, { assumeValidSDL: true });
    const offenders: string[] = [];
    for (const [coordinate, policies] of collectAccessPolicies(document)) {
      if (isPublicClass(policies)) continue;
      const [type, field] = coordinate.split('.');
      const def = (schema.getType(type) as { getFields?: () => Record<string, { type: unknown }> }).getFields?.()[field];
      if (def && isNonNullType(def.type)) offenders.push(`${coordinate}: ${String(getNullableType(def.type as never))}!`);
    }
    expect(offenders).toEqual([]);
  });
});
