import { describeDivision, listDivisions, regionName } from '..';

describe('regionName', () => {
  it.each([
    ['110000', '北京市'],
    ['110108', '北京市海淀区'],
    ['350000', '福建省'],
    ['350100', '福建省福州市'],
    ['350102', '福建省福州市鼓楼区'],
    ['500101', '重庆市万州区'],
    ['429004', '湖北省仙桃市'],
    ['441900', '广东省东莞市'],
  ])('names %s %s', (code, name) => {
    expect(regionName(code)).toBe(name);
  });
  it.each(['990000', '350199', '359900', '35010', 'abcdef'])('knows no division %s', (code) => {
    expect(regionName(code)).toBeUndefined();
  });
});

describe('describeDivision', () => {
  it('gives the level, province and prefecture', () => {
    expect(describeDivision('350102')).toEqual({
      code: '350102',
      level: 'area',
      name: '福建省福州市鼓楼区',
      localName: '鼓楼区',
      province: { code: '35', name: '福建省' },
      city: { code: '3501', name: '福州市' },
    });
  });
  it('leaves out the placeholder prefecture of a municipality', () => {
    expect(describeDivision('110108')?.city).toBeNull();
  });
  it('lists every level once', () => {
    const all = listDivisions();
    expect(new Set(all.map((d) => d.code)).size).toBe(all.length);
    expect(all.filter((d) => d.level === 'province')).toHaveLength(31);
  });
});
