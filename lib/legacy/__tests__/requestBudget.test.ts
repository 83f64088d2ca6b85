import { budgetFor, requestReceivedAt, withRequestClock } from '../requestBudget';

describe("the consumer's request clock", () => {
  it('dates the request back by the age the gateway sent', () => {
    expect(requestReceivedAt('1500', 1_000_000)).toBe(998_500);
    expect(requestReceivedAt('0', 1_000_000)).toBe(1_000_000);
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
  ])('counts from its own receipt given %s', (_what, header) => {
    expect(requestReceivedAt(header as string | string[] | undefined, 1_000_000)).toBe(1_000_000);
  });

  it('gives every batch of the request the same start and reserve, and a batch outside any request its own', async () => {
    const inside = await withRequestClock({ receivedAt: 42, reserveMs: 300 }, async () => {
      await new Promise((r) => setTimeout(r, 5));
      return [budgetFor(1), budgetFor(25)];
    });
    expect(inside).toEqual([
      { startedAt: 42, calls: 1, reserveMs: 300 },
      { startedAt: 42, calls: 25, reserveMs: 300 },
    ]);
    const before = Date.now();
    const outside = budgetFor(3);
    expect(outside.startedAt).toBeGreaterThanOrEqual(before);
    expect(outside).toMatchObject({ calls: 3, reserveMs: 0 });
  });
});
