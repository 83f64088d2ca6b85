import { maskCitizenId, parseUscc } from '../lib/ids';
import type { Subject } from '../legacy/world/types';
import Redis from 'ioredis';
import { TEST_REDIS_URL } from './harness/database';
import { startStack, type GraphQLResult, type Stack } from './harness/stack';
import { subjectWhere, subjectsWhere } from '../legacy/world';

/**
 * Market regulation through the gateway: stand-ins, every registered subgraph and the gateway in
 * this process over real HTTP, against the real PostgreSQL and Redis (test/harness/stack.ts).
 */

const MARKET_BATCH_LIMIT = 100;
const PENALTY_PAGE_SIZE = 50;
const CACHE_TTL_SECONDS = 1;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const REGISTRATION = `
  registration {
    name legalRepresentative legalRepresentativeIdNumber registeredCapital registeredCapitalCurrency registeredCapitalCurrencyText
    establishedOn status statusText oldRegistrationNumber type authority address businessScope approvedOn
    source { department system fetchedAt stale }
  }`;

const SUPERVISION = `
  marketSupervision {
    abnormalOperations { reason listedOn authority removedOn removalReason }
    penalties { decisionNumber violationType kind content fine decidedOn authority publishUntil }
    source { department stale }
  }`;

const PROFILE = `query Profile($uscc: USCC!) { subject(uscc: $uscc) { uscc kind ${REGISTRATION} ${SUPERVISION} } }`;

const STATUS: Record<string, string> = { 存续: 'EXISTING', 在业: 'OPERATING', 迁出: 'MOVED_OUT', 吊销: 'LICENSE_REVOKED', 注销: 'DEREGISTERED' };

/** 分 (or US cents) → units with two decimals, on the digits */
function units(cents: number): string {
  const digits = String(cents).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

function expectedRegistration(s: Subject, idNumber: string) {
  const e = s.enterprise!;
  return {
    name: e.name,
    legalRepresentative: e.legalRepresentative.name,
    legalRepresentativeIdNumber: idNumber,
    registeredCapital: units(e.registeredCapitalFen),
    registeredCapitalCurrency: e.currency === '美元' ? 'USD' : 'CNY',
    registeredCapitalCurrencyText: e.currency,
    establishedOn: e.foundedOn,
    status: STATUS[e.status],
    statusText: e.status,
    oldRegistrationNumber: s.registrationNumber === '' ? null : s.registrationNumber,
    type: e.typeText,
    authority: e.authority,
    address: e.address,
    businessScope: e.scope,
    approvedOn: e.approvedOn,
  };
}

const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;

function errorsAt(result: GraphQLResult, path: (string | number)[]) {
  return (result.body.errors ?? []).filter((e) => JSON.stringify(e.path?.slice(0, path.length)) === JSON.stringify(path));
}

describe('market section through the gateway', () => {
  let stack: Stack;
  let publicToken: string;
  let government: string;

  const find = (predicate: (s: Subject) => boolean, what: string, count = 1) => subjectsWhere(stack.world, predicate, { what, count });
  const one = (predicate: (s: Subject) => boolean, what: string) => find(predicate, what)[0]!;

  beforeAll(async () => {
    // a short cache TTL, so that the stale-copy test need not wait long
    stack = await startStack({ env: { MARKET_CACHE_TTL_SECONDS: String(CACHE_TTL_SECONDS) } });
    publicToken = await stack.token({ role: 'public' });
    government = await stack.token({ role: 'government' });
  });
  afterAll(() => stack.stop());
  beforeEach(() => stack.resetLegacy());

  describe('registration', () => {
    it('serves a pre-2015 subject’s registration as the register holds it, with its old 注册号', async () => {
      const s = one((x) => x.enterprise !== null && x.registeredBefore2015 && x.enterprise.currency === '人民币', 'pre-2015 enterprise');
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: publicToken });

      expect(result.body.errors).toBeUndefined();
      const registration = result.body.data.subject.registration;
      expect(registration).toMatchObject(expectedRegistration(s, masked(s.enterprise!.legalRepresentative.idNumber)));
      expect(registration.oldRegistrationNumber).toMatch(/^\d{15}$/);
      expect(registration.source).toMatchObject({ department: 'MARKET', system: '企业登记与信用公示 REST /api/v2', stale: false });
      expect(Number.isNaN(Date.parse(registration.source.fetchedAt))).toBe(false);
    });

    it('has no old registration number for a subject registered since the 2015 reform', async () => {
      const s = one((x) => x.enterprise !== null && !x.registeredBefore2015, 'post-2015 enterprise');
      const { body } = await stack.query(`{ subject(uscc: "${s.uscc}") { registration { name oldRegistrationNumber establishedOn } } }`, { token: publicToken });
      expect(body.errors).toBeUndefined();
      expect(body.data.subject.registration).toEqual({ name: s.enterprise!.name, oldRegistrationNumber: null, establishedOn: s.enterprise!.foundedOn });
    });

    it('states foreign-invested capital in its own currency (美元 → USD), exactly', async () => {
      const s = one((x) => x.enterprise?.currency === '美元', 'enterprise with capital in 美元');
      const { body } = await stack.query(`{ subject(uscc: "${s.uscc}") { registration { registeredCapital registeredCapitalCurrency registeredCapitalCurrencyText } } }`, { token: publicToken });
      expect(body.errors).toBeUndefined();
      expect(body.data.subject.registration).toEqual({
        registeredCapital: units(s.enterprise!.registeredCapitalFen),
        registeredCapitalCurrency: 'USD',
        registeredCapitalCurrencyText: '美元',
      });
    });

    it('is null without error, like the supervision section, when market regulation has no record', async () => {
      const s = one((x) => x.enterprise === null, 'subject unknown to market');
      const { body } = await stack.query(`{ subject(uscc: "${s.uscc}") { uscc registration { name } marketSupervision { penalties { fine } } } }`, { token: publicToken });
      expect(body.errors).toBeUndefined();
      expect(body.data.subject).toEqual({ uscc: s.uscc, registration: null, marketSupervision: null });
      // not a code market regulation issued (authority 9): the register is not even asked
      expect(stack.legacyStats().market.requests).toBe(0);
    });
  });

  describe('the legal representative’s citizen ID (SPEC §7)', () => {
    const query = (uscc: string) => `{ subject(uscc: "${uscc}") { registration { legalRepresentativeIdNumber } } }`;

    it('is masked for the public and for government', async () => {
      const s = one((x) => x.enterprise !== null, 'enterprise');
      const id = s.enterprise!.legalRepresentative.idNumber;
      for (const token of [publicToken, government]) {
        const { body } = await stack.query(query(s.uscc), { token });
        expect(body.errors).toBeUndefined();
        expect(body.data.subject.registration.legalRepresentativeIdNumber).toBe(masked(id));
        expect(JSON.stringify(body)).not.toContain(id);
      }
    });

    it('is whole for the subject itself', async () => {
      const s = one((x) => x.enterprise !== null, 'enterprise');
      const self = await stack.token({ role: 'subject', subject: s.uscc });
      const { body } = await stack.query(query(s.uscc), { token: self });
      expect(body.errors).toBeUndefined();
      expect(body.data.subject.registration.legalRepresentativeIdNumber).toBe(s.enterprise!.legalRepresentative.idNumber);
    });
  });

  describe('market supervision', () => {
    it('serves every penalty of a subject with more than one page of 50, fines in yuan', async () => {
      const s = one((x) => x.penalties.length > PENALTY_PAGE_SIZE, 'enterprise with more than 50 penalties');
      const { body } = await stack.query(`{ subject(uscc: "${s.uscc}") { marketSupervision { penalties { decisionNumber violationType kind content fine decidedOn authority publishUntil } } } }`, {
        token: publicToken,
      });
      expect(body.errors).toBeUndefined();
      expect(body.data.subject.marketSupervision.penalties).toEqual(
        s.penalties.map((p) => ({
          decisionNumber: p.decisionNumber,
          violationType: p.violationType,
          kind: p.kind,
          content: p.content,
          fine: units(p.fineFen),
          decidedOn: p.decidedOn,
          authority: p.authority,
          publishUntil: p.publishUntil,
        })),
      );
      // the enterprise (is it known?) and every page of penalties, nothing else
      expect(stack.legacyStats().market.requests).toBe(1 + Math.ceil(s.penalties.length / PENALTY_PAGE_SIZE));
    });

    it('serves abnormal-operation listings, current and removed', async () => {
      const s = one((x) => x.abnormal.some((a) => a.removedOn !== null), 'enterprise removed from the abnormal list');
      const { body } = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: publicToken });
      expect(body.errors).toBeUndefined();
      expect(body.data.subject.marketSupervision.abnormalOperations).toEqual(
        s.abnormal.map((a) => ({ reason: a.reason, listedOn: a.listedOn, authority: a.authority, removedOn: a.removedOn, removalReason: a.removalReason })),
      );
      expect(body.data.subject.marketSupervision.source).toEqual({ department: 'MARKET', stale: false });
    });

    it('answers a repeated query from the cache without asking the register again', async () => {
      const s = one((x) => x.penalties.length > 0 && x.abnormal.length > 0, 'enterprise with penalties and listings');
      const query = `{ subject(uscc: "${s.uscc}") { ${REGISTRATION} ${SUPERVISION} } }`;
      const first = await stack.query(query, { token: publicToken });
      const calls = stack.legacyStats().market.requests;
      expect(calls).toBe(3);
      const second = await stack.query(query, { token: publicToken });
      expect(second.body).toEqual(first.body);
      expect(stack.legacyStats().market.requests).toBe(calls);
    });

    it('asks the register only for what the query selects', async () => {
      const s = one((x) => x.penalties.length > 0 && x.abnormal.length > 0, 'enterprise with penalties and listings');
      await stack.query(`{ subject(uscc: "${s.uscc}") { registration { name } } }`, { token: publicToken });
      expect(stack.legacyStats().market.requests).toBe(1);
      await stack.resetLegacy();
      await stack.query(`{ subject(uscc: "${s.uscc}") { marketSupervision { abnormalOperations { reason } } } }`, { token: publicToken });
      expect(stack.legacyStats().market.requests).toBe(2);
    });
  });

  describe('searchSubjects', () => {
    it('finds subjects by a fragment of their registered name, resolved across subgraphs', async () => {
      const s = one((x) => x.enterprise !== null && x.enterprise.name.length > 6, 'enterprise');
      const fragment = s.enterprise!.name.slice(2, 6);
      const expected = stack.world.searchByName(fragment, 50);
      const { body } = await stack.query(`query S($n: String!) { searchSubjects(name: $n, first: 50) { uscc kind registration { name } } }`, {
        token: publicToken,
        variables: { n: fragment },
      });
      expect(body.errors).toBeUndefined();
      expect(body.data.searchSubjects.map((x: { uscc: string }) => x.uscc)).toEqual(expected.map((x) => x.uscc));
      expect(body.data.searchSubjects.map((x: { uscc: string }) => x.uscc)).toContain(s.uscc);
      for (const hit of body.data.searchSubjects) expect(hit.registration.name).toContain(fragment);
      for (const hit of body.data.searchSubjects) expect(hit.kind).toBe(parseUscc(hit.uscc).kind);
    });

    it('serves `first: 50`, the most the register serves, and refuses more with BAD_USER_INPUT naming the range', async () => {
      const { body } = await stack.query(`{ searchSubjects(name: "有限公司", first: 50) { uscc } }`, { token: publicToken });
      expect(body.errors).toBeUndefined();
      expect(body.data.searchSubjects).toHaveLength(50);
      const over = await stack.query(`{ searchSubjects(name: "有限公司", first: 51) { uscc } }`, { token: publicToken });
      expect(over.status).toBe(400);
      expect(over.body.errors?.[0]).toMatchObject({ message: 'searchSubjects(first:) must be from 1 to 50, got 51', extensions: { code: 'BAD_USER_INPUT' } });
    });

    it('refuses an empty name or a `first` below 1 with BAD_USER_INPUT before asking the register', async () => {
      for (const args of ['name: "  "', 'name: "有限", first: 0', 'name: "有限", first: -1']) {
        const { body } = await stack.query(`{ searchSubjects(${args}) { uscc } }`, { token: publicToken });
        expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
      expect(stack.legacyStats().market.requests).toBe(0);
    });

    it('shows a subject only itself, and only when its name matches', async () => {
      const s = one((x) => x.enterprise !== null && x.enterprise.name.length > 6, 'enterprise');
      const self = await stack.token({ role: 'subject', subject: s.uscc });
      const search = (name: string) => stack.query(`query S($n: String!) { searchSubjects(name: $n) { uscc } }`, { token: self, variables: { n: name } });
      const fragment = s.enterprise!.name.slice(2, 6);
      expect(stack.world.searchByName(fragment, 2).length).toBeGreaterThan(0);
      const hit = await search(fragment);
      expect(hit.body.errors).toBeUndefined();
      expect(hit.body.data.searchSubjects).toEqual([{ uscc: s.uscc }]);
      const miss = await search('不存在的名称片段');
      expect(miss.body.data.searchSubjects).toEqual([]);
    });
  });

  describe('batching (SPEC §9.2)', () => {
    const usccs = () => Array.from({ length: 500 }, (_, i) => stack.world.subject(i * 7).uscc);
    /** the codes market regulation issued (authority 9): the only ones its register is asked about */
    const registered = (codes: string[]) => codes.filter((u) => u[0] === '9').length;

    it('reads the registrations of 500 subjects with ⌈k/100⌉ calls for the k codes market issued', async () => {
      const codes = usccs();
      const { body } = await stack.query(`query Q($u: [USCC!]!) { subjects(usccs: $u) { uscc registration { name } } }`, { token: publicToken, variables: { u: codes } });
      expect(body.errors).toBeUndefined();
      codes.forEach((u, i) => expect(body.data.subjects[i].registration?.name ?? null).toBe(stack.world.findByUscc(u)!.enterprise?.name ?? null));
      const k = registered(codes);
      expect(k).toBeGreaterThan(400);
      expect(stack.legacyStats().market).toEqual({ requests: Math.ceil(k / MARKET_BATCH_LIMIT), keys: k });
    });

    it('adds as many calls again for the abnormal-operation lists of the same 500 subjects', async () => {
      const codes = usccs();
      const { body } = await stack.query(`query Q($u: [USCC!]!) { subjects(usccs: $u) { registration { name } marketSupervision { abnormalOperations { listedOn } } } }`, {
        token: publicToken,
        variables: { u: codes },
      });
      expect(body.errors).toBeUndefined();
      codes.forEach((u, i) => {
        const s = stack.world.findByUscc(u)!;
        expect(body.data.subjects[i].marketSupervision?.abnormalOperations ?? null).toEqual(s.enterprise ? s.abnormal.map((a) => ({ listedOn: a.listedOn })) : null);
      });
      // the abnormal lists are asked for alongside the registrations, 100 codes a call
      const k = registered(codes);
      expect(stack.legacyStats().market).toEqual({ requests: 2 * Math.ceil(k / MARKET_BATCH_LIMIT), keys: 2 * k });
    });
  });

  describe('when the register fails', () => {
    it('answers the market sections null with DEPARTMENT_UNAVAILABLE (MARKET), other sections intact, nothing of the register leaked', async () => {
      const s = one((x) => x.enterprise !== null, 'enterprise');
      stack.standIns.market.setFaults({ errorRate: 1 });
      const result = await stack.query(`{ subject(uscc: "${s.uscc}") { uscc kind registration { name } marketSupervision { penalties { fine } } } }`, { token: publicToken });

      expect(result.status).toBe(200);
      expect(result.body.data.subject).toMatchObject({ uscc: s.uscc, kind: 'ENTERPRISE', registration: null, marketSupervision: null });
      for (const field of ['registration', 'marketSupervision']) {
        const errors = errorsAt(result, ['subject', field]);
        expect(errors.length).toBeGreaterThan(0);
        expect(errors[0]!.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'MARKET' });
      }
      const text = JSON.stringify(result.body);
      expect(text).not.toMatch(/系统繁忙|9999|\/api\/v2|127\.0\.0\.1|http:|stack|Error:/);
    });

    it('serves the last known copy marked stale once it is older than the cache TTL', async () => {
      const s = one((x) => x.enterprise !== null && x.penalties.length > 0, 'enterprise with penalties');
      const query = `{ subject(uscc: "${s.uscc}") { registration { name source { stale } } marketSupervision { penalties { fine } source { stale } } } }`;
      const fresh = await stack.query(query, { token: publicToken });
      expect(fresh.body.errors).toBeUndefined();
      expect(fresh.body.data.subject.registration.source.stale).toBe(false);
      await sleep(CACHE_TTL_SECONDS * 1000 + 200);
      stack.standIns.market.setFaults({ errorRate: 1 });

      const result = await stack.query(query, { token: publicToken });
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.subject).toEqual({
        registration: { name: s.enterprise!.name, source: { stale: true } },
        marketSupervision: { penalties: s.penalties.map((p) => ({ fine: units(p.fineFen) })), source: { stale: true } },
      });
    });

    it('fails a search with DEPARTMENT_UNAVAILABLE (MARKET) without leaking the register’s answer', async () => {
      stack.standIns.market.setFaults({ errorRate: 1 });
      const result = await stack.query(`{ searchSubjects(name: "有限公司") { uscc } }`, { token: publicToken });
      expect(result.body.errors?.[0]?.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'MARKET' });
      expect(JSON.stringify(result.body)).not.toMatch(/系统繁忙|\/api\/v2|127\.0\.0\.1|http:/);
    });
  });
});

describe('citizen IDs in the cache', () => {
  it('keeps only the masked legal-representative ID in the shared cache', async () => {
    const stack = await startStack();
    try {
      const s = subjectWhere(stack.world, (x) => x.enterprise !== null);
      await stack.query(`{ subject(uscc: "${s.uscc}") { registration { legalRepresentativeIdNumber } } }`, { token: await stack.token({ role: 'public' }) });
      const self = await stack.query(`{ subject(uscc: "${s.uscc}") { registration { legalRepresentativeIdNumber } } }`, { token: await stack.token({ role: 'subject', subject: s.uscc }) });
      expect(self.body.data.subject.registration.legalRepresentativeIdNumber).toBe(s.enterprise!.legalRepresentative.idNumber);
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const keys = await redis.keys(`${stack.config.redisKeyPrefix}legacy:market:enterprise:*`);
        expect(keys.length).toBeGreaterThan(0);
        const values = await Promise.all(keys.map((k) => redis.get(k)));
        expect(values.join('')).not.toContain(s.enterprise!.legalRepresentative.idNumber);
        expect(values.join('')).toContain(maskCitizenId(s.enterprise!.legalRepresentative.idNumber));
      } finally {
        redis.disconnect();
      }
    } finally {
      await stack.stop();
    }
  });
});
