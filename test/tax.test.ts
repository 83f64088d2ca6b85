import type { Subject } from '../legacy/world/types';
import { oldTaxRegistrationNumber } from '../lib/ids';
import { startStack, type GraphQLResult, type Stack } from './harness/stack';
import { subjectWhere } from '../legacy/world';

/**
 * Tax through the gateway: stand-ins, every registered subgraph and the gateway in this process
 * over real HTTP, against the real PostgreSQL and Redis (test/harness/stack.ts).
 */

const TAX_BATCH_LIMIT = 20;

const TAX_SECTION = `
  tax {
    taxpayerId
    rating { year grade }
    annualPayments { year amount }
    arrears { taxKind amount since }
    majorViolations { nature facts punishment publishedOn }
    source { department system fetchedAt stale }
  }`;

const PROFILE = `query Profile($uscc: USCC!) { subject(uscc: $uscc) { uscc kind ${TAX_SECTION} } }`;

/** Yuan text from the world's 分, on the digits (independently of the adapter's arithmetic). */
function yuan(fen: number): string {
  const digits = String(Math.abs(fen)).padStart(3, '0');
  return `${fen < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

function expectedTax(s: Subject) {
  const t = s.tax!;
  const newestFirst = <T extends { year: number }>(list: T[]) => [...list].sort((a, b) => b.year - a.year);
  return {
    taxpayerId: t.taxpayerId,
    rating: newestFirst(t.ratings).map((r) => ({ year: r.year, grade: r.grade })),
    annualPayments: newestFirst(t.payments).map((p) => ({ year: p.year, amount: yuan(p.amountFen) })),
    arrears: t.arrears.map((a) => ({ taxKind: a.taxKind, amount: yuan(a.amountFen), since: a.since })),
    majorViolations: t.majorViolations.map((v) => ({ ...v })),
  };
}

function errorsAt(result: GraphQLResult, path: (string | number)[]) {
  return (result.body.errors ?? []).filter((e) => JSON.stringify(e.path) === JSON.stringify(path));
}

describe('tax section through the gateway', () => {
  let stack: Stack;
  let government: string;
  /** government reading FINANCING fields for financial supervision: sees the whole section */
  let supervisor: string;

  const find = (predicate: (s: Subject) => boolean, what: string) => subjectWhere(stack.world, predicate, what);
  const withRatings = (s: Subject, grade: (g: string) => boolean) => s.tax !== null && s.tax.ratings.length >= 2 && s.tax.ratings.some((r) => grade(r.grade));

  beforeAll(async () => {
    stack = await startStack();
    government = await stack.token({ role: 'government' });
    supervisor = await stack.token({ role: 'government', purpose: 'financial-supervision' });
  });
  afterAll(() => stack.stop());
  beforeEach(() => stack.resetLegacy());

  describe('values', () => {
    it('finds a pre-2015 taxpayer through its old 税务登记号 and serves what the world holds', async () => {
      const s = find((x) => x.registeredBefore2015 && x.tax !== null && x.tax.payments.length >= 2 && x.tax.ratings.length >= 2, 'pre-2015 taxpayer');
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: supervisor });

      expect(result.body.errors).toBeUndefined();
      const tax = result.body.data.subject.tax;
      expect(tax).toMatchObject(expectedTax(s));
      expect(tax.taxpayerId).toBe(oldTaxRegistrationNumber(s.uscc));
      expect(tax.source).toMatchObject({ department: 'TAX', system: '纳税信用查询服务 SOAP NsxyService', stale: false });
      expect(Number.isNaN(Date.parse(tax.source.fetchedAt))).toBe(false);
      // one call, by both forms: its old number (its organization code predates the reform) and its USCC
      expect(stack.legacyStats().tax).toEqual({ requests: 1, keys: 2 });
    });

    it('serves a post-2015 taxpayer by its USCC with arrears and major violations in Chinese', async () => {
      const s = find((x) => !x.registeredBefore2015 && x.tax !== null && x.tax.majorViolations.length > 0, 'post-2015 major violator');
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: supervisor });

      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.subject.tax).toMatchObject(expectedTax(s));
      expect(result.body.data.subject.tax.majorViolations[0].facts).toMatch(/税务局/);
      expect(stack.legacyStats().tax).toEqual({ requests: 1, keys: 2 });
    });

    it('gives a null section, without error, for a subject tax knows by neither identifier', async () => {
      const s = find((x) => x.tax === null, 'subject unknown to tax');
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: government });

      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.subject).toMatchObject({ uscc: s.uscc, tax: null });
      // both forms asked in the same call: one round trip to learn that tax knows neither
      expect(stack.legacyStats().tax).toEqual({ requests: 1, keys: 2 });
    });
  });

  describe('batching', () => {
    it('answers subjects(500) with ⌈500/20⌉ calls by the likely form plus ⌈misses/20⌉, fewer than ⌈500/20⌉ + ⌈n/20⌉, order preserved', async () => {
      const subjects = Array.from({ length: 500 }, (_, i) => stack.world.subject(i * 13 + 5));
      const pre2015 = subjects.filter((s) => s.tax !== null && s.tax.taxpayerId !== s.uscc).length;
      const n = subjects.filter((s) => s.tax === null).length;
      expect(pre2015).toBeGreaterThan(TAX_BATCH_LIMIT);

      const result = await stack.query(`query Batch($usccs: [USCC!]!) { subjects(usccs: $usccs) { uscc tax { taxpayerId } } }`, {
        variables: { usccs: subjects.map((s) => s.uscc) },
        token: government,
      });

      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.subjects).toEqual(subjects.map((s) => ({ uscc: s.uscc, tax: s.tax ? { taxpayerId: s.tax.taxpayerId } : null })));
      const stats = stack.legacyStats();
      expect(stats.tax).toEqual({ requests: Math.ceil(500 / TAX_BATCH_LIMIT) + Math.ceil(n / TAX_BATCH_LIMIT), keys: 500 + n });
      expect(stats.tax.requests).toBeLessThan(Math.ceil(500 / TAX_BATCH_LIMIT) + Math.ceil(pre2015 / TAX_BATCH_LIMIT));
      // only the tax section was asked for: no other department is called
      expect(stats.customs.requests + stats.finance.requests + stats.market.requests + stats.court.requests).toBe(0);
    });
  });

  describe('outage', () => {
    it('nulls the tax section with DEPARTMENT_UNAVAILABLE and department TAX, other fields intact', async () => {
      const s = find((x) => !x.registeredBefore2015 && x.tax !== null, 'post-2015 taxpayer');
      stack.standIns.tax.setFaults({ errorRate: 1 });
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: government });

      expect(result.body.data.subject).toMatchObject({ uscc: s.uscc, kind: expect.any(String), tax: null });
      const [error] = errorsAt(result, ['subject', 'tax']);
      expect(error?.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'TAX' });
      // the legacy fault text and internal addresses never reach the consumer
      expect(JSON.stringify(result.body)).not.toMatch(/系统繁忙|soap:|127\.0\.0\.1|http:\/\//);
    });
  });

  describe('authorization', () => {
    it('shows the public only grade A ratings, refusing the others with FORBIDDEN at their path', async () => {
      const s = find((x) => withRatings(x, (g) => g === 'A') && x.tax!.ratings.some((r) => r.grade !== 'A'), 'taxpayer with A and other grades');
      const publicToken = await stack.token({ role: 'public' });
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: publicToken });

      const expected = expectedTax(s);
      const ratings = result.body.data.subject.tax.rating;
      expect(ratings).toEqual(expected.rating.map((r) => ({ year: r.year, grade: r.grade === 'A' ? 'A' : null })));
      expected.rating.forEach((r, i) => {
        const errors = errorsAt(result, ['subject', 'tax', 'rating', i, 'grade']);
        if (r.grade === 'A') expect(errors).toEqual([]);
        else expect(errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      });
    });

    it('refuses the public annualPayments with FORBIDDEN and keeps the PUBLIC fields', async () => {
      const s = find((x) => x.tax !== null && x.tax.arrears.length > 0, 'taxpayer in arrears');
      const publicToken = await stack.token({ role: 'public' });
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: publicToken });

      const tax = result.body.data.subject.tax;
      expect(tax.annualPayments).toBeNull();
      expect(errorsAt(result, ['subject', 'tax', 'annualPayments']).map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(tax.arrears).toEqual(expectedTax(s).arrears);
      expect(tax.majorViolations).toEqual(expectedTax(s).majorViolations);
    });

    it('shows government every grade but refuses it annualPayments without the financial-supervision purpose', async () => {
      const s = find((x) => withRatings(x, (g) => g !== 'A') && x.tax!.payments.length > 0, 'taxpayer with grades other than A');
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: government });

      expect(result.body.data.subject.tax.rating).toEqual(expectedTax(s).rating);
      expect(result.body.data.subject.tax.annualPayments).toBeNull();
      expect((result.body.errors ?? []).map((e) => [e.path, e.extensions?.code])).toEqual([[['subject', 'tax', 'annualPayments'], 'FORBIDDEN']]);
    });

    it('refuses a bank without the subject consent annualPayments with CONSENT_REQUIRED', async () => {
      const s = find((x) => x.tax !== null && x.tax.payments.length > 0, 'taxpayer with payments');
      const bank = await stack.token({ role: 'bank', org: 'bank-without-consent' });
      const result = await stack.query(PROFILE, { variables: { uscc: s.uscc }, token: bank });

      const tax = result.body.data.subject.tax;
      expect(tax.annualPayments).toBeNull();
      expect(errorsAt(result, ['subject', 'tax', 'annualPayments']).map((e) => e.extensions?.code)).toEqual(['CONSENT_REQUIRED']);
      expect(tax.taxpayerId).toBe(s.tax!.taxpayerId);
    });
  });
});
