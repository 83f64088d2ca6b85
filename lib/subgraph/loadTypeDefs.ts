import fs from 'node:fs';
import path from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import { departmentEnumSdl } from '../departments';

const SHARED = fs.readFileSync(path.join(__dirname, 'shared.graphql'), 'utf8');
// the enum comes from the department table, so a new department cannot be missing from it
const DEPARTMENT = `${departmentEnumSdl()}\n${fs.readFileSync(path.join(__dirname, 'department.graphql'), 'utf8')}`;

/**
 * A subgraph's SDL: the shared header (federation link, @access, scalars), for departments the
 * `Department` enum and the shared `Source` type, then the subgraph's own `schema.graphql`.
 * Used by the server and by composition alike, so both see exactly the same schema.
 */
export function loadTypeDefsText(dir: string, options: { department: boolean }): string {
  const own = fs.readFileSync(path.join(dir, 'schema.graphql'), 'utf8');
  return [SHARED, options.department ? DEPARTMENT : '', own].join('\n');
}

export function loadTypeDefs(dir: string, options: { department: boolean }): DocumentNode {
  return parse(loadTypeDefsText(dir, options));
}
