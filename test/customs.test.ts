import type { Subject } from '../legacy/world/types';
import { startStack, type GraphQLResult, type Stack } from './harness/stack';
import { subjectWhere } from '../legacy/world';

/**
 * Customs through the gateway: stand-ins, every registered subgraph and the gateway in this
 * process over real HTTP, against the real PostgreSQL and Redis (test/harness/stack.ts).
 */

const MAPPING_BATCH_LIMIT = 100;
const CSV_BATCH_LIMIT = 50;

const CUSTOMS_SECTION = `
  customs {
    customsCode
    creditClass
    creditClassText
    certifiedOn
    tradeVolumes { year importUsd exportUsd violations }
    source { department system fetchedAt stale }
  }`;

const PROFILE = `query Profile($uscc: USCC!) { subject(uscc: $uscc) { uscc kind ${CUSTOMS_SECTION} } }`;

const CLASSES = { 高级认证企业: 'ADVANCED_CERTIFIED', 失信企业: 'DISHONEST', 常规: 'REGULAR' } as const;

/** Dollar text from the world's US cents, on the digits (independently of the adapter's arithmetic). */
function usd(cents: number): string {
  const digits = String(Math.abs(cents)).padStart(3, '0');
  return `${cents < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

function expectedCustoms(s: Subject) {
  const c = s.customs!;
  return {
    customsCode: c.customsCode,
    creditClass: CLASSES[c.creditClass],
    creditClassText: c.creditClass,
    certifiedOn: c.certifiedOn,
    tradeVolumes: [...c.years]
      .sort((a, b) => a.year - b.year)
      .map((y) => ({ year: y.year, importUsd: usd(y.importUsdCents), exportUsd: usd(y.exportUsdCents), violations: y.violations })),
  };
}

function errorsAt(result: GraphQLResult, path: (string | number)[]) {
  return (result.body.errors ?? []).filter((e) => JSON.stringify(e.path) === JSON.stringify(path));
}

describe('customs section through the gateway', () => {
  let stack: Stack;
  let supervisor: string;

  const find = (predicate: (s: Subject) => boolean, what: string) => subjectWhere(stack.world, predicate, what);
  const registered = (s: Subject) => s.customs !== null && s.customs.years.length === 3;

  beforeAll(async () => {
    stack = await startStack();
    // government reading FINANCING fields for financial supervision: sees the whole section
    supervisor = await stack.token({ role: 'government', purpose: 'financial-supervision' });
  });
  afterAll(() => stack.stop());
  beforeEach(() => stack.resetLegacy());

  describe('values', () => {
    it('serves a registered enterprise with the three years the world holds, oldest first, in USD', async () => {
      const s = find((x) => registered(x) && x.customs!.creditClass === '高级认证企业', 'advanced certified enterprise');
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: supervisor });

      expect(result.body.errors).toBeUndefined();
      const customs = result.body.data.subject.customs;
      expect(customs).toMatchObject(expectedCustoms(s));
      expect(customs.tradeVolumes).toHaveLength(3);
      expect(customs.source).toMatchObject({ department: 'CUSTOMS', stale: false });
      // one mapping call, one CSV call
      expect(stack.legacyStats().customs).toEqual({ requests: 2, keys: 2 });
    });

    it('maps the dishonest class and keeps the text customs wrote', async () => {
      const s = find((x) => registered(x) && x.customs!.creditClass === '失信企业', 'dishonest enterprise');
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: supervisor });

      expect(result.body.data.subject.customs).toMatchObject({ creditClass: 'DISHONEST', creditClassText: '失信企业' });
    });

    it('gives a null section, without error and without reading the CSV, for an unregistered subject', async () => {
      const s = find((x) => x.customs === null, 'unregistered subject');
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: supervisor });

      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.subject).toMatchObject({ uscc: s.uscc, customs: null });
      expect(stack.legacyStats().customs).toEqual({ requests: 1, keys: 1 });
    });
  });

  describe('batching', () => {
    it('answers subjects(500) with ⌈500/100⌉ mapping calls plus ⌈m/50⌉ CSV calls, order preserved', async () => {
      // every fourth one registered, so that each mapping call finds some and m needs several CSV calls
      const registeredOnes: Subject[] = [];
      const others: Subject[] = [];
      for (let i = 0; registeredOnes.length < 125 || others.length < 375; i++) {
        const s = stack.world.subject(i);
        if (s.customs && registeredOnes.length < 125) registeredOnes.push(s);
        else if (!s.customs && others.length < 375) others.push(s);
      }
      const subjects = Array.from({ length: 500 }, (_, i) => (i % 4 === 0 ? registeredOnes : others).shift()!);
      const m = subjects.filter((s) => s.customs !== null).length;
      expect(m).toBeGreaterThan(2 * CSV_BATCH_LIMIT);

      const government = await stack.token({ role: 'government' });
      const result = await stack.query(`query Batch($usccs: [USCC!]!) { subjects(usccs: $usccs) { uscc customs { customsCode creditClass } } }`, {
        variables: { usccs: subjects.map((s) => s.uscc) },
        token: government,
      });

      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.subjects).toEqual(
        subjects.map((s) => ({ uscc: s.uscc, customs: s.customs ? { customsCode: s.customs.customsCode, creditClass: CLASSES[s.customs.creditClass] } : null })),
      );
      const stats = stack.legacyStats();
      expect(stats.customs).toEqual({ requests: Math.ceil(500 / MAPPING_BATCH_LIMIT) + Math.ceil(m / CSV_BATCH_LIMIT), keys: 500 + m });
      expect(stats.tax.requests + stats.finance.requests + stats.market.requests + stats.court.requests).toBe(0);
    });
  });

  describe('outage', () => {
    it('nulls the customs section with DEPARTMENT_UNAVAILABLE and department CUSTOMS, other fields intact, no page leaked', async () => {
      const s = find(registered, 'registered enterprise');
      stack.standIns.customs.setFaults({ errorRate: 1 });
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: supervisor });

      expect(result.body.data.subject).toMatchObject({ uscc: s.uscc, kind: expect.any(String), customs: null });
      const [error] = errorsAt(result, ['subject', 'customs']);
      expect(error?.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'CUSTOMS' });
      expect(JSON.stringify(result.body)).not.toMatch(/WebLogic|hgxy-app01|系统维护|<html|127\.0\.0\.1|http:\/\//);
    });
  });

  describe('authorization', () => {
    it('shows government the customs code', async () => {
      const s = find(registered, 'registered enterprise');
      const government = await stack.token({ role: 'government' });
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: government });

      expect(result.body.data.subject.customs.customsCode).toBe(s.customs!.customsCode);
      expect(errorsAt(result, ['subject', 'customs', 'customsCode'])).toEqual([]);
    });

    it('refuses the public the customs code and trade volumes with FORBIDDEN, keeping the credit class', async () => {
      const s = find(registered, 'registered enterprise');
      const publicToken = await stack.token({ role: 'public' });
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: publicToken });

      const customs = result.body.data.subject.customs;
      expect(customs).toMatchObject({ customsCode: null, tradeVolumes: null, creditClass: expectedCustoms(s).creditClass });
      expect(errorsAt(result, ['subject', 'customs', 'customsCode']).map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(errorsAt(result, ['subject', 'customs', 'tradeVolumes']).map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    });

    it('refuses a bank without the subject consent tradeVolumes with CONSENT_REQUIRED', async () => {
      const s = find(registered, 'registered enterprise');
      const bank = await stack.token({ role: 'bank', org: 'bank-without-consent' });
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: bank });

      const customs = result.body.data.subject.customs;
      expect(customs.tradeVolumes).toBeNull();
      expect(errorsAt(result, ['subject', 'customs', 'tradeVolumes']).map((e) => e.extensions?.code)).toEqual(['CONSENT_REQUIRED']);
      expect(customs.creditClass).toBe(expectedCustoms(s).creditClass);
    });
  });
});
