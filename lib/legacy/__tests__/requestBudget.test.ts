import { budgetFor, requestWaitedMs, withRequestClock } from '../requestBudget';

describe("the consumer's request clock", () => {
  it('reads how long the request waited from the age the gateway sent', () => {
    expect(requestWaitedMs('1500')).toBe(1500);
    expect(requestWaitedMs('0')).toBe(0);
  });

  it.each([
    ['no header', undefined],
    ['a repeated header', ['10', '20']],
    ['a negative age', '-200'],
    ['a fraction', '12.5'],
    ['an exponent', '1e3'],
    ['text', 'soon'],
    ['an age over ten minutes', '600001'],
    ['an absurdly long number', '9'.repeat(40)],
  ])('counts no wait given %s', (_what, header) => {
    expect(requestWaitedMs(header as string | string[] | undefined)).toBe(0);
  });

  it("starts each batch's time when it is asked, moved back by the request's wait, with the request's reserve", async () => {
    const [first, later] = await withRequestClock({ waitedMs: 700, reserveMs: 300 }, async () => {
      const asked = { at: Date.now(), budget: budgetFor(1) };
      await new Promise((r) => setTimeout(r, 60));
      return [asked, { at: Date.now(), budget: budgetFor(1) }];
    });
    expect(first.budget).toEqual({ startedAt: first.at - 700, calls: 1, reserveMs: 300 });
    // a later step of the same request is not charged the steps before it
    expect(later.budget).toEqual({ startedAt: later.at - 700, calls: 1, reserveMs: 300 });
    expect(later.budget.startedAt).toBeGreaterThan(first.budget.startedAt);
  });


  it('gives a batch outside a request clock (a fetch about many subjects) its own start and no reserve', () => {
    const before = Date.now();
    const budget = budgetFor(3);
    expect(budget.startedAt).toBeGreaterThanOrEqual(before);
    expect(budget).toMatchObject({ calls: 3, reserveMs: 0 });
  });
});
