import { Pool } from 'pg';
import { subjectsWhere } from '../legacy/world';
import type { Subject } from '../legacy/world/types';
import { startStack, type Stack } from './harness/stack';
import { startTcpProxy, type TcpProxy } from './harness/tcpProxy';

/** The audit ledger (SPEC §8): what is recorded, who can read it, and failing closed. Tampering: auditTampering.test.ts. */

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
        // Refused, and with it each field the bank asked for below it (SPEC §8: every field asked and refused).
        { subject: b.uscc, field: 'FinanceProfile.loanBalance', decision: 'DENIED', reason: 'CONSENT_REQUIRED', consent_id: null, ...common },
        { subject: b.uscc, field: 'FinanceProfile.overdueDays', decision: 'DENIED', reason: 'CONSENT_REQUIRED', consent_id: null, ...common },
        { subject: b.uscc, field: 'Subject.finance', decision: 'DENIED', reason: 'CONSENT_REQUIRED', consent_id: null, ...common },
        { subject: b.uscc, field: 'Subject.kind', decision: 'GRANTED', reason: null, consent_id: null, ...common },
      ].sort((x, y) => (x.subject + x.field < y.subject + y.field ? -1 : 1)),
    );
  });

  it('records a field refused before planning as DENIED FORBIDDEN, with the fields asked below it', async () => {
    const res = await stack.query(`{ subject(uscc: "${subjects[2].uscc}") { finance { loanBalance } } }`, { token: await stack.token({ role: 'public', org: 'portal' }) });
    expect(await entriesOf(res.headers.get('x-request-id')!)).toEqual([
      expect.objectContaining({ subject: subjects[2].uscc, field: 'FinanceProfile.loanBalance', decision: 'DENIED', reason: 'FORBIDDEN' }),
      expect.objectContaining({ subject: subjects[2].uscc, field: 'Subject.finance', decision: 'DENIED', reason: 'FORBIDDEN' }),
    ]);
  });
});

describe('refusals: every field asked for and refused is an entry (SPEC §8), whatever alias the gateway uses', () => {
  const ASKED = ['FinanceProfile.loanBalance', 'Registration.name', 'Subject.finance', 'Subject.kind', 'Subject.registration'];
  const deniedRows = (uscc: string) => ASKED.map((field) => expect.objectContaining({ subject: uscc, field, decision: 'DENIED', reason: 'FORBIDDEN', consumer_role: 'subject' }));
  // The gateway selects Subject.uscc under a private alias for attribution: no error may point
  // there, only at paths the client selected, and each says why.
  const expectRefusedAt = (errors: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] | undefined, selected: (string | number)[][]) => {
    expect(errors?.length).toBeGreaterThan(0);
    for (const e of errors ?? []) {
      expect(selected.map((p) => JSON.stringify(p))).toContain(JSON.stringify(e.path));
      expect(e).toMatchObject({ message: expect.stringContaining('a subject token reads only its own code'), extensions: { code: 'FORBIDDEN' } });
    }
  };

  it("records each field a subject token asked of another subject as DENIED, with the error at the subject it selected saying why", async () => {
    const [a, b] = subjects;
    const res = await stack.query(`{ subject(uscc: "${a.uscc}") { kind registration { name } finance { loanBalance } } }`, { token: await stack.token({ role: 'subject', subject: b.uscc }) });
    expect(res.body.data).toEqual({ subject: null });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: ['subject'], message: `Not authorized to read subject ${a.uscc}: a subject token reads only its own code`, extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    expect(await entriesOf(res.headers.get('x-request-id')!)).toEqual(deniedRows(a.uscc));
  });

  it('does the same through aliases, fragments, inline fragments and variables', async () => {
    const [a, b] = subjects;
    const res = await stack.query(
      `query Q($u: USCC!) { them: subject(uscc: $u) { ...F } }
       fragment F on Subject { k: kind ... on Subject { reg: registration { n: name } } money: finance { lb: loanBalance } }`,
      { token: await stack.token({ role: 'subject', subject: b.uscc }), variables: { u: a.uscc } },
    );
    expect(res.body.data).toEqual({ them: null });
    expectRefusedAt(res.body.errors, [['them'], ['them', 'k'], ['them', 'reg'], ['them', 'reg', 'n'], ['them', 'money'], ['them', 'money', 'lb']]);
    expect(await entriesOf(res.headers.get('x-request-id')!)).toEqual(deniedRows(a.uscc));
  });

  it('records its own fields GRANTED and the other subject\'s DENIED in one batch', async () => {
    const [a, b] = subjects;
    const res = await stack.query(`query($u: [USCC!]!) { subjects(usccs: $u) { kind registration { name } finance { loanBalance } } }`, {
      token: await stack.token({ role: 'subject', subject: b.uscc }),
      variables: { u: [b.uscc, a.uscc] },
    });
    expect(res.body.data.subjects[0].kind).toEqual(expect.any(String));
    expect(res.body.data.subjects[1]).toBeNull();
    // Only the other subject is refused (its own sections could at worst be DEPARTMENT_UNAVAILABLE on a busy machine).
    const refusals = res.body.errors?.filter((e) => e.extensions?.code !== 'DEPARTMENT_UNAVAILABLE');
    expectRefusedAt(refusals, [['subjects', 1], ['subjects', 1, 'kind'], ['subjects', 1, 'registration'], ['subjects', 1, 'registration', 'name'], ['subjects', 1, 'finance'], ['subjects', 1, 'finance', 'loanBalance']]);
    const rows = await entriesOf(res.headers.get('x-request-id')!);
    expect(rows.filter((r) => r.subject === a.uscc)).toEqual(deniedRows(a.uscc));
    expect(rows.filter((r) => r.subject === b.uscc && r.decision === 'DENIED')).toEqual([]);
    expect(rows).toContainEqual(expect.objectContaining({ subject: b.uscc, field: 'Subject.kind', decision: 'GRANTED' }));
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

describe('ledger unreachable', () => {
  let outage: Stack;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    outage = await startStack({
      env: { AUDIT_COMMIT_TIMEOUT_MS: '500' },
      gatewayDatabaseUrl: (url) => url.replace(/@[^/]+\//, `@127.0.0.1:${proxy.port}/`),
    });
  });
  afterAll(async () => {
    await outage?.stop();
    await proxy?.close();
  });

  // refused: connections cut and refused; hung: connections open, nothing answered (a stopped
  // server, a silent partition), answered within jest's timeout only by the commit's own deadline
  it.each([
    { outage: 'refused', start: () => proxy.cut(), end: () => proxy.restore(), subject: 0 },
    { outage: 'hung', start: () => proxy.hold(), end: () => proxy.release(), subject: 1 },
  ])('$outage: serves PUBLIC fields and refuses every other class with AUDIT_UNAVAILABLE, then recovers', async ({ start, end, subject }) => {
    const s = subjects[subject]!;
    const query = `{ subject(uscc: "${s.uscc}") { kind region { name } finance { loanBalance } } }`;
    const token = await outage.token({ role: 'government', purpose: 'financial-supervision' });
    start();
    const down = await outage.query(query, { token });
    expect(down.status).toBe(200);
    expect(down.body.data.subject.kind).toEqual(expect.any(String));
    expect(down.body.data.subject.region.name).toEqual(expect.any(String));
    expect(down.body.data.subject.finance).toBeNull();
    expect(down.body.errors).toEqual([expect.objectContaining({ path: ['subject', 'finance'], extensions: { code: 'AUDIT_UNAVAILABLE' } })]);
    end();
    await new Promise((r) => setTimeout(r, 1200));
    const up = await outage.query(query, { token });
    expect(up.body.errors).toBeUndefined();
    expect(up.body.data.subject.finance.loanBalance).toEqual(expect.any(String));
  });
});
