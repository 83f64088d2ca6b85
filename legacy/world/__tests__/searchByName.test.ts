import { createWorld } from '..';

const SIZE = 12_000; // more than two chunks of the name index
const world = createWorld({ size: SIZE, seed: 5 });
const all = Array.from({ length: SIZE }, (_, i) => world.subject(i));
const bruteForce = (fragment: string, limit: number) =>
  all.filter((s) => s.enterprise !== null && s.enterprise.name.includes(fragment)).slice(0, limit).map((s) => s.index);

describe('searchByName', () => {
  it.each(['有限公司', '科技', '小吃店', '专业合作社', '（', '北京', '鑫达', '市场'])('finds exactly the market subjects whose name contains %s, in index order', (fragment) => {
    expect(world.searchByName(fragment, 10_000).map((s) => s.index)).toEqual(bruteForce(fragment, 10_000));
  });

  it('finds one subject by its full name', () => {
    const target = all.filter((s) => s.enterprise).at(-1)!;
    const found = world.searchByName(target.enterprise!.name, 10);
    expect(found.map((s) => s.index)).toContain(target.index);
    expect(found.map((s) => s.index)).toEqual(bruteForce(target.enterprise!.name, 10));
  });

  it('stops at the limit', () => {
    expect(world.searchByName('有限公司', 7).map((s) => s.index)).toEqual(bruteForce('有限公司', 7));
    expect(world.searchByName('有限公司', 0)).toEqual([]);
  });

  it('never finds subjects not registered with market, even by their name', () => {
    const institution = all.find((s) => s.enterprise === null && s.tax)!;
    expect(world.searchByName(institution.tax!.name, 10).every((s) => s.enterprise !== null)).toBe(true);
  });

  it('returns the first market subjects for an empty fragment', () => {
    expect(world.searchByName('', 5).map((s) => s.index)).toEqual(bruteForce('', 5));
  });

  it('finds nothing for a fragment no name contains, or one spanning two names', () => {
    expect(world.searchByName('不存在的名字', 10)).toEqual([]);
    expect(world.searchByName('有限公司\n', 10)).toEqual([]);
  });

  it('refuses a negative limit', () => {
    expect(() => world.searchByName('公司', -1)).toThrow(/limit must be a non-negative integer/);
  });
});
