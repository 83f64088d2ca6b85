import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, type FieldNode } from 'graphql';
import type { Department } from '../../lib/departments';
import { RECORD_SETS } from '../../lib/credit/recordSets';

/** the `@requires` selection of Subject.creditCheck, as creditCheck.graphql declares it */
function creditCheckRequires(): string {
  const document = parse(fs.readFileSync(path.join(__dirname, 'creditCheck.graphql'), 'utf8'));
  for (const def of document.definitions) {
    if (!('fields' in def) || def.name?.value !== 'Subject') continue;
    const field = def.fields?.find((f) => f.name.value === 'creditCheck');
    const arg = field?.directives?.find((d) => d.name.value === 'requires')?.arguments?.[0]?.value;
    if (arg?.kind === Kind.STRING) return arg.value;
  }
  throw new Error('Subject.creditCheck has no @requires');
}

export const CHECK_REQUIRES = creditCheckRequires();

/**
 * The part of the check's `@requires` one department answers (its sections and
 * `<department>Answered`): what the platform asks that department's subgraph when it evaluates a
 * list on its own, e.g. to confirm a listing a repair is applied for.
 */
export function requiresOf(department: Department): string {
  const sections = new Set(
    Object.values(RECORD_SETS)
      .filter((set) => set.department === department)
      .map((set) => set.path[0].slice('Subject.'.length)),
  );
  const top = parse(`{ ${CHECK_REQUIRES} }`).definitions[0];
  if (top.kind !== Kind.OPERATION_DEFINITION) throw new Error('unreachable: a selection parses as an operation');
  return top.selectionSet.selections
    .filter((s): s is FieldNode => s.kind === Kind.FIELD && (sections.has(s.name.value) || s.name.value === `${department}Answered`))
    .map((s) => print(s))
    .join(' ');
}
