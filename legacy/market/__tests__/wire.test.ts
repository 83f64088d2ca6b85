import { compactDate, fenToWanYuan } from '../wire';

describe('market wire format', () => {
  it('renders fen as 万元 exactly, without trailing zeros or float drift', () => {
    expect(fenToWanYuan(1_500_000_000)).toBe('1500');
    expect(fenToWanYuan(12_500_000)).toBe('12.5');
    expect(fenToWanYuan(1)).toBe('0.000001');
    expect(fenToWanYuan(0)).toBe('0');
    // 0.1 + 0.2 style drift would show here: 3,000,000.30 万元 in fen
    expect(fenToWanYuan(3_000_000_300_000)).toBe('3000000.3');
    expect(fenToWanYuan(Number.MAX_SAFE_INTEGER)).toBe('9007199254.740991');
  });

  it('refuses a fractional amount of fen', () => {
    expect(() => fenToWanYuan(1.5)).toThrow(/safe integer/);
  });

  it('writes ISO dates as YYYYMMDD', () => {
    expect(compactDate('2015-09-30')).toBe('20150930');
  });
});
