import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertEnumType, assertObjectType, buildASTSchema, parse } from 'graphql';
import { collectAccessPolicies } from '../lib/authz/accessPolicies';

/**
 * STYLE.md's promise, proved: a sixth department is its own subgraph and stand-in folders, one
 * entry in the department table (lib/departments.ts) and one line (with its import) in each
 * registry — nothing else. In a temporary copy of the repository (its files as they are in the
 * working tree, git-ignored ones aside, node_modules linked) the toy department of test/fixtures/sixthDepartment
 * (生态环境, one PUBLIC section) is added exactly so; then composition must give a supergraph with
 * its section, its `Department` enum value and its subgraph, the configuration must give it its
 * port, policy and credentials, and the whole project must pass the type check — which fails
 * wherever a department is still listed by hand (a `Record<Department, …>` missing the new one).
 */

const ROOT = path.join(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'sixthDepartment');
/** each edit goes just above the line holding its anchor comment */
const ANCHOR = 'sixth-department anchor';

const TABLE_ENTRY = `  environment: {
    displayName: 'ecology and environment (生态环境)',
    policy: { timeoutMs: 2000, retries: 1, cacheTtlSeconds: 600, maxStaleSeconds: 86_400, breakerResetMs: 5000 },
    credentials: { token: 'ENVIRONMENT_TOKEN' },
    sections: ['environment'],
  },`;

const EDITS: { file: string; imports?: string; line: string }[] = [
  { file: 'lib/departments.ts', line: TABLE_ENTRY },
  {
    file: 'subgraphs/registry.ts',
    imports: "import * as environment from './environment/server';",
    line: '  environment: { typeDefs: environment.typeDefs, create: environment.createEnvironmentSubgraph },',
  },
  {
    file: 'legacy/standIns.ts',
    imports: "import { createEnvironmentStandIn } from './environment/server';",
    line: '  environment: createEnvironmentStandIn,',
  },
];

/** run from the copy's root; returns stdout, or throws with the output of a failed run */
function run(copy: string, command: string, args: string[]): string {
  const result = spawnSync(path.join(copy, 'node_modules', '.bin', command), args, { cwd: copy, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'development' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function insertAboveAnchor(file: string, imports: string | undefined, line: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.includes(ANCHOR));
  if (at < 0) throw new Error(`${file} has no "${ANCHOR}" line`);
  lines.splice(at, 0, line);
  fs.writeFileSync(file, `${imports ? `${imports}\n` : ''}${lines.join('\n')}`);
}

let copy: string;

beforeAll(() => {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'sixth-department-'));
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked) {
    const from = path.join(ROOT, file);
    // deleted in the working tree and not yet committed; or not a file of the project (a linked
    // node_modules, which `node_modules/` in .gitignore does not match)
    if (!fs.existsSync(from) || !fs.lstatSync(from).isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(from, path.join(copy, file));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

  // the department's own folders…
  fs.cpSync(path.join(FIXTURE, 'subgraph'), path.join(copy, 'subgraphs', 'environment'), { recursive: true });
  fs.cpSync(path.join(FIXTURE, 'standIn'), path.join(copy, 'legacy', 'environment'), { recursive: true });
  // …and the three edits outside them
  for (const edit of EDITS) insertAboveAnchor(path.join(copy, edit.file), edit.imports, edit.line);
});

afterAll(() => {
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

describe('a sixth department', () => {
  it('composes: the supergraph carries its subgraph, its PUBLIC section and its Department enum value', () => {
    run(copy, 'tsx', ['schema/compose.ts']);
    const document = parse(fs.readFileSync(path.join(copy, 'schema', 'supergraph.graphql'), 'utf8'));
    const schema = buildASTSchema(document, { assumeValidSDL: true });
    expect(assertEnumType(schema.getType('Department')).getValues().map((v) => v.name)).toEqual(['MARKET', 'TAX', 'COURT', 'CUSTOMS', 'FINANCE', 'ENVIRONMENT']);
    expect(assertEnumType(schema.getType('join__Graph')).getValues().map((v) => v.name)).toContain('ENVIRONMENT');
    expect(String(assertObjectType(schema.getType('Subject')).getFields().environment?.type)).toBe('EnvironmentProfile');
    expect(collectAccessPolicies(document).get('Subject.environment')).toEqual([['PUBLIC']]);
  });

  it('is configured from its table entry: port after finance, policy variables, credentials from its variable', () => {
    const probe = path.join(copy, 'probeConfig.ts');
    fs.writeFileSync(
      probe,
      `import { loadConfig } from './lib/config';
const c = loadConfig({ ENVIRONMENT_TOKEN: 'secret-token', ENVIRONMENT_TIMEOUT_MS: '1500' });
process.stdout.write(JSON.stringify({ subgraph: c.subgraphUrls.environment, legacy: c.legacyUrls.environment, policy: c.departments.environment, credentials: c.credentials.environment }));
`,
    );
    expect(JSON.parse(run(copy, 'tsx', ['probeConfig.ts']))).toEqual({
      subgraph: 'http://127.0.0.1:4007/graphql',
      legacy: 'http://127.0.0.1:4106',
      policy: { timeoutMs: 1500, retries: 1, cacheTtlSeconds: 600, maxStaleSeconds: 86_400, breakerResetMs: 5000 },
      credentials: { token: 'secret-token' },
    });
    fs.rmSync(probe);
  });

  it('passes the type check of the whole project with no other file touched', () => {
    run(copy, 'tsc', ['--noEmit', '-p', '.']);
  }, 180_000); // ~20 s alone; several times that beside the rest of npm test on 2 cores
});
