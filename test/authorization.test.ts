import { SignJWT, UnsecuredJWT } from 'jose';
import { Pool } from 'pg';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../lib/auth/internalToken';
import { subjectsWhere } from '../legacy/world';
import type { Subject } from '../legacy/world/types';
import { startStack, type Stack } from './harness/stack';

/** Who may see what (SPEC §5, §7), each rule proved by a request that would succeed without it. */

let stack: Stack;
let pool: Pool;
let withFinance: Subject[];

beforeAll(async () => {
  stack = await startStack();
  pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
  withFinance = subjectsWhere(stack.world, (s) => s.finance !== null, { count: 4, what: 'subjects with finance records' });
});
afterAll(async () => {
  await pool?.end();
  await stack?.stop();
});

const FINANCE_QUERY = (uscc: string) => `{ subject(uscc: "${uscc}") { uscc finance { loanBalance } } }`;

async function grant(subject: string, grantee: string, expiresAt = new Date(Date.now() + 86_400_000).toISOString(), purpose = 'financing'): Promise<string> {
  const token = await stack.token({ role: 'subject', subject });
  const { body } = await stack.query(
    `mutation G($i: GrantConsentInput!) { grantConsent(input: $i) { id status subject grantee purpose } }`,
    { token, variables: { i: { subject, grantee, purpose, expiresAt } } },
  );
  expect(body.errors).toBeUndefined();
  expect(body.data.grantConsent).toMatchObject({ status: 'ACTIVE', subject, grantee, purpose });
  return body.data.grantConsent.id;
}

/** The ledger's entry for one field of one request (the gateway files entries under x-request-id). */
async function entryOf(res: { headers: Headers }, subject: string, field: string) {
  const { rows } = await pool.query(
    `SELECT decision, reason, consent_id, consumer_org, purpose FROM audit_entries WHERE request_id = $1 AND subject = $2 AND field = $3`,
    [res.headers.get('x-request-id'), subject, field],
  );
  return rows;
}

describe('authentication', () => {
  it('refuses a request without a token with HTTP 401 UNAUTHENTICATED', async () => {
    const res = await stack.query(FINANCE_QUERY(withFinance[0].uscc));
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token signed with another key', async () => {
    const forged = await new SignJWT({ role: 'government', org: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer(stack.config.jwt.issuer)
      .setAudience(stack.config.jwt.audience)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-another'));
    expect((await stack.query(FINANCE_QUERY(withFinance[0].uscc), { token: forged })).status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const expired = await stack.token({ role: 'government', ttl: '1s' });
    await new Promise((r) => setTimeout(r, 7000));
    const res = await stack.query(FINANCE_QUERY(withFinance[0].uscc), { token: expired });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0].message).toMatch(/expired/);
  }, 15_000);

  it('refuses a token for another audience and one from another issuer', async () => {
    const jwt = stack.config.jwt as { secret: string; issuer: string; audience: string };
    const sign = (iss: string, aud: string) =>
      new SignJWT({ role: 'government', org: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(iss).setAudience(aud).setExpirationTime('1h').sign(new TextEncoder().encode(jwt.secret));
    expect((await stack.query(FINANCE_QUERY(withFinance[0].uscc), { token: await sign(jwt.issuer, 'someone-else') })).status).toBe(401);
    expect((await stack.query(FINANCE_QUERY(withFinance[0].uscc), { token: await sign('evil', jwt.audience) })).status).toBe(401);
  });

  it('refuses alg: none', async () => {
    const unsigned = new UnsecuredJWT({ role: 'government', org: 'x', sub: 'x' })
      .setIssuer(stack.config.jwt.issuer)
      .setAudience(stack.config.jwt.audience)
      .setExpirationTime('1h')
      .encode();
    expect((await stack.query(FINANCE_QUERY(withFinance[0].uscc), { token: unsigned })).status).toBe(401);
  });

  it('refuses a token with an unknown role', async () => {
    const jwt = stack.config.jwt as { secret: string; issuer: string; audience: string };
    const token = await new SignJWT({ role: 'root', org: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(jwt.issuer).setAudience(jwt.audience).setExpirationTime('1h').sign(new TextEncoder().encode(jwt.secret));
    expect((await stack.query(FINANCE_QUERY(withFinance[0].uscc), { token })).status).toBe(401);
  });
});

describe('subgraphs answer only the gateway', () => {
  const entities = (uscc: string) =>
    JSON.stringify({ query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { finance { loanBalance } } } }`, variables: { r: [{ __typename: 'Subject', uscc }] } });

  it('refuses a direct _entities request without the internal token', async () => {
    const res = await fetch(stack.subgraphUrls.finance, { method: 'POST', headers: { 'content-type': 'application/json' }, body: entities(withFinance[0].uscc) });
    expect(res.status).toBe(401);
    expect(JSON.stringify(await res.json())).not.toContain('loanBalance"');
  });

  it('refuses an internal token signed with another secret', async () => {
    const token = await signInternalToken({ consumer: { id: 'x', org: 'x', role: 'government', purpose: 'financial-supervision', subject: null }, requestId: 'r' }, 'not-the-internal-secret-at-all-0000');
    const res = await fetch(stack.subgraphUrls.finance, { method: 'POST', headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: token }, body: entities(withFinance[0].uscc) });
    expect(res.status).toBe(401);
  });

  it('answers the same request carrying a valid internal token (the refusal is the token, not the query)', async () => {
    const token = await signInternalToken({ consumer: { id: 'x', org: 'x', role: 'government', purpose: 'financial-supervision', subject: null }, requestId: 'r' }, stack.config.internalTokenSecret);
    const res = await fetch(stack.subgraphUrls.finance, { method: 'POST', headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: token }, body: entities(withFinance[0].uscc) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { _entities: { finance: { loanBalance: string } }[] } };
    expect(body.data._entities[0].finance.loanBalance).toMatch(/^\d+\.\d{2}$/);
  });
});

describe('FINANCING fields', () => {
  it('refuses role public statically: null with FORBIDDEN and no subgraph or department asked', async () => {
    const token = await stack.token({ role: 'public' });
    await stack.resetLegacy();
    const before = stack.subgraphRequests();
    const { body } = await stack.query(FINANCE_QUERY(withFinance[0].uscc), { token });
    expect(body.data.subject).toEqual({ uscc: withFinance[0].uscc, finance: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ path: ['subject', 'finance'], extensions: { code: 'FORBIDDEN' } });
    expect(stack.legacyStats().finance.requests).toBe(0);
    // The gateway refused before planning: only the platform was asked (for the Subject root),
    // the finance subgraph not at all — its own shield would also have refused, but later.
    const after = stack.subgraphRequests();
    expect(after.finance - before.finance).toBe(0);
    expect(after.platform - before.platform).toBe(1);
  });

  it('refuses an auditor and a government consumer without the supervision purpose', async () => {
    for (const claims of [{ role: 'auditor' as const }, { role: 'government' as const, purpose: 'market-supervision' }]) {
      const { body } = await stack.query(FINANCE_QUERY(withFinance[0].uscc), { token: await stack.token(claims) });
      expect(body.data.subject.finance).toBeNull();
      expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('lets government with purpose financial-supervision read them', async () => {
    const { body } = await stack.query(FINANCE_QUERY(withFinance[0].uscc), { token: await stack.token({ role: 'government', purpose: 'financial-supervision' }) });
    expect(body.errors).toBeUndefined();
    expect(body.data.subject.finance.loanBalance).toMatch(/^\d+\.\d{2}$/);
  });

  it('gives a bank exactly the subjects with its ACTIVE consent (granted, never granted, revoked, expired, other bank)', async () => {
    const [granted, never, revoked, expired] = withFinance;
    await grant(granted.uscc, 'bank-a');
    const revokedId = await grant(revoked.uscc, 'bank-a');
    await grant(never.uscc, 'bank-b'); // another bank's consent does not count
    const expiredId = await grant(expired.uscc, 'bank-a', new Date(Date.now() + 1500).toISOString());
    const subjectToken = await stack.token({ role: 'subject', subject: revoked.uscc });
    const rv = await stack.query(`mutation { revokeConsent(id: "${revokedId}") { status revokedAt } }`, { token: subjectToken });
    expect(rv.body.data.revokeConsent.status).toBe('REVOKED');
    await new Promise((r) => setTimeout(r, 2000));

    const bank = await stack.token({ role: 'bank', org: 'bank-a', purpose: 'financing' });
    await stack.resetLegacy();
    const { body } = await stack.query(`query Q($u: [USCC!]!) { subjects(usccs: $u) { uscc finance { loanBalance } } }`, {
      token: bank,
      variables: { u: withFinance.map((s) => s.uscc) },
    });
    expect(body.data.subjects[0].finance.loanBalance).toMatch(/^\d+\.\d{2}$/);
    for (const i of [1, 2, 3]) {
      expect(body.data.subjects[i].finance).toBeNull();
      expect(body.errors?.find((e) => e.path?.[1] === i)?.extensions?.code).toBe('CONSENT_REQUIRED');
    }
    // Data minimization: the finance platform was asked only for the consenting subject.
    expect(stack.legacyStats().finance).toEqual({ requests: 1, keys: 1 });

    const listed = await stack.query(`{ consents(uscc: "${expired.uscc}") { id status } }`, { token: await stack.token({ role: 'subject', subject: expired.uscc }) });
    expect(listed.body.data.consents).toEqual([{ id: expiredId, status: 'EXPIRED' }]);
  }, 20_000);

  it('makes a revocation hold for the very next request', async () => {
    const s = withFinance[1];
    const id = await grant(s.uscc, 'bank-c');
    const bank = await stack.token({ role: 'bank', org: 'bank-c', purpose: 'financing' });
    expect((await stack.query(FINANCE_QUERY(s.uscc), { token: bank })).body.data.subject.finance).toEqual({ loanBalance: expect.stringMatching(/^\d+\.\d{2}$/) });
    await stack.query(`mutation { revokeConsent(id: "${id}") { status } }`, { token: await stack.token({ role: 'subject', subject: s.uscc }) });
    const after = await stack.query(FINANCE_QUERY(s.uscc), { token: bank });
    expect(after.body.data.subject.finance).toBeNull();
    expect(after.body.errors?.[0].extensions?.code).toBe('CONSENT_REQUIRED');
  });
});

describe('consent is bound to the purpose the subject agreed to', () => {
  const bankRead = async (uscc: string, org: string, purpose?: string) =>
    stack.query(FINANCE_QUERY(uscc), { token: await stack.token({ role: 'bank', org, ...(purpose === undefined ? {} : { purpose }) }) });
  const needs = (org: string, why: string) => `Subject.finance needs the subject's active consent to ${org} for purpose financing; ${why}`;

  it('refuses a bank token stating another purpose or none with CONSENT_REQUIRED naming the mismatch, recorded DENIED under its purpose', async () => {
    const s = withFinance[0].uscc;
    const consentId = await grant(s, 'bank-p');
    for (const [purpose, why] of [
      ['marketing', "this token's purpose is marketing"],
      [undefined, 'this token states no purpose'],
    ] as const) {
      const res = await bankRead(s, 'bank-p', purpose);
      expect(res.body.data.subject).toEqual({ uscc: s, finance: null });
      expect(res.body.errors).toEqual([expect.objectContaining({ path: ['subject', 'finance'], message: needs('bank-p', why), extensions: expect.objectContaining({ code: 'CONSENT_REQUIRED' }) })]);
      expect(await entryOf(res, s, 'Subject.finance')).toEqual([{ decision: 'DENIED', reason: 'CONSENT_REQUIRED', consent_id: null, consumer_org: 'bank-p', purpose: purpose ?? null }]);
    }
    // The same consent serves the purpose it was given for.
    const res = await bankRead(s, 'bank-p', 'financing');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.subject.finance).toEqual({ loanBalance: expect.stringMatching(/^\d+\.\d{2}$/) });
    expect(await entryOf(res, s, 'FinanceProfile.loanBalance')).toEqual([{ decision: 'GRANTED', reason: null, consent_id: consentId, consumer_org: 'bank-p', purpose: 'financing' }]);
  });

  it('never opens FINANCING data under a consent for another purpose, not even to a token stating that purpose', async () => {
    const s = withFinance[0].uscc;
    await grant(s, 'bank-q', undefined, 'marketing');
    const marketing = await bankRead(s, 'bank-q', 'marketing');
    expect(marketing.body.data.subject.finance).toBeNull();
    expect(marketing.body.errors).toEqual([expect.objectContaining({ message: needs('bank-q', "this token's purpose is marketing"), extensions: expect.objectContaining({ code: 'CONSENT_REQUIRED' }) })]);
    // A financing token finds no financing consent: the marketing one does not answer for it.
    const financing = await bankRead(s, 'bank-q', 'financing');
    expect(financing.body.data.subject.finance).toBeNull();
    expect(financing.body.errors).toEqual([expect.objectContaining({ message: needs('bank-q', 'none is active'), extensions: expect.objectContaining({ code: 'CONSENT_REQUIRED' }) })]);
  });
});

describe('the subject itself', () => {
  it('reads all of its own data and nothing of another subject', async () => {
    const [self, other] = withFinance;
    const token = await stack.token({ role: 'subject', subject: self.uscc });
    const own = await stack.query(FINANCE_QUERY(self.uscc), { token });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.subject.finance.loanBalance).toMatch(/^\d+\.\d{2}$/);
    const theirs = await stack.query(`{ subject(uscc: "${other.uscc}") { uscc kind finance { loanBalance } } }`, { token });
    expect(theirs.body.data.subject).toBeNull();
    expect(theirs.body.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    expect(theirs.body.errors?.[0].message).toContain('a subject token reads only its own code');
  });

  it('alone may grant and revoke its consents', async () => {
    const [self, other] = withFinance;
    const token = await stack.token({ role: 'subject', subject: other.uscc });
    const { body } = await stack.query(
      `mutation { grantConsent(input: { subject: "${self.uscc}", grantee: "bank-z", purpose: "financing", expiresAt: "2099-01-01T00:00:00+08:00" }) { id } }`,
      { token },
    );
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bankTry = await stack.query(
      `mutation { grantConsent(input: { subject: "${self.uscc}", grantee: "bank-z", purpose: "financing", expiresAt: "2099-01-01T00:00:00+08:00" }) { id } }`,
      { token: await stack.token({ role: 'bank', org: 'bank-z' }) },
    );
    expect(bankTry.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('consents(uscc)', () => {
  it('shows a bank only its own grants, an auditor all of them, and refuses public and government', async () => {
    const s = withFinance[2];
    const mine = await grant(s.uscc, 'bank-list-a');
    await grant(s.uscc, 'bank-list-b');
    const q = `{ consents(uscc: "${s.uscc}") { id grantee } }`;
    const bank = await stack.query(q, { token: await stack.token({ role: 'bank', org: 'bank-list-a' }) });
    expect(bank.body.data.consents).toEqual([{ id: mine, grantee: 'bank-list-a' }]);
    const auditor = await stack.query(q, { token: await stack.token({ role: 'auditor' }) });
    expect(auditor.body.data.consents.map((c: { grantee: string }) => c.grantee)).toEqual(expect.arrayContaining(['bank-list-a', 'bank-list-b']));
    for (const role of ['public', 'government'] as const) {
      const res = await stack.query(q, { token: await stack.token({ role }) });
      expect(res.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });
});

describe('health', () => {
  it('answers /healthz and /readyz once serving', async () => {
    const base = stack.gatewayUrl.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
