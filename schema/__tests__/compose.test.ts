import fs from 'node:fs';
import { buildASTSchema, getNullableType, isNonNullType, Kind, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { collectAccessPolicies } from '../../lib/authz/accessPolicies';
import { isPublicClass } from '../../gateway/resultWalk';
import { DEPARTMENTS, DEPARTMENT_TABLE, departmentConstant } from '../../lib/departments';
import { SUPERGRAPH_PATH, composeSupergraph } from '../compose';

/** The committed supergraph is what the subgraphs compose to, and carries their classification. */

describe('schema/supergraph.graphql', () => {
  const committed = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');

  it('is fresh: composing the subgraphs gives exactly the committed file (npm run compose)', () => {
    expect(composeSupergraph()).toBe(committed);
  });

  it("gives each department of lib/departments.ts exactly the Subject sections its table entry lists", () => {
    const subject = parse(committed).definitions.find((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Subject')!;
    const sectionsByGraph = new Map<string, string[]>();
    for (const field of subject.fields ?? []) {
      for (const directive of field.directives ?? []) {
        const graph = directive.name.value === 'join__field' ? directive.arguments?.find((a) => a.name.value === 'graph')?.value : undefined;
        if (graph?.kind === Kind.ENUM) sectionsByGraph.set(graph.value, [...(sectionsByGraph.get(graph.value) ?? []), field.name.value]);
      }
    }
    sectionsByGraph.delete('PLATFORM');
    // besides its sections, a department that lists feed the credit check states whether its
    // system answered (`<department>Answered`, lib/subgraph/answered.ts): not a section
    for (const [graph, fields] of sectionsByGraph) sectionsByGraph.set(graph, fields.filter((f) => f !== `${graph.toLowerCase()}Answered`));
    expect(Object.fromEntries([...sectionsByGraph].map(([graph, sections]) => [graph, [...sections].sort()]))).toEqual(
      Object.fromEntries(DEPARTMENTS.map((d) => [departmentConstant(d), [...DEPARTMENT_TABLE[d].sections].sort()])),
    );
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
