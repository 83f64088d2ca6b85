import fs from 'node:fs';
import path from 'node:path';
import { assertObjectType, buildASTSchema, getNamedType, isObjectType, parse, type GraphQLNamedType } from 'graphql';
import { DEPARTMENT_TABLE, type Department } from '../../lib/departments';

/**
 * The smallest selection that makes a department's subgraph call its system: the department's
 * first section (lib/departments.ts) down to its first leaf, `source` aside (the court's source
 * reports on the lists selected beside it and fetches none itself), read from the committed
 * supergraph — so the per-department tests need no map of their own: `registration { name }`,
 * `judicial { dishonestDebtor { caseNumber } }`, …
 */

const schema = buildASTSchema(parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8')), { assumeValidSDL: true });

function firstLeaf(type: GraphQLNamedType): string {
  if (!isObjectType(type)) return '';
  const field = Object.values(type.getFields()).find((f) => f.name !== 'source');
  if (!field) throw new Error(`${type.name} has no field but source`);
  const below = firstLeaf(getNamedType(field.type));
  return below ? `${field.name} { ${below} }` : field.name;
}

/** the department's first section of `Subject` */
export const sectionOf = (d: Department): string => DEPARTMENT_TABLE[d].sections[0]!;

/** `registration { name }`; `also` is selected beside the first leaf, e.g. `source { stale }` */
export function sectionProbe(d: Department, also = ''): string {
  const section = sectionOf(d);
  const field = assertObjectType(schema.getType('Subject')).getFields()[section];
  if (!field) throw new Error(`the supergraph's Subject has no ${section} section`);
  return `${section} { ${firstLeaf(getNamedType(field.type))}${also ? ` ${also}` : ''} }`;
}
