import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../lib/config';
import { createWorld, type Subject } from '../legacy/world';

/**
 * `npm run --silent subjects -- [--limit N]`: demo subjects from the stand-ins' world
 * (WORLD_SIZE, WORLD_SEED), one JSON object a line: {"uscc":…,"name":…}. Stdout carries only
 * those lines. The selection takes one subject of each interesting sort — pre-2015 with a
 * 注册号, customs-registered, more than a page of court cases, financed, … (as many sorts as
 * the limit allows, in the order listed below) — fills up in index order, and prints in index order.
 */

const DEFAULT_LIMIT = 10;
/** how far to look for the sorts below before settling for what was found */
const SCAN_LIMIT = 50_000;

const SORTS: { label: string; matches(s: Subject): boolean }[] = [
  { label: 'enterprise registered since the 2015 reform', matches: (s) => !s.registeredBefore2015 && s.enterprise?.typeText.includes('有限') === true },
  { label: 'registered before 2015 (注册号, old 税务登记号)', matches: (s) => s.registeredBefore2015 && s.registrationNumber !== '' && s.tax !== null },
  { label: 'registered with customs', matches: (s) => s.customs !== null },
  { label: 'more than 20 court cases of one type', matches: (s) => Math.max(s.court.enforcement.length, s.court.dishonest.length, s.court.restrictions.length) > 20 },
  { label: 'loans on the finance platform', matches: (s) => (s.finance?.loanBalanceFen ?? 0) > 0 && s.finance?.overdueFen === 0 },
  { label: 'individual business', matches: (s) => s.enterprise?.typeText === '个体工商户' },
  { label: 'more than 50 penalties', matches: (s) => s.penalties.length > 50 },
  { label: 'dishonest debtor', matches: (s) => s.court.dishonest.length > 0 },
  { label: 'on the abnormal operations list', matches: (s) => s.abnormal.some((a) => a.removedOn === null) },
  { label: 'tax grade A', matches: (s) => s.tax?.ratings.at(-1)?.grade === 'A' },
  { label: 'farmers cooperative', matches: (s) => s.enterprise?.typeText === '农民专业合作社' },
  { label: 'not registered with market (事业单位, 社会组织)', matches: (s) => s.enterprise === null },
  { label: 'major tax violation', matches: (s) => (s.tax?.majorViolations.length ?? 0) > 0 },
  { label: 'overdue loans', matches: (s) => (s.finance?.overdueFen ?? 0) > 0 },
];

function parseLimit(): number {
  let raw: string | undefined;
  try {
    raw = parseArgs({ options: { limit: { type: 'string' } }, strict: true }).values.limit;
  } catch (error) {
    fail(`usage: npm run --silent subjects -- [--limit N] (${(error as Error).message})`);
  }
  if (raw === undefined) return DEFAULT_LIMIT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) fail(`--limit must be a positive whole number, got ${JSON.stringify(raw.slice(0, 40))}`);
  return Number(raw);
}

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

function main(): void {
  const limit = parseLimit();
  // only the two variables this script reads, validated by the one config schema (SPEC §4)
  const { world: worldOptions } = loadConfigOrExit({ WORLD_SIZE: process.env.WORLD_SIZE, WORLD_SEED: process.env.WORLD_SEED });
  const world = createWorld(worldOptions);
  const count = Math.min(limit, world.size);
  const chosen = new Set<number>();
  const pending = SORTS.slice(0, count);
  for (let i = 0; i < Math.min(world.size, SCAN_LIMIT) && pending.length > 0; i++) {
    const subject = world.subject(i);
    const sort = pending.findIndex((s) => s.matches(subject));
    if (sort >= 0 && !chosen.has(i)) {
      chosen.add(i);
      pending.splice(sort, 1);
    }
  }
  for (let i = 0; i < world.size && chosen.size < count; i++) chosen.add(i);
  for (const index of chosen) {
    const subject = world.subject(index);
    const name = subject.enterprise?.name ?? subject.tax?.name ?? subject.customs?.name ?? '';
    process.stdout.write(`${JSON.stringify({ uscc: subject.uscc, name })}\n`);
  }
}

main();
