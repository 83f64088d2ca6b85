import type { CourtCase, Subject } from '../legacy/world/types';
import { startStack, type GraphQLResult, type Stack } from './harness/stack';
import { subjectWhere } from '../legacy/world';

/**
 * The courts through the gateway: stand-ins, every registered subgraph and the gateway in this
 * process over real HTTP, against the real PostgreSQL and Redis (test/harness/stack.ts).
 */

const PAGE_SIZE = 20;
const CACHE_TTL_SECONDS = 1;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const JUDICIAL = `
  judicial {
    dishonestDebtor { caseNumber court filedOn obligation performance conduct publishedOn status }
    enforcementCases { caseNumber court filedOn amount status }
    consumptionRestrictions { caseNumber court publishedOn status }
    source { department system fetchedAt stale }
  }`;

const PROFILE = `query Profile($uscc: USCC!) { subject(uscc: $uscc) { uscc kind ${JUDICIAL} } }`;

const STATUS = { 有效: 'ACTIVE', 已撤销: 'WITHDRAWN' } as const;

/** 分 → yuan with two decimals, on the digits */
function yuan(fen: number): string {
  const digits = String(fen).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

function expectedJudicial(s: Subject) {
  const { dishonest, enforcement, restrictions } = s.court;
  return {
    dishonestDebtor: dishonest.map((c: CourtCase) => ({
      caseNumber: c.caseNumber,
      court: c.court,
      filedOn: c.filedOn,
      obligation: c.obligation,
      performance: c.performance,
      conduct: c.conduct,
      publishedOn: c.publishedOn,
      status: STATUS[c.status],
    })),
    enforcementCases: enforcement.map((c) => ({ caseNumber: c.caseNumber, court: c.court, filedOn: c.filedOn, amount: yuan(c.amountFen), status: STATUS[c.status] })),
    consumptionRestrictions: restrictions.map((c) => ({ caseNumber: c.caseNumber, court: c.court, publishedOn: c.publishedOn, status: STATUS[c.status] })),
  };
}

/** court calls for one list: the first page, then one per further page of 20 */
const pagesOf = (n: number) => Math.max(1, Math.ceil(n / PAGE_SIZE));

function errorsUnder(result: GraphQLResult, path: (string | number)[]) {
  return (result.body.errors ?? []).filter((e) => JSON.stringify(e.path?.slice(0, path.length)) === JSON.stringify(path));
}

describe('judicial section through the gateway', () => {
  let stack: Stack;
  let publicToken: string;

  const find = (predicate: (s: Subject) => boolean, what: string) => subjectWhere(stack.world, predicate, what);

  beforeAll(async () => {
    // a short cache TTL, so that the stale-copy test need not wait long
    stack = await startStack({ env: { COURT_CACHE_TTL_SECONDS: String(CACHE_TTL_SECONDS) } });
    publicToken = await stack.token({ role: 'public' });
  });
  afterAll(() => stack.stop());
  beforeEach(() => stack.resetLegacy());

  describe('values', () => {
    it('serves every case of a subject whose lists run over more than one page of 20', async () => {
      const s = find((x) => x.court.dishonest.length > PAGE_SIZE && x.court.restrictions.length > PAGE_SIZE, 'subject with sx and xg lists over 20');
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: publicToken });

      expect(result.body.errors).toBeUndefined();
      const judicial = result.body.data.subject.judicial;
      expect(judicial).toMatchObject(expectedJudicial(s));
      expect(judicial.enforcementCases.length).toBeGreaterThan(PAGE_SIZE);
      expect(judicial.source).toMatchObject({ department: 'COURT', system: '执行信息查询 REST /zxxx/query', stale: false });
      expect(Number.isNaN(Date.parse(judicial.source.fetchedAt))).toBe(false);
      const { dishonest, enforcement, restrictions } = s.court;
      expect(stack.legacyStats().court.requests).toBe(pagesOf(dishonest.length) + pagesOf(enforcement.length) + pagesOf(restrictions.length));
    });

    it('maps 已撤销 to WITHDRAWN', async () => {
      const s = find((x) => x.court.dishonest.some((c) => c.status === '已撤销'), 'withdrawn dishonest-debtor listing');
      const { body } = await stack.query(`{ subject(uscc: "${s.uscc}") { judicial { dishonestDebtor { caseNumber status } } } }`, { token: publicToken });
      expect(body.errors).toBeUndefined();
      expect(body.data.subject.judicial.dishonestDebtor).toEqual(s.court.dishonest.map((c) => ({ caseNumber: c.caseNumber, status: STATUS[c.status] })));
      expect(body.data.subject.judicial.dishonestDebtor.map((c: { status: string }) => c.status)).toContain('WITHDRAWN');
    });

    it('has empty lists for a subject without cases', async () => {
      const s = find((x) => x.court.enforcement.length === 0, 'subject without cases');
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: publicToken });
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.subject.judicial).toMatchObject({ dishonestDebtor: [], enforcementCases: [], consumptionRestrictions: [] });
      expect(stack.legacyStats().court.requests).toBe(3);
    });

    it('asks the court only for the lists the query selects', async () => {
      const s = find((x) => x.court.dishonest.length > 0 && x.court.restrictions.length > 0 && x.court.enforcement.length <= PAGE_SIZE, 'dishonest debtor under a restriction');
      const { body } = await stack.query(`{ subject(uscc: "${s.uscc}") { judicial { enforcementCases { amount } source { fetchedAt } } } }`, { token: publicToken });
      expect(body.errors).toBeUndefined();
      expect(body.data.subject.judicial.enforcementCases).toEqual(s.court.enforcement.map((c) => ({ amount: yuan(c.amountFen) })));
      expect(stack.legacyStats().court).toEqual({ requests: 1, keys: 1 });
    });
  });

  describe('the court’s limits (one subject per call, 8 in flight)', () => {
    it('reads the dishonest-debtor lists of 100 subjects with one call each plus their extra pages, and no 429', async () => {
      // ten litigious subjects (lists over one page), interleaved with 90 others
      const litigious: Subject[] = [];
      for (let i = 0; i < stack.world.size && litigious.length < 10; i++) {
        const s = stack.world.subject(i);
        if (s.court.dishonest.length > PAGE_SIZE) litigious.push(s);
      }
      expect(litigious).toHaveLength(10);
      const subjects: Subject[] = [];
      for (let i = 0; subjects.length < 100; i++) {
        const s = stack.world.subject(i);
        if (subjects.length % 10 === 0) subjects.push(litigious[subjects.length / 10]!);
        if (s.court.dishonest.length <= PAGE_SIZE) subjects.push(s);
      }
      const extraPages = subjects.reduce((n, s) => n + pagesOf(s.court.dishonest.length) - 1, 0);
      expect(extraPages).toBeGreaterThan(0);

      const { body } = await stack.query(`query Q($u: [USCC!]!) { subjects(usccs: $u) { uscc judicial { dishonestDebtor { caseNumber } } } }`, {
        token: publicToken,
        variables: { u: subjects.map((s) => s.uscc) },
      });

      expect(body.errors).toBeUndefined();
      subjects.forEach((s, i) => expect(body.data.subjects[i].judicial.dishonestDebtor).toEqual(s.court.dishonest.map((c) => ({ caseNumber: c.caseNumber }))));
      // a refused request (429) would show as one more request than the pages read
      expect(stack.legacyStats().court).toEqual({ requests: 100 + extraPages, keys: 100 + extraPages });
    });
  });

  describe('when the court fails', () => {
    it('serves the last known lists marked stale once they are older than the cache TTL', async () => {
      const s = find((x) => x.court.enforcement.length > 0 && x.court.enforcement.length <= PAGE_SIZE, 'subject with a few cases');
      const query = `{ subject(uscc: "${s.uscc}") { judicial { enforcementCases { caseNumber } source { stale } } } }`;
      const fresh = await stack.query(query, { token: publicToken });
      expect(fresh.body.errors).toBeUndefined();
      expect(fresh.body.data.subject.judicial.source.stale).toBe(false);
      await sleep(CACHE_TTL_SECONDS * 1000 + 200);
      stack.standIns.court.setFaults({ errorRate: 1 });

      const result = await stack.query(query, { token: publicToken });
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.subject.judicial).toEqual({
        enforcementCases: s.court.enforcement.map((c) => ({ caseNumber: c.caseNumber })),
        source: { stale: true },
      });
    });

    it('answers the judicial section null with DEPARTMENT_UNAVAILABLE (COURT), other sections intact, nothing of the court leaked', async () => {
      const s = find((x) => x.court.enforcement.length > 0 && x.enterprise !== null, 'enterprise with cases');
      stack.standIns.court.setFaults({ errorRate: 1 });
      const result = await stack.query(`{ subject(uscc: "${s.uscc}") { uscc kind organizationCode registration { name } ${JUDICIAL} } }`, { token: publicToken });

      expect(result.status).toBe(200);
      expect(result.body.data.subject).toMatchObject({ uscc: s.uscc, kind: 'ENTERPRISE', registration: { name: s.enterprise!.name }, judicial: null });
      const errors = errorsUnder(result, ['subject', 'judicial']);
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(e.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'COURT' });
      expect(result.body.errors).toHaveLength(errors.length);
      const text = JSON.stringify(result.body);
      expect(text).not.toMatch(/java|Tomcat|jdbc|oracle|court\.internal|zxxx|127\.0\.0\.1|http:|HTTP 500/i);
    });
  });
});
