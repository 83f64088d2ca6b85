import { budgetFor, requestWaitedMs, withRequestClock } from '../requestBudget';
import { fakeClock, turn } from './scriptedSystem';

afterEach(() => jest.useRealTimers());

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
    fakeClock();
    const askedAt = Date.now();
    const [first, later] = await withRequestClock({ waitedMs: 700, reserveMs: 300 }, async () => {
      const budget = budgetFor(1);
      // a later step of the same request, 60 ms on, after an asynchronous hop
      await turn();
      jest.advanceTimersByTime(60);
      return [budget, budgetFor(1)];
    });
    expect(first).toEqual({ startedAt: askedAt - 700, calls: 1, reserveMs: 300 });
    // a later step of the same request is not charged the steps before it
    expect(later).toEqual({ startedAt: askedAt + 60 - 700, calls: 1, reserveMs: 300 });
  });

  it('gives a batch outside a request clock (a fetch about many subjects) its own start and no reserve', () => {
    fakeClock();
    expect(budgetFor(3)).toEqual({ startedAt: Date.now(), calls: 3, reserveMs: 0 });
  });
});
