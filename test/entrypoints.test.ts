import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createWorld } from '../legacy/world';
import { RECORD_IN } from '../scripts/demoSubject';
import { portInUse } from '../scripts/processes';

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

  it('prints the usage of npm run token on --help to stdout, and on an unknown option to stderr with exit 1', async () => {
    const help = await tsx('scripts/token.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run --silent token -- --role ROLE/);
    expect(help.stdout).toContain('public, government, bank, auditor, subject');
    expect(help.stdout).toContain('npm run --silent token -- --role bank --org bank-a --purpose financing');
    const unknown = await tsx('scripts/token.ts', ['--rol', 'bank']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/Unknown option '--rol'/);
    expect(unknown.stderr).toContain('usage: npm run --silent token -- --role ROLE');
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

  it('keeps only subjects every named department knows with npm run subjects -- --with', async () => {
    const r = await tsx('scripts/subjects.ts', ['--limit', '4', '--with', 'finance,customs']);
    expect(r.code).toBe(0);
    const usccs = r.stdout.trim().split('\n').map((l) => JSON.parse(l).uscc as string);
    expect(usccs).toHaveLength(4);
    const world = createWorld({ size: 10_000, seed: 1 });
    for (const uscc of usccs) expect(world.findByUscc(uscc)).toMatchObject({ finance: expect.any(Object), customs: expect.any(Object) });
    const bad = await tsx('scripts/subjects.ts', ['--with', 'police']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--with takes departments among market, tax, court, customs, finance/);
  });

  it('checks the committed supergraph with npm run compose -- --check', async () => {
    const r = await tsx('schema/compose.ts', ['--check']);
    expect(r.code).toBe(0);
  });
});

/**
 * `npm start` as a user runs it: the whole demo (embedded database, stand-ins, subgraphs, gateway)
 * on ports of its own, in its own process group as a terminal's foreground job, so that SIGINT to
 * the group is a Ctrl-C. Every wait is for a line the processes print, never for a time.
 */
describe('npm start', () => {
  interface Started {
    child: ChildProcess;
    out: () => string;
    err: () => string;
    exited: Promise<number | null>;
    /** resolves once stdout shows `pattern`; rejects if the process exits first */
    printed(pattern: RegExp): Promise<void>;
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-'));
  const started: Started[] = [];

  /**
   * a block of 20 free ports: gateway = base, subgraphs base+1…+6, stand-ins base+11…+15, database
   * base+19; below the kernel's ephemeral range (from 32768), where no listen(0) or outgoing
   * connection elsewhere can take one between this check and the start
   */
  async function portEnv(): Promise<Record<string, string>> {
    for (;;) {
      const base = 20_000 + 20 * Math.floor(Math.random() * 630);
      if ((await portInUse(Array.from({ length: 20 }, (_, i) => base + i))) !== undefined) continue;
      const dir = fs.mkdtempSync(path.join(scratch, 'run-'));
      return {
        PORT: String(base),
        SUBGRAPH_PORT_BASE: String(base),
        LEGACY_PORT_BASE: String(base + 10),
        EMBEDDED_DB_PORT: String(base + 19),
        EMBEDDED_DB_DIR: path.join(dir, 'pglite'),
        AUDIT_CHECKPOINT_DIR: path.join(dir, 'checkpoints'),
      };
    }
  }

  it('refuses a bad setting its services read before starting any of them, in one line naming it', async () => {
    for (const [name, value] of [['LOG_LEVEL', 'loud'], ['EMBEDDED_DB_PORT', 'abc']]) {
      const r = await tsx('scripts/start.ts', [], { [name]: value });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^configuration error: ${name}: `))]);
    }
  });

  it('is the command this test runs: plain node with the tsx loader, not the tsx CLI', () => {
    // The tsx CLI relays a signal to its child and SIGKILLs it unless the child acknowledges within
    // 30 ms: a busy start.ts was killed before it could stop its services (own process groups,
    // so a terminal's Ctrl-C reaches only it), and they kept the ports — a new user's next
    // `npm start` then refused to run. Plain node gets the signal itself.
    const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.start).toBe('node --import tsx scripts/start.ts');
    expect(scripts['start:cluster']).toBe('node --import tsx scripts/cluster.ts');
  });

  function npmStart(env: Record<string, string>): Started {
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/start.ts')], {
      cwd: ROOT,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const printed = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = () => pattern.test(out) && (child.stdout!.off('data', check), resolve());
        child.stdout!.on('data', check);
        check();
        void exited.then((code) => reject(new Error(`npm start exited (${code}) before printing ${pattern}:\n${out}\n${err}`)));
      });
    const s = { child, out: () => out, err: () => err, exited, printed };
    started.push(s);
    return s;
  }

  let env: Record<string, string>;
  let first: Started;
  beforeAll(async () => {
    env = await portEnv();
    first = npmStart(env);
    await first.printed(/Gateway ready at /);
  }, 180_000);

  afterAll(async () => {
    for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) process.kill(-s.child.pid!, 'SIGTERM');
    await Promise.all(started.map((s) => s.exited));
    fs.rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('prints a demo subject that every department knows, with a loan a consenting bank can read', () => {
    const uscc = /Demo subject: (\w{18}) /.exec(first.out())?.[1];
    const subject = createWorld({ size: 10_000, seed: 1 }).findByUscc(uscc ?? '');
    expect(Object.entries(RECORD_IN).filter(([, has]) => !has(subject!)).map(([d]) => d)).toEqual([]);
    expect(subject!.finance!.loanBalanceFen).toBeGreaterThan(0);
    expect(first.out()).toContain(`grantConsent(input: { subject: \\"${uscc}\\"`);
  });

  it('refuses a second npm start on the same ports at once with one line naming the port, never claiming readiness', async () => {
    const second = npmStart(env);
    expect(await second.exited).toBe(1);
    expect(second.err().trim().split('\n')).toEqual([
      `port ${env.PORT} is in use: is another \`npm start\` running? set PORT/SUBGRAPH_PORT_BASE/LEGACY_PORT_BASE/EMBEDDED_DB_PORT`,
    ]);
    expect(second.out()).not.toContain('ready');
  }, 60_000);

  it("is not ready until its own gateway listens, even when something else answers on the gateway's port", async () => {
    const own = await portEnv();
    const starting = npmStart(own);
    // The ports were free when it checked; now, before its gateway starts, another server takes
    // the gateway's port and answers 200 to every request, /readyz included.
    await starting.printed(/\[legacy\] stand-in finance at /);
    const impostor = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => impostor.listen(Number(own.PORT), '127.0.0.1', resolve));
    try {
      expect(await starting.exited).toBe(1);
      expect(starting.out()).not.toContain('Gateway ready');
      expect(starting.err()).toMatch(/start failed: gateway exited before it was ready/);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  }, 180_000);

  it('stops everything on Ctrl-C without cutting a live process off the embedded database', async () => {
    // the consent check and the ledger leave idle connections open in the finance subgraph, the
    // platform and the gateway: what the database cut when it stopped first
    const token = (args: string[]) => tsx('scripts/token.ts', args).then((r) => r.stdout.trim());
    const bank = await token(['--role', 'bank', '--org', 'bank-a', '--purpose', 'financing']);
    const res = await fetch(`http://127.0.0.1:${env.PORT}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bank}` },
      body: JSON.stringify({ query: '{ subject(uscc: "91110101MAAL0CXK0M") { finance { loanBalance } } consents(uscc: "91110101MAAL0CXK0M") { id } }' }),
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['CONSENT_REQUIRED']);
    process.kill(-first.child.pid!, 'SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.err()).not.toMatch(/Connection terminated|terminating connection|exited \(/);
    const ports = [Number(env.PORT), ...Array.from({ length: 6 }, (_, i) => Number(env.SUBGRAPH_PORT_BASE) + i + 1), Number(env.EMBEDDED_DB_PORT)];
    expect(await portInUse(ports)).toBeUndefined();
  }, 60_000);
});
