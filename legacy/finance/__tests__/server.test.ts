import { createWorld, subjectsWhere } from '../../world';
import type { StandIn } from '../../common/StandIn';
import type { Subject, World } from '../../world/types';
import { signFinanceRequest } from '../../../lib/finance/signature';
import { createFinanceStandIn, FINANCE_BATCH_PATH } from '../server';

/** Speaks to the finance platform's stand-in over real HTTP, with signed requests (legacy-systems.md §5). */

const world: World = createWorld({ size: 10000, seed: 1 });
const APP_ID = 'bank-gateway';
const SECRET = 'test-secret';

const findSubjects = (predicate: (s: Subject) => boolean, count: number) => subjectsWhere(world, predicate, { count });

let standIn: StandIn;
beforeAll(async () => {
  standIn = createFinanceStandIn({ world, latencyMs: 0, credentials: { appId: APP_ID, appSecret: SECRET } });
  await standIn.listen(0);
});
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

interface SendOptions {
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  path?: string;
}

async function send({ body = '{"codes":[]}', headers, signal, path = FINANCE_BATCH_PATH }: SendOptions) {
  const res = await fetch(`${standIn.url}${path}`, { method: 'POST', body, signal, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, body: (await res.json()) as any };
}

const signed = (body: string, overrides: Partial<Parameters<typeof signFinanceRequest>[0]> = {}) =>
  signFinanceRequest({ appId: APP_ID, secret: SECRET, method: 'POST', path: FINANCE_BATCH_PATH, body, ...overrides });

async function batch(codes: string[], signal?: AbortSignal) {
  const body = JSON.stringify({ codes });
  return send({ body, headers: signed(body), signal });
}

describe('POST /openapi/v1/credit/batch', () => {
  it('returns each subject’s loans, overdue, guarantees in integer 分 and its rating', async () => {
    const [s] = findSubjects((x) => x.finance !== null, 1);
    const f = s.finance!;
    const { status, body } = await batch([s.uscc]);
    expect(status).toBe(200);
    expect(body).toEqual({
      errcode: 0,
      data: [{ code: s.uscc, dkye: f.loanBalanceFen, yqje: f.overdueFen, yqts: f.overdueDays, dwdbje: f.guaranteesFen, pjjg: f.ratingAgency, pjdj: f.ratingGrade, pjrq: f.ratedOn }],
    });
    expect(Number.isInteger(body.data[0].dkye)).toBe(true);
    expect(body.data[0].pjrq).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('leaves subjects without a finance record and unknown codes absent', async () => {
    const [withRecord] = findSubjects((x) => x.finance !== null, 1);
    const [without] = findSubjects((x) => x.finance === null, 1);
    const { body } = await batch([without.uscc, '91350100M000100Y43', withRecord.uscc]);
    expect(body.data.map((r: any) => r.code)).toEqual([withRecord.uscc]);
  });

  it('accepts 50 codes and refuses 51 with HTTP 400 and errcode 40001', async () => {
    const codes = Array.from({ length: 51 }, (_, i) => world.subject(i).uscc);
    expect((await batch(codes.slice(0, 50))).body.errcode).toBe(0);
    const over = await batch(codes);
    expect(over.status).toBe(400);
    expect(over.body.errcode).toBe(40001);
  });

  it('refuses a body that is not {"codes":[…]} with errcode 40001', async () => {
    for (const body of ['not json', '{"codes":"x"}', '{"codes":[]}', '{"codes":[1]}']) {
      const r = await send({ body, headers: signed(body) });
      expect([r.status, r.body.errcode]).toEqual([400, 40001]);
    }
  });
});

describe('signature', () => {
  const body = JSON.stringify({ codes: [world.subject(0).uscc] });
  const expect401 = async (headers: Record<string, string>, requestBody = body) => {
    const r = await send({ body: requestBody, headers });
    expect(r.status).toBe(401);
    expect(r.body.errcode).toBe(40101);
    expect(r.body.data).toBeUndefined();
  };

  it('refuses an unsigned request', () => expect401({}));

  it('refuses an unknown app id', () => expect401(signed(body, { appId: 'someone-else' })));

  it('refuses a signature made with another secret', () => expect401(signed(body, { secret: 'wrong' })));

  it('refuses a body other than the one signed', () => expect401(signed(body), JSON.stringify({ codes: [world.subject(1).uscc] })));

  it('refuses a signature over another path', () => expect401(signed(body, { path: '/openapi/v1/credit/other' })));

  it('refuses a timestamp more than 300 s old or ahead, and accepts one just inside', async () => {
    await expect401(signed(body, { timestamp: Date.now() - 301_000 }));
    await expect401(signed(body, { timestamp: Date.now() + 301_000 }));
    expect((await send({ body, headers: signed(body, { timestamp: Date.now() - 290_000 }) })).status).toBe(200);
  });

  it('refuses a replayed request: the same nonce a second time', async () => {
    const headers = signed(body);
    expect((await send({ body, headers })).status).toBe(200);
    await expect401(headers);
  });

  it('does not let a forged request use up a nonce', async () => {
    const nonce = `n-${Date.now()}`;
    await expect401(signed(body, { nonce, secret: 'wrong' }));
    expect((await send({ body, headers: signed(body, { nonce }) })).status).toBe(200);
  });

  it('answers 503 系统繁忙 rather than forget a live nonce when its nonce memory is full', async () => {
    const small = createFinanceStandIn({ world, latencyMs: 0, credentials: { appId: APP_ID, appSecret: SECRET }, maxRememberedNonces: 1 });
    try {
      const url = await small.listen(0);
      const post = (headers: Record<string, string>) => fetch(`${url}${FINANCE_BATCH_PATH}`, { method: 'POST', body, headers });
      const first = signed(body);
      expect((await post(first)).status).toBe(200);
      const second = await post(signed(body));
      expect(second.status).toBe(503);
      expect(((await second.json()) as any).errcode).toBe(50001);
      expect((await post(first)).status).toBe(401);
    } finally {
      await small.close();
    }
  });

  it('refuses an empty app secret at construction, naming the variable', () => {
    expect(() => createFinanceStandIn({ world, credentials: { appId: 'a', appSecret: '' } })).toThrow(/FINANCE_APP_SECRET/);
  });

  it('takes its credentials from FINANCE_APP_ID / FINANCE_APP_SECRET, defaulting to dev', async () => {
    const saved = { id: process.env.FINANCE_APP_ID, secret: process.env.FINANCE_APP_SECRET };
    delete process.env.FINANCE_APP_ID;
    delete process.env.FINANCE_APP_SECRET;
    const dev = createFinanceStandIn({ world, latencyMs: 0 });
    for (const [k, v] of [['FINANCE_APP_ID', saved.id], ['FINANCE_APP_SECRET', saved.secret]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    try {
      const url = await dev.listen(0);
      const headers = signFinanceRequest({ appId: 'dev', secret: 'dev', method: 'POST', path: FINANCE_BATCH_PATH, body });
      const res = await fetch(`${url}${FINANCE_BATCH_PATH}`, { method: 'POST', body, headers });
      expect(res.status).toBe(200);
    } finally {
      await dev.close();
    }
  });
});

describe('admin API', () => {
  const admin = (op: string, payload?: unknown) =>
    fetch(`${standIn.url}/__admin/${op}`, payload === undefined ? {} : { method: 'POST', body: JSON.stringify(payload) }).then((r) => r.json());

  it('counts requests and the codes they asked for, until reset', async () => {
    await batch(Array.from({ length: 5 }, (_, i) => world.subject(i).uscc));
    await batch([world.subject(9).uscc]);
    expect(await admin('stats')).toEqual({ requests: 2, keys: 6 });
    await admin('reset', {});
    expect(await admin('stats')).toEqual({ requests: 0, keys: 0 });
  });

  it('fails with HTTP 503 and errcode 50001 系统繁忙 when errorRate is 1', async () => {
    await admin('faults', { errorRate: 1 });
    const r = await batch([world.subject(0).uscc]);
    expect(r).toEqual({ status: 503, body: { errcode: 50001, errmsg: '系统繁忙' } });
  });

  it('never answers while down', async () => {
    await admin('faults', { down: true });
    await expect(batch([world.subject(0).uscc], AbortSignal.timeout(300))).rejects.toThrow();
  });

  it('adds the configured latency to every answer', async () => {
    await admin('faults', { latencyMs: 400 });
    await expect(batch([world.subject(0).uscc], AbortSignal.timeout(150))).rejects.toThrow();
  });
});
