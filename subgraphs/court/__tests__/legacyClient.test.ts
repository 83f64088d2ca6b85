import type { StandIn } from '../../../legacy/common/StandIn';
import { createCourtStandIn } from '../../../legacy/court/server';
import { createWorld, subjectsWhere } from '../../../legacy/world';
import type { CourtCase, Subject, World } from '../../../legacy/world/types';
import { courtOrganizationCode } from '../../../lib/ids';
import { fakeClock, turn, watch } from '../../../lib/legacy/__tests__/scriptedSystem';
import { DepartmentUnavailableError, MalformedRecordError } from '../../../lib/subgraph/errors';
import { COURT_MAX_IN_FLIGHT, COURT_PAGE_SIZE, COURT_QUEUE_TIMEOUT_MS, CourtClient, parsePage } from '../legacyClient';

const find = (world: World, predicate: (s: Subject) => boolean, what: string, count = 1) => subjectsWhere(world, predicate, { what, count });

/** yuan with two decimals on the digits, independently of the stand-in's arithmetic */
function yuan(fen: number): string {
  const digits = String(fen).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

const STATUS = { 有效: 'ACTIVE', 已撤销: 'WITHDRAWN' } as const;

/** each list's case as the adapter normalizes it: the fields its section shows */
const expected = {
  sx: (c: CourtCase) => ({
    caseNumber: c.caseNumber,
    court: c.court,
    status: STATUS[c.status],
    filedOn: c.filedOn,
    obligation: c.obligation,
    performance: c.performance,
    conduct: c.conduct,
    publishedOn: c.publishedOn,
  }),
  zx: (c: CourtCase) => ({ caseNumber: c.caseNumber, court: c.court, status: STATUS[c.status], filedOn: c.filedOn, amount: yuan(c.amountFen) }),
  xg: (c: CourtCase) => ({ caseNumber: c.caseNumber, court: c.court, status: STATUS[c.status], publishedOn: c.publishedOn }),
};

const pagesOf = (n: number) => Math.max(1, Math.ceil(n / COURT_PAGE_SIZE));

const unavailable = (o: PromiseSettledResult<unknown> | undefined, reason: RegExp) =>
  o?.status === 'rejected' && o.reason instanceof DepartmentUnavailableError && reason.test(o.reason.message);

describe('CourtClient against the court stand-in (执行信息查询)', () => {
  let world: World;
  let standIn: StandIn;
  let url: string;
  const clients: CourtClient[] = [];
  const newClient = (options: { timeoutMs?: number } = {}, baseUrl = url) => {
    const client = new CourtClient({ baseUrl, ...options });
    clients.push(client);
    return client;
  };
  /** courts of one test that hang; closing one drops its hung connections */
  const hungCourts: StandIn[] = [];
  async function hungCourt(options: { timeoutMs: number }): Promise<{ court: StandIn; client: CourtClient }> {
    const court = createCourtStandIn({ world, latencyMs: 0 });
    hungCourts.push(court);
    const client = newClient(options, await court.listen(0));
    court.setFaults({ down: true });
    return { court, client };
  }
  afterEach(async () => {
    // before any client closes: a client's close waits for its calls in flight
    await Promise.all(hungCourts.splice(0).map((c) => c.close()));
    jest.useRealTimers();
  });

  beforeAll(async () => {
    world = createWorld({ size: 10000, seed: 1 });
    // a little latency, so that concurrent queries really overlap at the court
    standIn = createCourtStandIn({ world, latencyMs: 5 });
    url = await standIn.listen(0);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await standIn.close();
  });
  beforeEach(() => standIn.reset());

  describe('reading lists', () => {
    it('returns each list (sx, zx, xg) of a subject as the world holds it', async () => {
      const [s] = find(
        world,
        (x) => x.court.dishonest.length > 0 && x.court.restrictions.length > 0 && x.court.enforcement.length <= COURT_PAGE_SIZE,
        'dishonest debtors under a restriction with one page of cases',
      );
      const client = newClient();
      const code = courtOrganizationCode(s!.uscc);
      expect(await client.cases(code, 'sx')).toEqual(s!.court.dishonest.map(expected.sx));
      expect(await client.cases(code, 'zx')).toEqual(s!.court.enforcement.map(expected.zx));
      expect(await client.cases(code, 'xg')).toEqual(s!.court.restrictions.map(expected.xg));
      expect(standIn.stats()).toEqual({ requests: 3, keys: 3 });
    });

    it('reads every page of a list longer than one page of 20', async () => {
      const [s] = find(world, (x) => x.court.enforcement.length > 2 * COURT_PAGE_SIZE, 'subjects with more than 40 enforcement cases');
      const rows = await newClient().cases(courtOrganizationCode(s!.uscc), 'zx');
      expect(rows).toEqual(s!.court.enforcement.map(expected.zx));
      expect(standIn.stats().requests).toBe(pagesOf(s!.court.enforcement.length));
    });

    it('makes one call and returns no case for a subject the court does not know', async () => {
      const [s] = find(world, (x) => x.court.enforcement.length === 0, 'subjects without cases');
      expect(await newClient().cases(courtOrganizationCode(s!.uscc), 'sx')).toEqual([]);
      expect(standIn.stats().requests).toBe(1);
    });

    it('fails the list of a subject with a malformed case (LASJ 2023-13-45), naming the case, without retrying', async () => {
      const [s] = find(world, (x) => x.court.dishonest.length > 0, 'dishonest debtors');
      standIn.setFaults({ malformed: [s!.uscc] });
      const code = courtOrganizationCode(s!.uscc);
      const error = await newClient().cases(code, 'sx').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MalformedRecordError);
      expect(error).toMatchObject({ record: `${code} ${s!.court.dishonest[0]!.caseNumber}`, problem: 'LASJ "2023-13-45" is not a YYYY-MM-DD date' });
      expect(standIn.stats().requests).toBe(1);
    });

    it('refuses a code not written XXXXXXXX-C before calling the court', async () => {
      await expect(newClient().cases(world.subject(0).organizationCode, 'sx')).rejects.toThrow(/XXXXXXXX-C/);
      expect(standIn.stats().requests).toBe(0);
    });
  });

  describe('the courts’ limit of 8 requests in flight', () => {
    /** 30 subjects, litigious ones first, so that page follow-ups compete with first pages */
    const subjects = () => [
      ...find(world, (x) => x.court.enforcement.length > COURT_PAGE_SIZE, 'litigious subjects', 10),
      ...find(world, (x) => x.court.enforcement.length > 0 && x.court.enforcement.length <= COURT_PAGE_SIZE, 'subjects with a few cases', 10),
      ...find(world, (x) => x.court.enforcement.length === 0, 'subjects without cases', 10),
    ];

    it('would be tripped by 30 concurrent requests of one client (the stand-in answers 429)', async () => {
      // slow answers, so that the 30 surely overlap
      standIn.setFaults({ latencyMs: 200 });
      const statuses = await Promise.all(
        subjects().map(async (s) => (await fetch(`${url}/zxxx/query?zzjgdm=${courtOrganizationCode(s.uscc)}&type=zx&pageNo=1&pageSize=20`)).status),
      );
      expect(statuses).toContain(429);
    });

    it('answers 30 concurrent queries completely without ever causing a 429', async () => {
      const list = subjects();
      const client = newClient();
      const results = await Promise.all(list.map((s) => client.cases(courtOrganizationCode(s.uscc), 'zx')));
      results.forEach((rows, i) => expect(rows).toEqual(list[i]!.court.enforcement.map(expected.zx)));
      // every request the court saw was one page of the answer: a 429 (and its retry) would show here
      const pages = list.reduce((n, s) => n + pagesOf(s.court.enforcement.length), 0);
      expect(pages).toBeGreaterThan(30);
      expect(standIn.stats()).toEqual({ requests: pages, keys: pages });
    });

    it('serves a batch in turns even when the turns take longer than one call’s deadline', async () => {
      const codes = Array.from({ length: 400 }, (_, i) => courtOrganizationCode(world.subject(i).uscc));
      // 400 calls, 8 at a time, 25 ms or more each: 50 turns, at least 1.25 s, against a 1 s
      // deadline that each call meets many times over once it has its slot
      standIn.setFaults({ latencyMs: 25 });
      const client = newClient({ timeoutMs: 1000 });
      const results = await Promise.all(codes.map((code) => client.cases(code, 'xg')));
      expect(results).toHaveLength(400);
      expect(standIn.stats().requests).toBe(400);
    });

    it('fails the calls queued behind a hung court after one deadline without sending them, then opens its circuit', async () => {
      fakeClock();
      const { court, client } = await hungCourt({ timeoutMs: 10_000 });
      const codes = Array.from({ length: 40 }, (_, i) => courtOrganizationCode(world.subject(i).uscc));
      const calls = watch(codes.map((code) => client.cases(code, 'sx')));
      while (court.stats().requests < COURT_MAX_IN_FLIGHT) await turn();
      // most of a deadline without an answer: the queue keeps waiting, as behind a slow court
      jest.advanceTimersByTime(9_000);
      await turn();
      expect(calls.outcomes.filter(Boolean)).toEqual([]);
      // a whole deadline without one answer: the 32 queued give up at once, none sent to the court
      jest.advanceTimersByTime(2_000);
      await turn();
      expect(calls.outcomes.slice(COURT_MAX_IN_FLIGHT).every((o) => unavailable(o, /not answering/))).toBe(true);
      expect(calls.outcomes.slice(0, COURT_MAX_IN_FLIGHT)).toEqual(Array(COURT_MAX_IN_FLIGHT).fill(undefined));
      expect(court.stats().requests).toBe(COURT_MAX_IN_FLIGHT);
      // the court drops the eight hung connections: eight failures in a row open the circuit
      await court.close();
      expect((await calls.settled).every((o) => unavailable(o, /./))).toBe(true);
      expect(client.circuitState).toBe('open');
      await expect(client.cases(codes[0]!, 'sx')).rejects.toThrow(/circuit open/);
      expect(court.stats().requests).toBe(COURT_MAX_IN_FLIGHT);
    });

    it(`gives up on a call that finds no free slot within ${COURT_QUEUE_TIMEOUT_MS / 1000} s, however long its own deadline`, async () => {
      fakeClock();
      const { court, client } = await hungCourt({ timeoutMs: 2 * COURT_QUEUE_TIMEOUT_MS });
      const codes = Array.from({ length: COURT_MAX_IN_FLIGHT + 1 }, (_, i) => courtOrganizationCode(world.subject(i).uscc));
      const calls = watch(codes.map((code) => client.cases(code, 'sx')));
      while (court.stats().requests < COURT_MAX_IN_FLIGHT) await turn();
      jest.advanceTimersByTime(COURT_QUEUE_TIMEOUT_MS - 1_000);
      await turn();
      expect(calls.outcomes.filter(Boolean)).toEqual([]);
      jest.advanceTimersByTime(2_000);
      await turn();
      expect(unavailable(calls.outcomes[COURT_MAX_IN_FLIGHT], new RegExp(`no free slot within ${COURT_QUEUE_TIMEOUT_MS} ms`))).toBe(true);
      expect(court.stats().requests).toBe(COURT_MAX_IN_FLIGHT);
    });

    it('refuses a concurrency above the courts’ limit at construction', () => {
      expect(() => new CourtClient({ baseUrl: url, client: { maxConcurrency: 9 } })).toThrow(/at most 8/);
    });
  });

  describe('failures', () => {
    it('retries HTTP 500 and then reports the department unavailable without the Tomcat page', async () => {
      standIn.setFaults({ errorRate: 1 });
      const error = await newClient().cases(courtOrganizationCode(world.subject(0).uscc), 'sx').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentUnavailableError);
      expect((error as DepartmentUnavailableError).department).toBe('court');
      expect((error as Error).message).toMatch(/HTTP 500/);
      expect((error as Error).message).not.toMatch(/java|Tomcat|jdbc|<|court\.internal|127\.0\.0\.1|http:/i);
      expect(standIn.stats().requests).toBe(2);
    });

    it('gives up on a hung court at the client deadline with DepartmentUnavailableError', async () => {
      standIn.setFaults({ down: true });
      const error = await newClient({ timeoutMs: 200 }).cases(courtOrganizationCode(world.subject(0).uscc), 'zx').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentUnavailableError);
      expect((error as Error).message).not.toMatch(/127\.0\.0\.1|http:/);
    });

    it('treats a refusal ({"success":false}) as an unusable answer without quoting it', () => {
      const body = Buffer.from(JSON.stringify({ success: false, msg: '参数错误: zzjgdm 格式应为 XXXXXXXX-C' }));
      expect(() => parsePage({ status: 200, headers: {}, body }, { organizationCode: '12345678-9', type: 'sx' })).toThrow(/success is not true/);
      expect(() => parsePage({ status: 200, headers: {}, body }, { organizationCode: '12345678-9', type: 'sx' })).not.toThrow(/参数错误/);
    });
  });
});
