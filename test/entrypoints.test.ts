import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/** The commands of SPEC §3 and §4 as a user runs them: exit codes and what they print. */

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const tsx = (entry: string, args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', path.join(ROOT, entry), ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('entry points', () => {
  it('stops the gateway at start with one line naming a bad variable', async () => {
    const r = await tsx('gateway/index.ts', [], { PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^configuration error: PORT: /)]);
  });

  it('stops a subgraph at start with one line naming a bad variable', async () => {
    const r = await tsx('subgraphs/tax/index.ts', [], { TAX_TIMEOUT_MS: 'soon' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^configuration error: TAX_TIMEOUT_MS: /)]);
  });

  it('prints only a token for npm run token, and refuses an unknown role', async () => {
    const ok = await tsx('scripts/token.ts', ['--role', 'bank', '--org', 'bank-a', '--purpose', 'financing']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const bad = await tsx('scripts/token.ts', ['--role', 'root']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
  });

  it('prints demo subjects one JSON object a line', async () => {
    const r = await tsx('scripts/subjects.ts', ['--limit', '3']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(Object.keys(l)).toEqual(['uscc', 'name']);
  });

  it('checks the committed supergraph with npm run compose -- --check', async () => {
    const r = await tsx('schema/compose.ts', ['--check']);
    expect(r.code).toBe(0);
  });
});
