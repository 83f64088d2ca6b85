import fs from 'node:fs';
import path from 'node:path';
import { buildASTSchema, getNamedType, isLeafType, isNonNullType, isObjectType, parse, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { SECTIONS } from '../../lib/departments';

/**
 * The "full profile" of SPEC §9: every field of every department section of `Subject`
 * (registration, marketSupervision, tax, judicial, customs, finance — provenance included) plus
 * the platform's own fields, generated from the committed supergraph so that fields the teams
 * add are measured too.
 */

export const SUPERGRAPH_FILE = path.join(__dirname, '..', '..', 'schema', 'supergraph.graphql');
/** every department's sections of `Subject`, from the department table */
export { SECTIONS };
const MAX_DEPTH = 4;

function selection(type: GraphQLObjectType, depth: number): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.name.startsWith('__')) continue;
    // a field with a required argument has no "all of it" form; none of the sections has one today
    if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (isObjectType(named) && depth < MAX_DEPTH) parts.push(`${field.name} { ${selection(named, depth + 1)} }`);
  }
  return parts.join(' ');
}

export function loadSupergraphSchema(file = SUPERGRAPH_FILE): GraphQLSchema {
  return buildASTSchema(parse(fs.readFileSync(file, 'utf8')), { assumeValidSDL: true });
}

/** `fragment FullProfile on Subject { … }` */
export function fullProfileFragment(schema: GraphQLSchema = loadSupergraphSchema()): string {
  const subject = schema.getType('Subject');
  if (!isObjectType(subject)) throw new Error('the supergraph has no Subject type');
  const fields = subject.getFields();
  const parts: string[] = [];
  for (const name of Object.keys(fields)) {
    // creditCheck(scenario:) is not profile data: the fan-out scenario measures it on its own
    if (fields[name].args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const named = getNamedType(fields[name].type);
    if (isLeafType(named)) parts.push(name);
    else if (isObjectType(named)) parts.push(`${name} { ${selection(named, 1)} }`);
  }
  for (const s of SECTIONS) if (!fields[s]) throw new Error(`the supergraph's Subject has no ${s} section`);
  return `fragment FullProfile on Subject { ${parts.join(' ')} }`;
}

export function profileQuery(fragment: string): string {
  return `query BenchProfile($uscc: USCC!) { subject(uscc: $uscc) { ...FullProfile } } ${fragment}`;
}

export function batchQuery(fragment: string): string {
  return `query BenchBatch($usccs: [USCC!]!) { subjects(usccs: $usccs) { ...FullProfile } } ${fragment}`;
}
