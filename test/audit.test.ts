import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { verifyLedger } from '../lib/audit/verify';
import { subjectsWhere } from '../legacy/world';
import type { Subject } from '../legacy/world/types';
import { startStack, type Stack } from './harness/stack';
import { startTcpProxy, type TcpProxy } from './harness/tcpProxy';

/** The audit ledger (SPEC §8): what is recorded, who can read it, and that tampering shows. */

let stack: Stack;
let pool: Pool;
let subjects: Subject[];

beforeAll(async () => {
  stack = await startStack();
  pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
  subjects = subjectsWhere(stack.world, (s) => s.finance !== null, { count: 3, what: 'subjects with finance records' });
});
afterAll(async () => {
  await pool?.end();
  await stack?.stop();
});

async function grant(subject: string, grantee: string): Promise<string> {
  const { body } = await stack.query(
    `mutation { grantConsent(input: { subject: "${subject}", grantee: "${grantee}", purpose: "financing", expiresAt: "${new Date(Date.now() + 86_400_000).toISOString()}" }) { id } }`,
    { token: await stack.token({ role: 'subject', subject }) },
  );
  return body.data.grantConsent.id;
}

async function entriesOf(requestId: string) {
  const { rows } = await pool.query(
    `SELECT subject, field, decision, reason, consent_id, consumer_org, consumer_role, purpose, operation_name
       FROM audit_entries WHERE request_id = $1 ORDER BY subject, field`,
    [requestId],
  );
  return rows;
}

describe('entries per (request, subject, field)', () => {
  it('records exactly the GRANTED and DENIED fields of a bank batch, with the consent that allowed them', async () => {
    const [a, b] = subjects;
    const consentId = await grant(a.uscc, 'bank-audit');
    const res = await stack.query(`query Batch($u: [USCC!]!) { subjects(usccs: $u) { kind finance { loanBalance overdueDays } } }`, {
      token: await stack.token({ role: 'bank', org: 'bank-audit', purpose: 'financing' }),
      variables: { u: [a.uscc, b.uscc] },
    });
    const requestId = res.headers.get('x-request-id')!;
    const common = { consumer_org: 'bank-audit', consumer_role: 'bank', purpose: 'financing', operation_name: 'Batch' };
    // uscc was not selected by the client: attribution still works.
    expect(await entriesOf(requestId)).toEqual(
      [
        { subject: a.uscc, field: 'FinanceProfile.loanBalance', decision: 'GRANTED', reason: null, consent_id: consentId, ...common },
        { subject: a.uscc, field: 'FinanceProfile.overdueDays', decision: 'GRANTED', reason: null, consent_id: consentId, ...common },
        { subject: a.uscc, field: 'Subject.finance', decision: 'GRANTED', reason: null, consent_id: consentId, ...common },
        { subject: a.uscc, field: 'Subject.kind', decision: 'GRANTED', reason: null, consent_id: null, ...common },
        { subject: b.uscc, field: 'Subject.finance', decision: 'DENIED', reason: 'CONSENT_REQUIRED', consent_id: null, ...common },
        { subject: b.uscc, field: 'Subject.kind', decision: 'GRANTED', reason: null, consent_id: null, ...common },
      ].sort((x, y) => (x.subject + x.field < y.subject + y.field ? -1 : 1)),
    );
  });

  it('records a field refused before planning as DENIED FORBIDDEN', async () => {
    const res = await stack.query(`{ subject(uscc: "${subjects[2].uscc}") { finance { loanBalance } } }`, { token: await stack.token({ role: 'public', org: 'portal' }) });
    expect(await entriesOf(res.headers.get('x-request-id')!)).toEqual([
      expect.objectContaining({ subject: subjects[2].uscc, field: 'Subject.finance', decision: 'DENIED', reason: 'FORBIDDEN' }),
    ]);
  });
});

describe('auditTrail', () => {
  const TRAIL = `query T($f: AuditFilter!, $first: Int, $after: String) {
    auditTrail(filter: $f, first: $first, after: $after) { nodes { at subject field decision consentId consumer { org role } } pageInfo { hasNextPage endCursor } } }`;

  it('answers an auditor: who read FinanceProfile.loanBalance of this subject in the last week', async () => {
    const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const { body } = await stack.query(TRAIL, {
      token: await stack.token({ role: 'auditor', org: 'audit-office' }),
      variables: { f: { uscc: subjects[0].uscc, field: 'FinanceProfile.loanBalance', decision: 'GRANTED', from } },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.auditTrail.nodes).toEqual([
      expect.objectContaining({ subject: subjects[0].uscc, field: 'FinanceProfile.loanBalance', consumer: { org: 'bank-audit', role: 'bank' }, consentId: expect.any(String) }),
    ]);
  });

  it('pages with cursors without repeating or skipping entries', async () => {
    const token = await stack.token({ role: 'auditor', org: 'audit-office' });
    // Reading the trail adds entries; a fixed upper bound keeps the listing still while paging.
    const f = { uscc: subjects[0].uscc, to: new Date().toISOString() };
    const all = (await stack.query(TRAIL, { token, variables: { f, first: 500 } })).body.data.auditTrail.nodes;
    const paged: unknown[] = [];
    let after: string | null = null;
    do {
      const page: any = (await stack.query(TRAIL, { token, variables: { f, first: 2, after } })).body.data.auditTrail;
      paged.push(...page.nodes);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(paged).toEqual(all);
    expect(all.length).toBeGreaterThan(2);
  });

  it('shows a subject its own history and nothing about another subject', async () => {
    const token = await stack.token({ role: 'subject', subject: subjects[1].uscc });
    const own = await stack.query(TRAIL, { token, variables: { f: {} } });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.auditTrail.nodes.length).toBeGreaterThan(0);
    expect(new Set(own.body.data.auditTrail.nodes.map((n: { subject: string }) => n.subject))).toEqual(new Set([subjects[1].uscc]));
    const other = await stack.query(TRAIL, { token, variables: { f: { uscc: subjects[0].uscc } } });
    expect(other.body.data).toBeNull();
    expect(other.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('shows nothing to public, government or bank consumers', async () => {
    for (const role of ['public', 'government', 'bank'] as const) {
      const { body } = await stack.query(TRAIL, { token: await stack.token({ role }), variables: { f: { uscc: subjects[0].uscc } } });
      expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('records the reading of the trail itself', async () => {
    const res = await stack.query(TRAIL, { token: await stack.token({ role: 'auditor', org: 'audit-office-2' }), variables: { f: { uscc: subjects[2].uscc } } });
    expect(await entriesOf(res.headers.get('x-request-id')!)).toEqual([
      expect.objectContaining({ subject: subjects[2].uscc, field: 'Query.auditTrail', decision: 'GRANTED', consumer_org: 'audit-office-2' }),
    ]);
  });
});

describe('tamper evidence', () => {
  const run = promisify(execFile);
  const verifyCli = () =>
    run(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'scripts', 'auditVerify.ts')], { env: { ...process.env, DATABASE_URL: stack.databaseUrl } }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );

  async function middleEntry() {
    const { rows } = await pool.query(`SELECT chain_id, seq, at FROM audit_entries ORDER BY chain_id, seq OFFSET 3 LIMIT 1`);
    return rows[0] as { chain_id: string; seq: string; at: Date };
  }

  it('verifies an untouched ledger, through npm run audit:verify too', async () => {
    const result = await verifyLedger(pool);
    expect(result.ok).toBe(true);
    const cli = await verifyCli();
    expect(cli.code).toBe(0);
    expect(cli.out.trim().split('\n').at(-1)).toBe(`ok ${result.records} records`);
  });

  it('names a changed entry', async () => {
    const e = await middleEntry();
    await pool.query(`UPDATE audit_entries SET decision = CASE decision WHEN 'GRANTED' THEN 'DENIED' ELSE 'GRANTED' END WHERE chain_id = $1 AND seq = $2`, [e.chain_id, e.seq]);
    const result = await verifyLedger(pool);
    expect(result).toMatchObject({ ok: false, problem: expect.stringContaining(`entry ${e.seq} `) });
    expect(!result.ok && result.problem).toMatch(/changed/);
    const cli = await verifyCli();
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`entry ${e.seq}`);
    await pool.query(`UPDATE audit_entries SET decision = CASE decision WHEN 'GRANTED' THEN 'DENIED' ELSE 'GRANTED' END WHERE chain_id = $1 AND seq = $2`, [e.chain_id, e.seq]);
    expect((await verifyLedger(pool)).ok).toBe(true);
  });

  it('names a reordered entry', async () => {
    const e = await middleEntry();
    const next = String(Number(e.seq) + 1);
    await pool.query(`UPDATE audit_entries SET seq = -1 WHERE chain_id = $1 AND seq = $2`, [e.chain_id, e.seq]);
    await pool.query(`UPDATE audit_entries SET seq = $3 WHERE chain_id = $1 AND seq = $2`, [e.chain_id, next, e.seq]);
    await pool.query(`UPDATE audit_entries SET seq = $2 WHERE chain_id = $1 AND seq = -1`, [e.chain_id, next]);
    const result = await verifyLedger(pool);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toContain(`entry ${e.seq} `);
    // put them back
    await pool.query(`UPDATE audit_entries SET seq = -1 WHERE chain_id = $1 AND seq = $2`, [e.chain_id, e.seq]);
    await pool.query(`UPDATE audit_entries SET seq = $3 WHERE chain_id = $1 AND seq = $2`, [e.chain_id, next, e.seq]);
    await pool.query(`UPDATE audit_entries SET seq = $2 WHERE chain_id = $1 AND seq = -1`, [e.chain_id, next]);
    expect((await verifyLedger(pool)).ok).toBe(true);
  });

  it('names a removed last entry (the chain head remembers it)', async () => {
    const { rows } = await pool.query(`SELECT chain_id, max(seq)::text AS seq FROM audit_entries GROUP BY chain_id LIMIT 1`);
    const last = rows[0] as { chain_id: string; seq: string };
    await pool.query(`CREATE TABLE saved_entry AS SELECT * FROM audit_entries WHERE chain_id = $1 AND seq = $2`, [last.chain_id, last.seq]);
    await pool.query(`DELETE FROM audit_entries WHERE chain_id = $1 AND seq = $2`, [last.chain_id, last.seq]);
    expect(await verifyLedger(pool)).toMatchObject({ ok: false, problem: expect.stringContaining(`entry ${last.seq} was removed`) });
    await pool.query(`INSERT INTO audit_entries SELECT * FROM saved_entry`);
    await pool.query(`DROP TABLE saved_entry`);
    expect((await verifyLedger(pool)).ok).toBe(true);
  });

  it('names a removed entry in the middle of a chain', async () => {
    const e = await middleEntry();
    await pool.query(`DELETE FROM audit_entries WHERE chain_id = $1 AND seq = $2`, [e.chain_id, e.seq]);
    expect(await verifyLedger(pool)).toMatchObject({ ok: false, problem: expect.stringContaining(`entry ${e.seq} was removed`) });
    expect((await verifyCli()).code).toBe(1);
  });
});

describe('ledger unreachable', () => {
  let outage: Stack;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    outage = await startStack({ gatewayDatabaseUrl: (url) => url.replace(/@[^/]+\//, `@127.0.0.1:${proxy.port}/`) });
  });
  afterAll(async () => {
    await outage?.stop();
    await proxy?.close();
  });

  it('serves PUBLIC fields and refuses every other class with AUDIT_UNAVAILABLE, then recovers', async () => {
    const s = subjects[0];
    const query = `{ subject(uscc: "${s.uscc}") { kind region { name } finance { loanBalance } } }`;
    const token = await outage.token({ role: 'government', purpose: 'financial-supervision' });
    proxy.cut();
    const down = await outage.query(query, { token });
    expect(down.status).toBe(200);
    expect(down.body.data.subject.kind).toEqual(expect.any(String));
    expect(down.body.data.subject.region.name).toEqual(expect.any(String));
    expect(down.body.data.subject.finance).toBeNull();
    expect(down.body.errors).toEqual([expect.objectContaining({ path: ['subject', 'finance'], extensions: { code: 'AUDIT_UNAVAILABLE' } })]);
    proxy.restore();
    await new Promise((r) => setTimeout(r, 1200));
    const up = await outage.query(query, { token });
    expect(up.body.errors).toBeUndefined();
    expect(up.body.data.subject.finance.loanBalance).toEqual(expect.any(String));
  });
});
